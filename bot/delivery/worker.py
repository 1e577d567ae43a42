"""The delivery worker: claims due outbox messages under a lease, sends them through each
platform's `ChatSender`, and records the outcome.

Rate limits wait as long as the platform asks and cost no attempt; permanent failures (channel
gone, bot removed, a payload this version cannot read) are recorded and the network's
facilitators are told (`bot.delivery.outcomes`). Any other error leaves it unknown whether the
platform posted the message, so it is retried with exponential backoff, and each retry first
asks the platform whether the message is there (the same after a lease ran out): a message
found is recorded as sent, not posted again, and an expired one found is not marked missed.
Every wait — a rate limit, a backoff, a pacing slot more than a moment away
(`bot.delivery.pacing`) — hands the message back to the outbox rather than holding its lease.
Sealed direct messages (`Outbox.to_sealed`) are opened with the server secret only here, just
before sending, and leave no platform reference behind: it would name the conversation they
went to.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from bot.delivery.clock import Clock
from bot.delivery.outcomes import RELINK_HINT, VERSION_HINT, Outcomes, unreadable
from bot.delivery.pacing import Pacer
from bot.delivery.ports import (
    ChatSender,
    Destination,
    FindsPosted,
    PermanentFailure,
    RateLimited,
)
from bot.kernel.replies import Reply
from bot.kernel.reply_codec import decode_reply
from bot.privacy.anonymity import SEALED, open_message
from storage import outbox as store
from storage.outbox import ClaimedMessage, RelatedState
from storage.uow import unit_of_work

log = logging.getLogger("staffroom.delivery")

MAX_ATTEMPTS = 8
TOO_LATE = "fell due while the bot was away; too late to send"
RunInDb = Callable[..., Awaitable[Any]]


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 5 s doubling, at most 15 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 900))


@dataclass
class DeliveryStats:
    """Counters the metrics endpoint reads."""

    sent: int = 0
    failures: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class DeliveryWorker:
    """Delivers due outbox messages; safe to run in several processes on one database."""

    def __init__(
        self,
        *,
        engine: Engine,
        senders: Mapping[str, ChatSender],
        clock: Clock,
        run_in_db: RunInDb,
        lease: timedelta = timedelta(seconds=60),
        batch: int = 50,
        channel_interval: float = 1.0,
        secret: bytes = b"",
    ) -> None:
        self._engine = engine
        self._senders = dict(senders)
        self._clock = clock
        self._run_in_db = run_in_db
        self._lease = lease
        self._batch = batch
        self._pacer = Pacer(channel_interval)
        self._secret = secret  # opens sealed direct messages (`Outbox.to_sealed`)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._outcomes = Outcomes(engine, clock, self.owner)
        self.stats = DeliveryStats()

    def add_sender(self, sender: ChatSender) -> None:
        self._senders[sender.platform] = sender

    async def deliver_due(self) -> int:
        """One pass: deliver what is due now. Returns how many messages were handled."""
        now = self._clock.now()
        claimed, related = await self._run_in_db(self._claim, now)
        if not claimed:
            return 0
        self._pacer.forget_before(now)
        by_destination: dict[tuple[str, str, str], list[ClaimedMessage]] = defaultdict(list)
        for message in claimed:
            by_destination[_destination_key(message)].append(message)
        await asyncio.gather(
            *(
                self._deliver_in_order(key, queue, related, claimed_at=now)
                for key, queue in by_destination.items()
            )
        )
        return len(claimed)

    def _claim(self, now: datetime) -> tuple[list[ClaimedMessage], dict[str, RelatedState]]:
        platforms = list(self._senders)
        with unit_of_work(self._engine) as connection:
            claimed = store.claim_due(
                connection,
                now=now,
                owner=self.owner,
                lease=self._lease,
                limit=self._batch,
                platforms=platforms,
            )
            keys = [k for m in claimed for k in (m.thread_of, m.edit_of) if k]
            related = store.related_states(connection, keys=keys)
        return claimed, related

    async def _deliver_in_order(
        self,
        key: tuple[str, str, str],
        queue: list[ClaimedMessage],
        related: dict[str, RelatedState],
        *,
        claimed_at: datetime,
    ) -> None:
        """Deliver one destination's messages in order, each in its pacing slot; hand back
        those whose slot is too far off to wait for under the lease."""
        for index, message in enumerate(queue):
            now = self._clock.now()
            slot = self._pacer.reserve(key, now=now, claimed_at=claimed_at)
            if slot is None:
                rest = queue[index:]
                slots = self._pacer.later_slots(key, now=now, count=len(rest))
                await self._run_in_db(self._outcomes.hand_back, list(zip(rest, slots, strict=True)))
                return
            if slot > now:
                await asyncio.sleep((slot - now).total_seconds())
            await self._deliver(message, related)

    async def _deliver(self, message: ClaimedMessage, related: dict[str, RelatedState]) -> None:
        now = self._clock.now()
        in_doubt = message.attempts > 0 and message.edit_of is None  # an edit may repeat
        expired = message.expires_at is not None and now > message.expires_at
        if expired and not in_doubt:
            await self._run_in_db(self._outcomes.finish, message, store.MISSED, TOO_LATE)
            return
        parent_key = message.edit_of or message.thread_of
        parent = related.get(parent_key) if parent_key else None
        if parent is not None and parent.status == store.PENDING:
            await self._run_in_db(
                self._outcomes.postpone, message, now + timedelta(seconds=2), None, False
            )
            return
        if message.edit_of and (parent is None or parent.message_ref is None):
            await self._run_in_db(
                self._outcomes.finish, message, store.SUPERSEDED, "the original was never delivered"
            )
            return
        try:
            sealed_to, reply = self._open(message)
        except Exception as error:  # a payload this version cannot read must not block the queue
            await self._give_up(message, unreadable(message, error), VERSION_HINT)
            return
        destination = self._destination(message, parent, sealed_to)
        gave_up = message.attempts >= MAX_ATTEMPTS
        try:
            # After an attempt whose outcome is unknown, the message may be there already.
            ref = await self._find(destination, reply) if in_doubt else None
            if ref is None and not expired and not gave_up:
                ref = await self._send(message, parent, destination, reply)
        except RateLimited as limited:
            self.stats.failures["rate_limited"] += 1
            until = self._clock.now() + timedelta(seconds=max(limited.retry_after, 0.1))
            await self._run_in_db(self._outcomes.postpone, message, until, str(limited), False)
            return
        except PermanentFailure as failure:
            self.stats.failures["permanent"] += 1
            # A platform's reason may name the person; a sealed message's must not be kept.
            await self._give_up(
                message, "withheld (sealed message)" if sealed_to else failure.reason, RELINK_HINT
            )
            return
        except Exception as error:  # network errors, 5xx, lost answers: look, then retry
            await self._retry_later(message, error, sealed=sealed_to is not None)
            return
        if ref is None:
            if expired:
                await self._run_in_db(self._outcomes.finish, message, store.MISSED, TOO_LATE)
            else:
                reason = f"gave up after {MAX_ATTEMPTS} attempts ({message.last_error})"
                await self._give_up(message, reason, RELINK_HINT)
            return
        self.stats.sent += 1
        # Later messages of this pass may thread under or edit this one.
        related[message.key] = RelatedState(store.SENT, ref)
        await self._run_in_db(self._outcomes.sent, message, None if sealed_to else ref)

    async def _retry_later(
        self, message: ClaimedMessage, error: Exception, *, sealed: bool
    ) -> None:
        """Count an attempt whose outcome is unknown and try again after a backoff (looking
        first whether it landed); once the attempts are spent, that look was the last."""
        self.stats.failures["transient"] += 1
        detail = "" if sealed else f": {error}"
        reason = f"{type(error).__name__}{detail}"[:300]
        if message.attempts >= MAX_ATTEMPTS:
            await self._give_up(
                message, f"gave up after {MAX_ATTEMPTS} attempts ({reason})", RELINK_HINT
            )
            return
        log.info(
            "delivery will be retried: id=%s purpose=%s reason=%s",
            message.id,
            message.purpose,
            reason,
        )
        until = self._clock.now() + backoff(message.attempts + 1)
        await self._run_in_db(self._outcomes.postpone, message, until, reason, True)

    def _open(self, message: ClaimedMessage) -> tuple[Destination | None, Reply]:
        """The reply to send, and for a sealed message the destination sealed with it."""
        if message.user_id == SEALED:
            return open_message(self._secret, message.payload)
        return None, decode_reply(message.payload)

    def _destination(
        self, message: ClaimedMessage, parent: RelatedState | None, sealed_to: Destination | None
    ) -> Destination:
        # A thread whose first message failed is posted plainly rather than lost.
        thread_ref = parent.message_ref if parent is not None else None
        destination = sealed_to or Destination(
            message.platform, message.workspace, message.channel, message.user_id, thread_ref
        )
        return replace(destination, token=delivery_token(self._secret, message.key))

    async def _find(self, destination: Destination, reply: Reply) -> str | None:
        sender = self._senders[destination.platform]
        if not isinstance(sender, FindsPosted):  # it recognises a repeat itself, or never loses one
            return None
        return await sender.find_posted(destination, reply)

    async def _send(
        self,
        message: ClaimedMessage,
        parent: RelatedState | None,
        destination: Destination,
        reply: Reply,
    ) -> str:
        sender = self._senders[message.platform]
        if message.edit_of and parent is not None and parent.message_ref is not None:
            await sender.edit(parent.message_ref, reply)
            return parent.message_ref
        return await sender.send(destination, reply)

    async def _give_up(self, message: ClaimedMessage, reason: str, hint: str) -> None:
        log.warning(
            "delivery failed for good: id=%s purpose=%s reason=%s",
            message.id,
            message.purpose,
            reason,
        )
        await self._run_in_db(self._outcomes.fail_and_tell, message, reason, hint)


def delivery_token(secret: bytes, key: str) -> str:
    """The token a message carries on the platform: keyed with the server secret, so that
    nobody without it can tie a platform's message to its outbox row."""
    return hmac.new(secret, f"outbox:{key}".encode(), hashlib.sha256).hexdigest()[:24]


def _destination_key(message: ClaimedMessage) -> tuple[str, str, str]:
    """Whose messages are delivered in order and paced together. Every sealed message has
    its own: their addresses are unknown until opened, and they must not queue behind each
    other."""
    if message.user_id == SEALED:
        return (message.platform, SEALED, f"#{message.id}")
    return (message.platform, message.workspace, message.channel or f"@{message.user_id}")
