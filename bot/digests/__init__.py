"""Weekly engagement digests for facilitators and leaders: activity, health, disengaging
schools, quieter members, features' own figures and highlights — in chat with a chart and a
CSV, on demand or every week.

May import the kernel, delivery, parsing, the privacy primitives, `storage`, and matplotlib
(only when a chart is drawn); features add figures through the registry's digest sources.
"""

from __future__ import annotations

from bot.digests import commands
from bot.digests.health import RULE
from bot.digests.weekly import (
    KIND,
    SEND_KIND,
    deliver_weekly,
    keep_digest_scheduled,
    send_weekly,
)
from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.registry import Audience, Registry, TimerSpec
from bot.kernel.replies import Reply


def register(registry: Registry) -> None:
    add = registry.commands_in("Digests (leaders and facilitators)")
    add(
        "digest",
        commands.digest,
        "A week's engagement digest: the network's (facilitators) or your groups' (leaders)",
        usage="[week] [group]",
        audience=Audience.LEADER,
        examples=("digest", "digest last A-level Chemistry", "digest 2026-W47"),
        slow=True,
    )
    add(
        "digest schedule",
        commands.digest_schedule,
        "When the weekly digest goes out",
        usage="[weekday HH:MM]",
        audience=Audience.LEADER,
        examples=("digest schedule Monday 07:30",),
    )
    add("digest off", commands.digest_off, "Stop the weekly digest", audience=Audience.FACILITATOR)
    add("digest on", commands.digest_on, "Restart the weekly digest", audience=Audience.FACILITATOR)
    add(
        "digest health",
        health_rule,
        "How group health is judged (new, growing, steady, drifting, stale)",
        audience=Audience.LEADER,
    )
    registry.timer(TimerSpec(KIND, deliver_weekly))
    registry.timer(TimerSpec(SEND_KIND, send_weekly))
    registry.schedule_keeper(keep_digest_scheduled)


def health_rule(cmd: Command, ctx: Context, arguments: str) -> Reply:
    return Reply.say(RULE)
