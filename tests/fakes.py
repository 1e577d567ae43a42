"""Fakes of the ports, for tests: a chat platform that records what it was sent, can be told
to fail in the ways real platforms do (lost answers included) and finds a message by its
token as Slack does, and a recorder of what a real sender was given."""

from __future__ import annotations

import hashlib
import itertools
from collections import deque
from dataclasses import dataclass, field

from bot.delivery.ports import ChatSender, Destination, PermanentFailure, RateLimited
from bot.kernel.replies import Reply


@dataclass
class Sent:
    destination: Destination
    reply: Reply
    ref: str


@dataclass
class FakeChat:
    """A `ChatSender` that records sends and edits. Queue failures with `fail_next`; queue
    with `lose_answer_next` errors raised after a message was accepted (a connection closed
    after sending); `find_posted` finds an accepted message by its token.

    Its message references look like Slack's, "<conversation id>:<timestamp>": a direct
    message's conversation id is the same for every message to one person (as Slack's "D…"
    channel is), so a stored reference can link messages to one person, as a real one can.
    """

    platform: str = "console"
    sent: list[Sent] = field(default_factory=list)
    edits: list[tuple[str, Reply]] = field(default_factory=list)
    failures: deque[Exception] = field(default_factory=deque)
    lost_answers: deque[Exception] = field(default_factory=deque)
    calls: int = 0
    lookups: int = 0

    def __post_init__(self) -> None:
        self._refs = itertools.count(1)

    def fail_next(self, *errors: Exception) -> None:
        self.failures.extend(errors)

    def lose_answer_next(self, *errors: Exception) -> None:
        self.lost_answers.extend(errors)

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.popleft()

    async def send(self, destination: Destination, reply: Reply) -> str:
        self._maybe_fail()
        ref = f"{conversation_of(destination)}:1700000000.{next(self._refs):06d}"
        self.sent.append(Sent(destination, reply, ref))
        if self.lost_answers:
            raise self.lost_answers.popleft()
        return ref

    async def find_posted(self, destination: Destination, reply: Reply) -> str | None:
        self.lookups += 1
        for sent in self.sent:
            if destination.token and sent.destination.token == destination.token:
                return sent.ref
        return None

    async def edit(self, message_ref: str, reply: Reply) -> None:
        self._maybe_fail()
        self.edits.append((message_ref, reply))

    def texts(self) -> list[str]:
        return [s.reply.fallback_text() for s in self.sent]


def conversation_of(destination: Destination) -> str:
    """The conversation a message goes to: its channel, or the person's direct-message channel."""
    if destination.user_id is None:
        return destination.channel or ""
    person = f"{destination.workspace}/{destination.user_id}".encode()
    return "D" + hashlib.sha256(person).hexdigest()[:8].upper()


@dataclass
class Recorder:
    """A `ChatSender` that passes everything on to a real one and keeps what it was given."""

    inner: ChatSender
    sent: list[Sent] = field(default_factory=list)
    platform: str = field(init=False)
    edited: list[tuple[str, Reply]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.platform = self.inner.platform

    @property
    def replies(self) -> list[Reply]:
        """Everything sent or edited in, in no particular order."""
        return [sent.reply for sent in self.sent] + [reply for _, reply in self.edited]

    async def send(self, destination: Destination, reply: Reply) -> str:
        ref = await self.inner.send(destination, reply)
        self.sent.append(Sent(destination, reply, ref))
        return ref

    async def edit(self, message_ref: str, reply: Reply) -> None:
        await self.inner.edit(message_ref, reply)
        self.edited.append((message_ref, reply))


__all__ = ["FakeChat", "PermanentFailure", "RateLimited", "Recorder", "Sent", "conversation_of"]
