"""Recording what became of each claimed outbox message, on a database thread: sent,
postponed, handed back to the outbox, finished (missed, superseded) or failed for good.

A permanent failure is recorded and, in the same transaction, a direct message is queued to
each facilitator of the network the failed message belongs to — unless it was itself such a
notice, or a sealed message (nobody may learn whom it was for). Only the lease holder records
an outcome: a replica whose lease ran out records nothing over the one that claimed after it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine

from bot.delivery.clock import Clock
from bot.delivery.outbox import Outbox
from bot.kernel.replies import Reply, Tone
from bot.privacy.anonymity import SEALED, InvalidToken
from storage import directory
from storage import outbox as store
from storage.outbox import ClaimedMessage
from storage.uow import unit_of_work

FAILURE_NOTICE = "delivery.failure"
RELINK_HINT = (
    "If the channel was archived or I was removed from it, re-link the group to a live channel "
    "with `/staffroom group link <group>`."
)
VERSION_HINT = (
    "It was probably queued by another version of Staffroom: check that every replica runs "
    "the same version."
)


def tell_facilitators(
    connection: Connection, message: ClaimedMessage, reason: str, hint: str, now: datetime
) -> None:
    """Queue the failure notice to every facilitator of the message's network."""
    if message.purpose == FAILURE_NOTICE or message.network_id is None:
        return
    if message.user_id == SEALED:
        return
    where = f"channel {message.channel}" if message.channel else "a direct message"
    notice = Reply.say(
        f"I couldn't deliver a message ({message.purpose}) to {where} on "
        f"{message.platform.title()}: {reason}. {hint}",
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


class Outcomes:
    """Records outcomes for one worker (`owner`, the name its leases are held under)."""

    def __init__(self, engine: Engine, clock: Clock, owner: str) -> None:
        self._engine = engine
        self._clock = clock
        self._owner = owner

    def sent(self, message: ClaimedMessage, ref: str | None) -> None:
        with unit_of_work(self._engine) as connection:
            store.mark_sent(
                connection,
                message_id=message.id,
                owner=self._owner,
                message_ref=ref,
                now=self._clock.now(),
            )

    def postpone(
        self, message: ClaimedMessage, until: datetime, error: str | None, count: bool
    ) -> None:
        with unit_of_work(self._engine) as connection:
            store.postpone(
                connection,
                message_id=message.id,
                owner=self._owner,
                until=until,
                error=error,
                count_attempt=count,
            )

    def hand_back(self, slots: list[tuple[ClaimedMessage, datetime]]) -> None:
        """Release messages whose pacing slot is too far off, each due at its slot."""
        with unit_of_work(self._engine) as connection:
            for message, slot in slots:
                store.postpone(connection, message_id=message.id, owner=self._owner, until=slot)

    def finish(self, message: ClaimedMessage, status: str, reason: str) -> None:
        with unit_of_work(self._engine) as connection:
            store.finish(
                connection, message_id=message.id, owner=self._owner, status=status, error=reason
            )

    def fail_and_tell(self, message: ClaimedMessage, reason: str, hint: str) -> None:
        """Record a permanent failure and tell the network's facilitators."""
        with unit_of_work(self._engine) as connection:
            if store.finish(
                connection,
                message_id=message.id,
                owner=self._owner,
                status=store.FAILED,
                error=reason,
            ):  # else another replica holds it now (or a newer edit replaced it)
                tell_facilitators(connection, message, reason, hint, self._clock.now())


def unreadable(message: ClaimedMessage, error: Exception) -> str:
    """Why a payload could not be opened, naming nothing it contains."""
    if message.user_id != SEALED:
        return f"its content could not be read ({type(error).__name__})"
    if isinstance(error, InvalidToken):
        return "sealed under another server secret"
    return "withheld (sealed message could not be opened)"
