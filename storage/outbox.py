"""Queries for the outbox: enqueue idempotently, claim due messages under a lease, and record
what became of each delivery.

Claiming takes rows whose lease is free; on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
replicas never claim the same row, and on SQLite inside the writer's `BEGIN IMMEDIATE`. A lease
that ran out without an outcome counts as an attempt: the replica holding it died or hung,
perhaps after the platform took the message. Only the lease holder records an outcome (sent,
postponed, finished): a replica whose lease ran out cannot undo the work of the one that
claimed the row after it. Once a message is delivered or
given up on, its payload is blanked: edits and threads need only its status and message
reference, and the words (a member's name and note, say) should not outlive their delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, and_, bindparam, func, or_, select, update

from storage.prepared import Prepared, parameters
from storage.tables import table
from storage.upsert import dialect_insert, insert_ignore

OUTBOX = table("outbox")

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
MISSED = "missed"
SUPERSEDED = "superseded"
SPENT = ""  # the payload of a message that was delivered or given up on


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message the core wants sent. Exactly one of `channel` and `user_id` is set."""

    key: str
    network_id: int | None
    purpose: str
    platform: str
    workspace: str
    payload: str
    due_at: datetime
    channel: str | None = None
    user_id: str | None = None
    thread_of: str | None = None
    edit_of: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    id: int
    key: str
    network_id: int | None
    purpose: str
    platform: str
    workspace: str
    channel: str | None
    user_id: str | None
    thread_of: str | None
    edit_of: str | None
    payload: str
    attempts: int
    """Earlier attempts whose outcome is unknown (an error, or a lease that ran out)."""
    due_at: datetime
    expires_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class RelatedState:
    """What became of a message another one threads under or edits."""

    status: str
    message_ref: str | None


_MESSAGE_FIELDS = tuple(field.name for field in fields(OutboundMessage))  # each a column
_COLUMNS_QUEUED = (*_MESSAGE_FIELDS, "status", "attempts", "created_at")


def _values(message: OutboundMessage, now: datetime) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(message, name) for name in _MESSAGE_FIELDS}
    values.update(status=PENDING, attempts=0, created_at=now)
    return values


def enqueue(connection: Connection, *, message: OutboundMessage, now: datetime) -> bool:
    """Queue a message unless its key was queued before; True if this call queued it."""
    return insert_ignore(connection, OUTBOX, _values(message, now), conflict=("key",))


_enqueue_many = Prepared(
    lambda dialect: (
        dialect_insert(dialect, OUTBOX)
        .values(parameters(*_COLUMNS_QUEUED))
        .on_conflict_do_nothing(index_elements=["key"])
    )
)


def enqueue_many(
    connection: Connection, *, messages: Sequence[OutboundMessage], now: datetime
) -> set[str]:
    """As `enqueue` for many messages at once, in one call to the driver; the keys this
    queued (the others were queued before)."""
    keys = {message.key for message in messages}
    queued = _enqueue_many.run_many(connection, [_values(message, now) for message in messages])
    if queued == len(keys):
        return keys
    # Some were queued before (rarely: a notice sent, withdrawn, then needed again). Those
    # this call queued are the ones created now; an earlier row was created at an earlier now.
    return set(
        connection.execute(
            select(OUTBOX.c.key).where(OUTBOX.c.key.in_(keys), OUTBOX.c.created_at == now)
        ).scalars()
    )


def _replacing(dialect: str) -> Any:
    queue = dialect_insert(dialect, OUTBOX).values(parameters(*_COLUMNS_QUEUED))
    return queue.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "payload": queue.excluded.payload,
            "status": PENDING,
            "due_at": queue.excluded.due_at,
            "attempts": 0,
            "last_error": None,
            # A delivery of the older content in flight must not mark the newer one sent.
            "lease_owner": None,
            "lease_until": None,
        },
    )


_enqueue_replacing = Prepared(_replacing)  # every live count and every correction is one


def enqueue_replacing(connection: Connection, *, message: OutboundMessage, now: datetime) -> None:
    """Queue a message, or replace the content of a queued one with the same key.

    Used for edits (live counts): many updates collapse into one delivery of the newest.
    """
    _enqueue_replacing.run(connection, **_values(message, now))


_due = and_(
    OUTBOX.c.status == PENDING,
    OUTBOX.c.due_at <= bindparam("now"),
    or_(OUTBOX.c.lease_until.is_(None), OUTBOX.c.lease_until < bindparam("now")),
)
_CLAIM_COLUMNS = (
    OUTBOX.c.id,
    OUTBOX.c.key,
    OUTBOX.c.network_id,
    OUTBOX.c.purpose,
    OUTBOX.c.platform,
    OUTBOX.c.workspace,
    OUTBOX.c.channel,
    OUTBOX.c.user_id,
    OUTBOX.c.thread_of,
    OUTBOX.c.edit_of,
    OUTBOX.c.payload,
    OUTBOX.c.attempts,
    OUTBOX.c.due_at,
    OUTBOX.c.expires_at,
    OUTBOX.c.last_error,
)


def claim_due(
    connection: Connection,
    *,
    now: datetime,
    owner: str,
    lease: timedelta,
    limit: int,
    platforms: list[str],
) -> list[ClaimedMessage]:
    """Lease up to `limit` due messages for `platforms` to `owner`, oldest first.

    Messages for platforms this process cannot reach stay queued for a process that can. A
    message whose last lease ran out (it still names an owner) is returned with that attempt
    counted.
    """
    query = (
        select(*_CLAIM_COLUMNS, OUTBOX.c.lease_owner)
        .where(_due, OUTBOX.c.platform.in_(platforms))
        .order_by(OUTBOX.c.due_at, OUTBOX.c.id)
        .limit(limit)
    )
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = connection.execute(query, {"now": now}).all()
    if not rows:
        return []
    abandoned = [row.id for row in rows if row.lease_owner is not None]
    connection.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id.in_([row.id for row in rows]))
        .values(lease_owner=owner, lease_until=now + lease)
    )
    if abandoned:
        connection.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(abandoned))
            .values(attempts=OUTBOX.c.attempts + 1, last_error=_ABANDONED)
        )
    return [_claimed(row._mapping) for row in rows]


_ABANDONED = "a lease ran out before the outcome was recorded"


def _claimed(row: RowMapping) -> ClaimedMessage:
    values = dict(row)
    if values.pop("lease_owner") is not None:
        values["attempts"] += 1
        values["last_error"] = _ABANDONED
    return ClaimedMessage(**values)


@dataclass(frozen=True, slots=True)
class QueuedDestination:
    platform: str
    workspace: str
    channel: str | None
    user_id: str | None


_destination_of = Prepared(
    select(OUTBOX.c.platform, OUTBOX.c.workspace, OUTBOX.c.channel, OUTBOX.c.user_id).where(
        OUTBOX.c.key == bindparam("key")
    )
)


def destination_of(connection: Connection, *, key: str) -> QueuedDestination | None:
    """Where the message queued under `key` goes (None if no such message)."""
    row = _destination_of.first(connection, key=key)
    return QueuedDestination(*row) if row else None


def related_states(connection: Connection, *, keys: list[str]) -> dict[str, RelatedState]:
    if not keys:
        return {}
    rows = connection.execute(
        select(OUTBOX.c.key, OUTBOX.c.status, OUTBOX.c.message_ref).where(OUTBOX.c.key.in_(keys))
    )
    return {row.key: RelatedState(row.status, row.message_ref) for row in rows}


_leased = and_(OUTBOX.c.id == bindparam("message_id"), OUTBOX.c.lease_owner == bindparam("owner"))
_mark_sent = (
    update(OUTBOX)
    .where(_leased)
    .values(
        status=SENT,
        message_ref=bindparam("ref"),
        sent_at=bindparam("sent_at"),
        payload=SPENT,
        lease_owner=None,
        lease_until=None,
    )
)


def mark_sent(
    connection: Connection,
    *,
    message_id: int,
    owner: str,
    message_ref: str | None,
    now: datetime,
) -> bool:
    """Record a delivery; False if the row was re-queued meanwhile (a newer edit).

    `message_ref` is None for a message nobody may later trace (a sealed one): a platform's
    reference names the conversation it went to.
    """
    result = connection.execute(
        _mark_sent, {"message_id": message_id, "owner": owner, "ref": message_ref, "sent_at": now}
    )
    return result.rowcount == 1


def postpone(
    connection: Connection,
    *,
    message_id: int,
    owner: str,
    until: datetime,
    error: str | None = None,
    count_attempt: bool = False,
) -> bool:
    """Put a claimed message back for later (rate limit, pacing, retry after an error); False
    if `owner` no longer holds its lease."""
    values: dict[str, object] = {"due_at": until, "lease_owner": None, "lease_until": None}
    if error is not None:
        values["last_error"] = error[:300]
    if count_attempt:
        values["attempts"] = OUTBOX.c.attempts + 1
    result = connection.execute(
        update(OUTBOX).where(_leased).values(**values),
        {"message_id": message_id, "owner": owner},
    )
    return result.rowcount == 1


def finish(connection: Connection, *, message_id: int, owner: str, status: str, error: str) -> bool:
    """Give up on a message for good: failed, missed or superseded, with the reason; False if
    `owner` no longer holds its lease."""
    result = connection.execute(
        update(OUTBOX)
        .where(_leased)
        .values(
            status=status,
            last_error=error[:300],
            payload=SPENT,
            lease_owner=None,
            lease_until=None,
        ),
        {"message_id": message_id, "owner": owner},
    )
    return result.rowcount == 1


def message_ref(connection: Connection, *, key: str) -> str | None:
    return connection.execute(
        select(OUTBOX.c.message_ref).where(OUTBOX.c.key == key, OUTBOX.c.status == SENT)
    ).scalar()


def queue_depth(connection: Connection, *, now: datetime) -> tuple[int, datetime | None]:
    """How many messages are due now, and when the oldest of them fell due."""
    row = connection.execute(
        select(func.count(), func.min(OUTBOX.c.due_at)).where(
            OUTBOX.c.status == PENDING, OUTBOX.c.due_at <= now
        )
    ).one()
    return int(row[0]), row[1]


def next_due_at(connection: Connection, *, platforms: list[str]) -> datetime | None:
    """When the next pending message for `platforms` falls due (for the console's clock)."""
    return connection.execute(
        select(func.min(OUTBOX.c.due_at)).where(
            OUTBOX.c.status == PENDING, OUTBOX.c.platform.in_(platforms)
        )
    ).scalar()
