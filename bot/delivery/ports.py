"""The port adapters implement for outbound delivery, and the errors they report through it.

The delivery worker calls a `ChatSender` per platform; an adapter maps its platform's failures
onto these exceptions so the worker can retry, wait, or give up correctly. Any other error
leaves the outcome unknown — the platform may have posted the message and the answer was lost
(a connection closed after sending, a timeout, an unreadable body) — so before sending again
the worker asks a sender that `FindsPosted` whether the message is there. Each outbox message
goes with a `token` the platform keeps with it (Slack: message metadata; Discord: an enforced
nonce, which makes a repeat return the first message instead of posting another).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.kernel.replies import Reply


@dataclass(frozen=True, slots=True)
class Destination:
    """A channel (`channel`, optionally under `thread_ref`) or a person (`user_id`, by DM).

    `token` marks the outbox message sent there, so that the platform can recognise it again
    (24 hex characters naming nothing; empty for messages not from the outbox).
    """

    platform: str
    workspace: str
    channel: str | None = None
    user_id: str | None = None
    thread_ref: str | None = None
    token: str = ""


class ChatSender(Protocol):
    """Sends the core's replies on one platform."""

    platform: str

    async def send(self, destination: Destination, reply: Reply) -> str:
        """Post a message; returns a reference to it that `edit` understands."""
        ...

    async def edit(self, message_ref: str, reply: Reply) -> None:
        """Replace the content of a message this sender posted."""
        ...


@runtime_checkable
class FindsPosted(Protocol):
    """A `ChatSender` that can tell whether a message sent earlier landed, its answer lost."""

    async def find_posted(self, destination: Destination, reply: Reply) -> str | None:
        """The reference of the message posted earlier with `destination.token`, having done
        whatever `send` does after posting (files); None if it is not there."""
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
