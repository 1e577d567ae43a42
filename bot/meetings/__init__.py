"""Meetings: group leaders schedule sessions (one-off or recurring, skipping holidays); the bot
reminds the group's channels with RSVP buttons and live counts, messages those going an hour
before, and offers calendar files. Timed work is durable (timers and the outbox).

May import the kernel, delivery, parsing, the privacy primitives and `storage`; never an
adapter, a platform SDK or another feature's internals (features meet through the registry).
"""

from __future__ import annotations

from bot.kernel.registry import (
    Audience,
    ButtonSpec,
    FormSpec,
    PersonalDataSpec,
    Registry,
    TimerSpec,
)
from bot.meetings import browse, changes, digest, reminders, rsvp, schedule_input
from bot.meetings.browse import press_ics
from bot.meetings.render import RSVP_ACTION
from bot.meetings.scheduling import ICS_BUTTON
from storage import meetings, rsvps

TOPIC = "Meetings"


def register(registry: Registry) -> None:
    add = registry.commands_in(TOPIC)
    add("meetings", browse.list_meetings, "Sessions coming up in your groups")
    add(
        "meeting",
        browse.show_meeting,
        "A meeting and its sessions (skipped ones included)",
        usage="<number>",
        examples=("meeting 12", "meeting 12.3"),
    )
    add(
        "meeting schedule",
        schedule_input.schedule_command,
        "Schedule a meeting or a series; alone, it opens a form (`help meeting schedule` has the whole one-line form)",
        usage='["Title" <date> <time> [for 90m] [every week…] [until <date>] [at "Place"] …]',
        audience=Audience.LEADER,
        examples=(
            'meeting schedule "Moderation twilight" 2026-12-03 16:00 for 90m every 2 weeks until 2027-03-25 at "Ridgeway School, room 4" remind 1d,1h',
            'meeting schedule "Exam debrief" 3 Dec 2026 4pm online https://meet.example/chem',
            'meeting schedule "Subject network" 2027-01-07 16:30 monthly 6 times',
            "meeting schedule",
        ),
    )
    add(
        "meeting cancel",
        changes.cancel_command,
        "Cancel one session (12.3) or all still to come (12 all); people are told",
        usage="<number> [all]",
        audience=Audience.LEADER,
        examples=("meeting cancel 12.3", "meeting cancel 12 all"),
    )
    add(
        "meeting move",
        changes.move_command,
        "Move one session, or all still to come, to a new date and/or time",
        usage="<number> [all] [<date>] [<time>]",
        audience=Audience.LEADER,
        examples=("meeting move 12.3 2026-12-10 16:00", "meeting move 12 all 16:30"),
    )
    add(
        "meeting ics",
        browse.ics_command,
        "A calendar file (.ics) with every session of a meeting",
        usage="<number>",
        examples=("meeting ics 12",),
    )
    registry.button(ButtonSpec(RSVP_ACTION, rsvp.press_rsvp))
    registry.button(ButtonSpec(ICS_BUTTON, press_ics))
    registry.form(FormSpec(schedule_input.FORM_ID, schedule_input.submit_schedule))
    registry.timer(TimerSpec(reminders.REMINDER, reminders.send_reminder))
    registry.timer(TimerSpec(reminders.SOON, reminders.send_soon))
    registry.home_section(browse.home_section)
    registry.personal(
        PersonalDataSpec(
            "meeting replies",
            "Whether you said Going, Maybe or Can't make it to each meeting session, so the "
            "group can see numbers and you get reminders.",
            export=lambda connection, member_id: rsvps.export_answers(
                connection, member_id=member_id
            ),
            erase=lambda connection, member_id: rsvps.erase_answers(
                connection, member_id=member_id
            ),
        )
    )
    registry.personal(
        PersonalDataSpec(
            "meetings you scheduled",
            "Which meetings you scheduled as a group leader (the meetings stay for the group; "
            "erasing removes your name from them).",
            export=lambda connection, member_id: meetings.export_scheduled_by(
                connection, member_id=member_id
            ),
            erase=lambda connection, member_id: meetings.forget_scheduler(
                connection, member_id=member_id
            ),
        )
    )
    registry.digest_source(digest.SOURCE)
