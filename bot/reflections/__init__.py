"""Reflections after meetings: a prompt to those who said Going shortly after each session,
`reflect` any time, a summary to the group two days later, every reflection for its leaders,
and shared highlights kept for the network's digest (`storage.reflections.highlights`).

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
from bot.meetings.reminders import REFLECT, SUMMARY
from bot.reflections import prompts, summaries
from storage import reflections


def register(registry: Registry) -> None:
    add = registry.commands_in("Meetings")
    add(
        "reflect",
        prompts.reflect_command,
        "Reflect on your latest meeting (or the one named)",
        usage="[number]",
        examples=("reflect", "reflect 12.3"),
    )
    add(
        "meeting reflections",
        summaries.leader_view,
        "Read every reflection on a session",
        usage="<number>",
        audience=Audience.LEADER,
        examples=("meeting reflections 12.3",),
    )
    registry.button(ButtonSpec(prompts.OPEN_BUTTON, prompts.press_open))
    registry.form(FormSpec(prompts.FORM_ID, prompts.submit_reflection))
    registry.timer(TimerSpec(REFLECT, prompts.send_prompt))
    registry.timer(TimerSpec(SUMMARY, summaries.send_summary))
    registry.personal(
        PersonalDataSpec(
            "meeting reflections and attendance",
            "What you wrote after each meeting, whether you shared it as a highlight, and "
            "whether you said you attended — for your group's leaders and the network's digest.",
            export=lambda connection, member_id: reflections.export_reflections(
                connection, member_id=member_id
            ),
            erase=lambda connection, member_id: reflections.erase_reflections(
                connection, member_id=member_id
            ),
        )
    )
