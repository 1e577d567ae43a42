"""Traffic-light check-ins with cross-school regrouping: a leader opens a round (or schedules
one weekly), members answer 🟢 Got it · 🟠 Not sure yet · 🔴 Need help, the group sees live
totals once there are enough answers, the leader hears privately who needs help, and at close
gets suggested pairings — reds with greens, ambers in threes, across schools.

May import the kernel, delivery, parsing, the privacy primitives and `storage`; never an
adapter, a platform SDK or another feature's internals (features meet through the registry).
"""

from __future__ import annotations

from sqlalchemy import Connection

from bot.checkins import (
    answers,
    cadence,
    closing,
    digest,
    history,
    on_the_minute,
    open_rounds,
    rounds,
)
from bot.kernel.registry import (
    Audience,
    ButtonSpec,
    FormSpec,
    PersonalDataSpec,
    Registry,
    TimerSpec,
)
from storage import checkin_personal, personal_data

TOPIC = "Check-ins"


def _erase_member(connection: Connection, member_id: int) -> None:
    checkin_personal.erase_member(connection, member_id)
    # The leaders' notices naming them: one still waiting is not sent after all.
    personal_data.delete_messages_keyed(
        connection, key_like=on_the_minute.red_notices_about(member_id)
    )


def register(registry: Registry) -> None:
    add = registry.commands_in(TOPIC)

    add(
        "checkin",
        answers.answer_command,
        "Answer the open check-in from the keyboard (alone: your open check-ins)",
        usage="[green|amber|red] [anonymously] [note]",
        examples=(
            "checkin green",
            "checkin red I can't see how to teach the mole concept to set 3",
            "checkin amber anonymously",
            "checkin",
        ),
    )
    add(
        "checkin open",
        rounds.open_command,
        "Open a check-in round in a group (in its channel, no group name needed)",
        usage="[group:] <question> [closing in <duration>]",
        audience=Audience.LEADER,
        examples=(
            "checkin open How confident do you feel teaching required practical 4?",
            "checkin open A-level Chemistry: How are the mock papers going? closing in 2d",
        ),
    )
    add(
        "checkin close",
        closing.close_command,
        "Close the open round; you get the summary and suggested pairings",
        usage="[group]",
        audience=Audience.LEADER,
        examples=("checkin close A-level Chemistry",),
    )
    add(
        "checkin remind",
        rounds.remind_command,
        "Remind the whole group about the open round",
        usage="[group]",
        audience=Audience.LEADER,
    )
    add(
        "checkin every",
        cadence.every_command,
        "Open a round every week (network time zone; holidays skipped; open 2 days unless told)",
        usage="[group:] <weekday> <time> <question> [closing in <duration>]",
        audience=Audience.LEADER,
        examples=(
            "checkin every Monday 08:30 How is this week's topic going?",
            "checkin every A-level Chemistry: Friday 14:00 Ready for next week? closing in 1d",
        ),
    )
    add(
        "checkin schedules",
        cadence.schedules_command,
        "A group's weekly check-ins, with their next dates",
        usage="[group]",
        audience=Audience.LEADER,
    )
    add(
        "checkin stop",
        cadence.stop_command,
        "Stop a weekly check-in",
        usage="<number>",
        audience=Audience.LEADER,
        examples=("checkin stop 3",),
    )
    add(
        "checkin history",
        history.history_command,
        "A group's recent rounds and how the mix has moved (totals only)",
        usage="[group]",
        examples=("checkin history A-level Chemistry",),
    )
    add("checkin mine", history.mine_command, "Your own answers, notes and pairings")
    add(
        "checkin pairing",
        history.pairing_command,
        "Whether check-ins may pair you with a colleague",
        usage="[on|off]",
        examples=("checkin pairing off",),
    )
    registry.button(ButtonSpec("checkin.answer", answers.press_answer))
    registry.button(ButtonSpec("checkin.note", answers.press_note))
    registry.button(ButtonSpec(closing.INTRODUCE_ACTION, closing.press_introduce))
    registry.button(ButtonSpec("checkin.stop", cadence.press_stop))
    registry.button(ButtonSpec("checkin.pairing", history.press_pairing))
    registry.form(FormSpec("checkin.note", answers.submit_note))
    registry.timer(TimerSpec(rounds.CLOSE_TIMER, closing.close_timer))
    registry.timer(TimerSpec(rounds.REMIND_TIMER, rounds.remind_timer))
    registry.timer(TimerSpec(on_the_minute.MINUTE_TIMER, on_the_minute.minute_timer))
    registry.timer(TimerSpec(cadence.CADENCE_TIMER, cadence.cadence_timer))
    registry.home_section(open_rounds.home_section)
    registry.personal(
        PersonalDataSpec(
            name="check-ins",
            purpose=(
                "Your traffic-light answers and notes (so you can change them and your leader "
                "can help), the colleagues suggested for you to talk with, whether you may be "
                "paired, and the check-ins you opened or scheduled. Anonymous answers stop "
                "being linked to you when their round closes."
            ),
            export=checkin_personal.export_member,
            erase=_erase_member,
        )
    )
    registry.digest_source(digest.SOURCE)
