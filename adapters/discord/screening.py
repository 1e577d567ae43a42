"""Interactions Staffroom cannot read, answered instead of lost.

discord.py reads INTERACTION_CREATE inside the gateway's receive loop, so a payload its parser
cannot take (a button press without `data`, say) would raise there and end the connection for
good, and a command without `data` would fail in a task nobody awaits, unanswered. `screen`
puts a check in front of that parser: a payload missing what its type needs is answered with a
short private message and never reaches discord.py, and whatever the parser still raises is
logged, answered the same way, and kept away from the gateway. Well-formed interactions whose
ids are not ours are answered by the client (`StaffroomClient.on_interaction`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import discord

from adapters.discord.interactions import say

log = logging.getLogger("staffroom.discord")

UNREADABLE = (
    "Sorry — Staffroom couldn't read that request from Discord. Please try again; "
    "`/staffroom help` lists what you can do."
)
TASK_NAME = "staffroom: answering an unreadable interaction"
# What each interaction type needs in its `data` (Discord's own documentation, and what
# discord.py reads without checking).
_NEEDS: dict[int, dict[str, type]] = {
    2: {"name": str},  # application command
    4: {"name": str},  # autocomplete
    3: {"custom_id": str, "component_type": int},  # button or menu
    5: {"custom_id": str, "components": list},  # modal answers
}


def problem_with(payload: Mapping[str, Any]) -> str | None:
    """What the payload lacks for its type, or None if discord.py can read it."""
    kind = payload.get("type")
    if not isinstance(kind, int):
        return "no type"
    needs = _NEEDS.get(kind)
    if needs is None:
        return None
    data = payload.get("data")
    if not isinstance(data, Mapping):
        return "no data"
    for key, wanted in needs.items():
        if not isinstance(data.get(key), wanted):
            return f"no {key}"
    if kind == 3 and not isinstance(payload.get("message"), Mapping):
        return "no message"  # discord.py finds the pressed button on it, or drops the press
    return None


def screen(state: Any) -> None:
    """Put the check in front of `state`'s INTERACTION_CREATE parser (the gateway calls it
    through this same table)."""
    parse = state.parsers["INTERACTION_CREATE"]
    answering: set[asyncio.Task[None]] = set()  # held until done: the loop keeps weak refs

    def parse_interaction_create(payload: dict[str, Any]) -> None:
        kind = payload.get("type")
        problem = problem_with(payload)
        if problem is None:
            try:
                parse(payload)
                return
            except Exception:
                log.exception("discord.py could not read an interaction: type=%s", kind)
        else:
            log.warning("an interaction Staffroom cannot read: type=%s (%s)", kind, problem)
        try:
            interaction = discord.Interaction(data=payload, state=state)  # type: ignore[arg-type]
        except Exception as error:
            log.warning("it cannot be answered either: %s", type(error).__name__)
            return
        task = asyncio.get_running_loop().create_task(_answer(interaction), name=TASK_NAME)
        answering.add(task)
        task.add_done_callback(answering.discard)

    state.parsers["INTERACTION_CREATE"] = parse_interaction_create


async def _answer(interaction: discord.Interaction) -> None:
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            await interaction.response.autocomplete([])
        else:
            await say(interaction, UNREADABLE)
    except discord.HTTPException as error:
        log.warning("could not answer an unreadable interaction: status=%s", error.status)
