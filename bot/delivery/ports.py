"""The port adapters implement for outbound delivery, and the errors they report through it.

The delivery worker calls a `ChatSender` per platform; an adapter maps its platform's failures
onto these exceptions so the worker can retry, wait, or give up correctly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.kernel.replies import Reply


@dataclass(frozen=True, slots=True)
class Destination:
    """A channel (`channel`, optionally under `thread_ref`) or a person (`user_id`, by DM)."""

    platform: str
    workspace: str
    channel: str | None = None
    user_id: str | None = None
    thread_ref: str | None = None


class ChatSender(Protocol):
    """Sends the core's replies on one platform."""

    platform: str

    async def send(self, destination: Destination, reply: Reply) -> str:
        """Post a message; returns a reference to it that `edit` understands."""
        ...

    async def edit(self, message_ref: str, reply: Reply) -> None:
        """Replace the content of a message this sender posted."""
        ...


class RateLimited(Exception):
    """The platform asked us to wait `retry_after` seconds; not a failure of the message."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.1f}s")
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """The platform will never accept this message (channel archived, bot removed…)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
