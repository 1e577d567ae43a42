"""Fakes of the ports, for tests: a chat platform that records what it was sent and can be
told to fail in the ways real platforms do."""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

from bot.ports import Destination, PermanentFailure, RateLimited
from bot.replies import Reply


@dataclass
class Sent:
    destination: Destination
    reply: Reply
    ref: str


@dataclass
class FakeChat:
    """A `ChatSender` that records sends and edits. Queue failures with `fail_next`."""

    platform: str = "console"
    sent: list[Sent] = field(default_factory=list)
    edits: list[tuple[str, Reply]] = field(default_factory=list)
    failures: deque[Exception] = field(default_factory=deque)
    calls: int = 0

    def __post_init__(self) -> None:
        self._refs = itertools.count(1)

    def fail_next(self, *errors: Exception) -> None:
        self.failures.extend(errors)

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.failures:
            raise self.failures.popleft()

    async def send(self, destination: Destination, reply: Reply) -> str:
        self._maybe_fail()
        ref = f"msg-{next(self._refs)}"
        self.sent.append(Sent(destination, reply, ref))
        return ref

    async def edit(self, message_ref: str, reply: Reply) -> None:
        self._maybe_fail()
        self.edits.append((message_ref, reply))

    def texts(self) -> list[str]:
        return [s.reply.fallback_text() for s in self.sent]


__all__ = ["FakeChat", "PermanentFailure", "RateLimited", "Sent"]
