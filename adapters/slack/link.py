"""The link between the Slack intake process and the bot's process: the messages they exchange
over one Unix socket pair, and how each is framed (a 4-byte length, then a pickle).

Pickle is safe here: the socket pair is created by the bot's process and handed only to the
intake process it starts, so nothing else can write to it.

Times are `time.monotonic()` readings, which on Linux are one clock for every process on the
machine, so a deadline set by the intake means the same instant to the bot's process.
"""

from __future__ import annotations

import asyncio
import pickle
import struct
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["command", "action", "submission", "message", "member_joined", "home_opened"]

_LENGTH = struct.Struct("!I")
SLACK_ACK_LIMIT = 2.5
"""Seconds the intake holds any acknowledgement at most: Slack gives up after three, and the
answer still has to cross the internet."""
GRACE = 0.010
"""Seconds the intake waits beyond a deadline for an acknowledgement already on its way."""


@dataclass(frozen=True, slots=True)
class IntakeConfig:
    """Sent first, by the bot's process: everything the intake needs to serve Slack."""

    signing_secret: str
    host: str
    port: int
    path: str
    team_id: str | None
    bot_user_id: str | None
    bot_id: str | None
    log_level: str
    log_format: str
    holds: Holds


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
    """What to send Slack as the acknowledgement of request `request_id` (empty: nothing)."""

    request_id: int
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Sync:
    """Asks the intake to answer `Synced(token)` once everything before it has been read:
    every request forwarded before then has reached the bot's process."""

    token: int


@dataclass(frozen=True, slots=True)
class Synced:
    token: int


def frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


async def read_frame(reader: asyncio.StreamReader) -> object:
    """The next message; raises `asyncio.IncompleteReadError` when the other side has gone."""
    (length,) = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))
    return pickle.loads(await reader.readexactly(length))
