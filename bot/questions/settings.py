"""`network questions`: the network's settings for anonymous questions — how many schools
must say "me too" before the facilitators are alerted, and how many anonymous questions one
person may ask in a day. Anyone may read them; facilitators change them."""

from __future__ import annotations

from dataclasses import replace

from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import require_facilitator
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Context as ContextLine
from bot.kernel.replies import Fields, Heading, Reply, Tone
from bot.parsing.numbers import whole_number
from storage import asking as asking_store

ALERT_RANGE = (2, 50)
LIMIT_RANGE = (1, 20)
_USAGE = "`/staffroom network questions alert 3` or `/staffroom network questions limit 5`"


def network_questions(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    current = asking_store.settings(ctx.connection, network_id=network.id)
    words = arguments.lower().split()
    if not words:
        return Reply(
            (
                Heading("Anonymous questions: settings"),
                Fields(
                    (
                        ("Alert the facilitators at", f"{current.alert_schools} schools"),
                        ("Anonymous questions per person per day", str(current.daily_limit)),
                    )
                ),
                ContextLine(f"Facilitators change them: {_USAGE}."),
            )
        )
    require_facilitator(ctx, doing="change the settings for anonymous questions")
    if len(words) != 2 or words[0] not in ("alert", "limit"):
        raise Refusal(f"Please type {_USAGE}.")
    which, typed = words
    low, high = ALERT_RANGE if which == "alert" else LIMIT_RANGE
    value = whole_number(typed) or 0
    if not low <= value <= high:
        raise Refusal(f"Please give a whole number from {low} to {high}, as in {_USAGE}.")
    if which == "alert":
        changed = replace(current, alert_schools=value)
        said = f"Facilitators will be alerted when a question is seen at {value} schools."
    else:
        changed = replace(current, daily_limit=value)
        said = (
            f"Each person may now ask {value} anonymous question{'s' if value != 1 else ''} a day."
        )
    asking_store.save_settings(ctx.connection, network_id=network.id, value=changed)
    return Reply.say(said, tone=Tone.SUCCESS)
