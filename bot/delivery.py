"""The delivery worker: claims due outbox messages under a lease, sends them through each
platform's `ChatSender`, and records the outcome.

Rate limits wait as long as the platform asks and cost no attempt; other errors retry with
exponential backoff; permanent failures (channel gone, bot removed) are recorded and the
network's facilitators are told. Messages to one channel are paced, so a burst queues here
instead of being refused by the platform. Sealed direct messages (`Outbox.to_sealed`) are
opened with the server secret only here, just before sending.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from bot.anonymity import SEALED, InvalidToken, open_message
from bot.clock import Clock
from bot.outbox import Outbox
from bot.ports import ChatSender, Destination, PermanentFailure, RateLimited
from bot.replies import Reply, Tone
from bot.reply_codec import decode_reply
from storage import directory
from storage import outbox as store
from storage.outbox import ClaimedMessage, RelatedState
from storage.uow import unit_of_work

log = logging.getLogger("staffroom.delivery")

MAX_ATTEMPTS = 8
FAILURE_NOTICE = "delivery.failure"
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
        self._channel_interval = channel_interval
        self._secret = secret  # opens sealed direct messages (`Outbox.to_sealed`)
        self._next_slot: dict[tuple[str, str, str], float] = {}
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stats = DeliveryStats()

    def add_sender(self, sender: ChatSender) -> None:
        self._senders[sender.platform] = sender

    async def deliver_due(self) -> int:
        """One pass: deliver what is due now. Returns how many messages were handled."""
        now = self._clock.now()
        claimed, related = await self._run_in_db(self._claim, now)
        if not claimed:
            return 0
        by_destination: dict[tuple[str, str, str], list[ClaimedMessage]] = defaultdict(list)
        for message in claimed:
            by_destination[_destination_key(message)].append(message)
        await asyncio.gather(
            *(self._deliver_in_order(queue, related) for queue in by_destination.values())
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
        self, queue: list[ClaimedMessage], related: dict[str, RelatedState]
    ) -> None:
        for message in queue:
            await self._deliver(message, related)

    async def _deliver(self, message: ClaimedMessage, related: dict[str, RelatedState]) -> None:
        now = self._clock.now()
        if message.expires_at is not None and now > message.expires_at:
            await self._run_in_db(
                self._finish,
                message,
                store.MISSED,
                "fell due while the bot was away; too late to send",
            )
            return
        parent_key = message.edit_of or message.thread_of
        parent = related.get(parent_key) if parent_key else None
        if parent is not None and parent.status == store.PENDING:
            await self._run_in_db(self._postpone, message, now + timedelta(seconds=2), None, False)
            return
        if message.edit_of and (parent is None or parent.message_ref is None):
            await self._run_in_db(
                self._finish, message, store.SUPERSEDED, "the original was never delivered"
            )
            return
        sender = self._senders[message.platform]
        sealed_to: Destination | None = None
        if message.user_id == SEALED:
            try:
                sealed_to, reply = open_message(self._secret, message.payload)
            except InvalidToken:
                await self._run_in_db(
                    self._finish, message, store.FAILED, "sealed under another server secret"
                )
                return
        else:
            reply = decode_reply(message.payload)
        await self._pace(message)
        try:
            if message.edit_of and parent is not None and parent.message_ref is not None:
                await sender.edit(parent.message_ref, reply)
                ref = parent.message_ref
            else:
                # A thread whose first message failed is posted plainly rather than lost.
                thread_ref = parent.message_ref if parent is not None else None
                destination = sealed_to or Destination(
                    message.platform,
                    message.workspace,
                    message.channel,
                    message.user_id,
                    thread_ref,
                )
                ref = await sender.send(destination, reply)
        except RateLimited as limited:
            self.stats.failures["rate_limited"] += 1
            until = self._clock.now() + timedelta(seconds=max(limited.retry_after, 0.1))
            await self._run_in_db(self._postpone, message, until, str(limited), False)
            return
        except PermanentFailure as failure:
            self.stats.failures["permanent"] += 1
            # A platform's reason may name the person; a sealed message's must not be kept.
            reason = "withheld (sealed message)" if sealed_to else failure.reason
            log.warning(
                "delivery failed for good: id=%s purpose=%s reason=%s",
                message.id,
                message.purpose,
                reason,
            )
            await self._run_in_db(self._fail_and_tell, message, reason)
            return
        except Exception as error:  # network errors, 5xx: retry with backoff
            self.stats.failures["transient"] += 1
            detail = "" if sealed_to else f": {error}"
            reason = f"{type(error).__name__}{detail}"[:300]
            log.info(
                "delivery will be retried: id=%s purpose=%s reason=%s",
                message.id,
                message.purpose,
                reason,
            )
            if message.attempts + 1 >= MAX_ATTEMPTS:
                await self._run_in_db(
                    self._fail_and_tell,
                    message,
                    f"gave up after {MAX_ATTEMPTS} attempts ({reason})",
                )
            else:
                until = self._clock.now() + backoff(message.attempts + 1)
                await self._run_in_db(self._postpone, message, until, reason, True)
            return
        self.stats.sent += 1
        # Later messages of this pass may thread under or edit this one.
        related[message.key] = RelatedState(store.SENT, ref)
        await self._run_in_db(self._record_sent, message, ref)

    async def _pace(self, message: ClaimedMessage) -> None:
        if self._channel_interval <= 0:
            return
        key = _destination_key(message)
        moment = time.monotonic()
        slot = max(self._next_slot.get(key, moment), moment)
        self._next_slot[key] = slot + self._channel_interval
        if slot > moment:
            await asyncio.sleep(slot - moment)

    # --- recording outcomes (database thread) -------------------------------------------

    def _record_sent(self, message: ClaimedMessage, ref: str) -> None:
        with unit_of_work(self._engine) as connection:
            store.mark_sent(
                connection,
                message_id=message.id,
                owner=self.owner,
                message_ref=ref,
                now=self._clock.now(),
            )

    def _postpone(
        self, message: ClaimedMessage, until: datetime, error: str | None, count: bool
    ) -> None:
        with unit_of_work(self._engine) as connection:
            store.postpone(
                connection, message_id=message.id, until=until, error=error, count_attempt=count
            )

    def _finish(self, message: ClaimedMessage, status: str, reason: str) -> None:
        with unit_of_work(self._engine) as connection:
            store.finish(connection, message_id=message.id, status=status, error=reason)

    def _fail_and_tell(self, message: ClaimedMessage, reason: str) -> None:
        """Record a permanent failure and, unless it was itself a notice, tell the facilitators."""
        now = self._clock.now()
        with unit_of_work(self._engine) as connection:
            store.finish(connection, message_id=message.id, status=store.FAILED, error=reason)
            if message.purpose == FAILURE_NOTICE or message.network_id is None:
                return
            if message.user_id == SEALED:  # nobody may learn whom it was for
                return
            where = f"channel {message.channel}" if message.channel else "a direct message"
            notice = Reply.say(
                f"I couldn't deliver a message ({message.purpose}) to {where} on "
                f"{message.platform.title()}: {reason}. If the channel was archived or I was removed "
                "from it, re-link the group to a live channel with `/staffroom group link <group>`.",
                tone=Tone.WARNING,
            )
            outbox = Outbox(connection, now, message.network_id)
            for facilitator in directory.facilitators(connection, network_id=message.network_id):
                outbox.to_member(
                    facilitator.id,
                    key=f"{FAILURE_NOTICE}:{message.id}:{facilitator.id}",
                    reply=notice,
                    purpose=FAILURE_NOTICE,
                )


def _destination_key(message: ClaimedMessage) -> tuple[str, str, str]:
    return (message.platform, message.workspace, message.channel or f"@{message.user_id}")
