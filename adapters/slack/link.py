"""The link between the Slack intake process and the bot's process: the messages they exchange
over one Unix socket pair, and how each is framed (a 4-byte length, then a JSON object naming
its type).

JSON rather than pickle: the intake is the process that reads requests from the internet, and
whatever it sends is read as data of the listed types, never as code to run.

Times are `time.monotonic()` readings, which on Linux are one clock for every process on the
machine, so a deadline set by the intake means the same instant to the bot's process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import struct
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal[
    "command", "action", "submission", "message", "member_joined", "home_opened", "uninstalled"
]

_LENGTH = struct.Struct("!I")
SLACK_ACK_LIMIT = 2.5
"""Seconds the intake holds any acknowledgement at most: Slack gives up after three, and the
answer still has to cross the internet."""
GRACE = 0.010
"""Seconds the intake waits beyond a deadline for an acknowledgement already on its way."""


@dataclass(frozen=True, slots=True)
class IntakeConfig:
    """Sent first, by the bot's process: everything the intake needs to serve Slack."""

    signing_secret: str = field(repr=False)
    host: str
    port: int
    path: str
    team_id: str | None
    bot_user_id: str | None
    bot_id: str | None
    log_level: str
    log_format: str
    holds: Holds
    pages: tuple[str, ...] = ()
    """Paths of the install pages the intake relays to the bot's process (OAuth installs)."""


@dataclass(frozen=True, slots=True)
class Holds:
    """How long the intake holds an acknowledgement back for an answer, by kind, in seconds.
    The bot's process sends new holds whenever they change (0 while the core is behind)."""

    command: float
    submission: float

    def for_kind(self, kind: Kind) -> float:
        if kind == "command":
            return min(self.command, SLACK_ACK_LIMIT)
        if kind == "submission":
            return min(self.submission, SLACK_ACK_LIMIT)
        return 0.0  # button presses and events are acknowledged at once


@dataclass(frozen=True, slots=True)
class Listening:
    """The intake is serving Slack on `port` (the one bound when the setting was 0)."""

    port: int


@dataclass(frozen=True, slots=True)
class CannotListen:
    """The intake could not start serving (a port in use, say); it exits after sending this."""

    reason: str


@dataclass(frozen=True, slots=True)
class Forwarded:
    """A verified request from Slack; its acknowledgement must reach the intake by `deadline`
    (a monotonic time), or the intake acknowledges it empty."""

    request_id: int
    kind: Kind
    body: dict[str, Any]
    deadline: float


@dataclass(frozen=True, slots=True)
class Acknowledge:
    """What to send Slack as the acknowledgement of request `request_id` (empty: nothing).
    The intake answers one with content by `Carried` or `TooLate`."""

    request_id: int
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Carried:
    """The acknowledgement of request `request_id` carried what the bot's process sent."""

    request_id: int


@dataclass(frozen=True, slots=True)
class TooLate:
    """Request `request_id` had already been acknowledged empty: the bot's process must
    deliver what it sent some other way."""

    request_id: int


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A browser asked for an install page: the bot's process, which holds the OAuth flow and
    its stores, answers it with `Page`."""

    request_id: int
    path: str
    query: str
    cookie: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Page:
    """The answer to `PageRequest(request_id)`: headers by name, each with its values."""

    request_id: int
    status: int
    headers: dict[str, list[str]]
    body: str


@dataclass(frozen=True, slots=True)
class Sync:
    """Asks the intake to answer `Synced(token)` once everything before it has been read:
    every request forwarded before then has reached the bot's process."""

    token: int


@dataclass(frozen=True, slots=True)
class Synced:
    token: int


class UnknownMessage(ValueError):
    """A frame that is not one of the link's messages."""


_TYPES: dict[str, type[Any]] = {
    kind.__name__: kind
    for kind in (
        IntakeConfig,
        Holds,
        Listening,
        CannotListen,
        Forwarded,
        Acknowledge,
        Carried,
        TooLate,
        PageRequest,
        Page,
        Sync,
        Synced,
    )
}


def _plain(message: Any) -> dict[str, Any]:
    fields = {
        f.name: _plain(value) if dataclasses.is_dataclass(value) else value
        for f in dataclasses.fields(message)
        for value in (getattr(message, f.name),)
    }
    return {"type": type(message).__name__, **fields}


def _build(fields: dict[str, Any]) -> object:
    kind = _TYPES[fields.pop("type")]
    if kind is IntakeConfig:  # the one message with a message inside
        fields["holds"] = _build(fields["holds"])
    return kind(**fields)


def frame(message: object) -> bytes:
    data = json.dumps(_plain(message), separators=(",", ":")).encode()
    return _LENGTH.pack(len(data)) + data


def parse(data: bytes) -> object:
    """The message in one frame's data; `UnknownMessage` if it is not one of the link's."""
    try:
        return _build(json.loads(data))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnknownMessage(f"not a link message: {error}") from error


async def read_frame(reader: asyncio.StreamReader) -> object:
    """The next message; raises `asyncio.IncompleteReadError` when the other side has gone."""
    (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
    return parse(await reader.readexactly(length))
