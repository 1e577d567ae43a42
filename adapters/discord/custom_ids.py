"""Custom ids: the state a Discord button or modal carries back to us, in 100 characters.

A button carries the core's action and value (`sr:<action>:<value>`), so pressing it needs
nothing remembered — it works after a restart and on any replica. Direct messages have no
server, so ids on them also name the server whose network they belong to (`sr@<guild>:…`).
A modal carries the token of the form being filled (its parts and answers, kept in memory)
and, when they fit, the form's id and context, so a one-part form still submits after a
restart. A "continue" button carries only a token (`sx:<token>`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LIMIT = 100
BUTTON = re.compile(r"sr(?:@(?P<guild>\d+))?:(?P<action>[^:]+):(?P<value>.*)", re.DOTALL)
RESUME = re.compile(r"sx:(?P<token>[\w-]+)")
FORM = re.compile(
    r"sf(?:@(?P<guild>\d+))?:(?P<token>[\w-]+):(?P<part>\d+)"
    r"(?::(?P<form_id>[^:]+):(?P<context>.*))?",
    re.DOTALL,
)


def _guild(guild: str | None) -> str:
    return f"@{guild}" if guild else ""


def button_id(action: str, value: str, guild: str | None = None) -> str:
    """The id of a core button; `guild` only for messages outside a server (DMs)."""
    if ":" in action:
        raise ValueError(f"button action {action!r} may not contain ':'")
    custom_id = f"sr{_guild(guild)}:{action}:{value}"
    if len(custom_id) > LIMIT:
        raise ValueError(
            f"button {action!r} carries a value too long for Discord ({len(custom_id)} > {LIMIT})"
        )
    return custom_id


@dataclass(frozen=True, slots=True)
class FormRef:
    """What a modal's id says: the form in progress and, if it fitted, the form itself."""

    token: str
    part: int
    guild: str | None = None
    form_id: str | None = None
    context: str = ""


def form_id(ref: FormRef) -> str:
    base = f"sf{_guild(ref.guild)}:{ref.token}:{ref.part}"
    if ref.form_id is not None and ":" not in ref.form_id:
        full = f"{base}:{ref.form_id}:{ref.context}"
        if len(full) <= LIMIT:
            return full
    return base


def parse_form(custom_id: str) -> FormRef | None:
    match = FORM.fullmatch(custom_id)
    if match is None:
        return None
    return FormRef(
        token=match["token"],
        part=int(match["part"]),
        guild=match["guild"],
        form_id=match["form_id"],
        context=match["context"] or "",
    )


def resume_id(token: str) -> str:
    return f"sx:{token}"


def is_button_of_ours(custom_id: str) -> bool:
    """Whether a pressed component's id is one Staffroom made (a core or "continue" button)."""
    return any(pattern.fullmatch(custom_id) for pattern in (BUTTON, RESUME))
