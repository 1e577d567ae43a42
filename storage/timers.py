"""Queries for timers, the durable schedule: add idempotently, cancel, and take the next due
one inside the caller's transaction so that it is processed exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update

from storage.prepared import Prepared, parameters
from storage.tables import table
from storage.upsert import dialect_insert

TIMER = table("timer")

PENDING = "pending"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class TimerRecord:
    id: int
    key: str
    kind: str
    network_id: int | None
    ref: str
    due_at: datetime
    attempts: int


def _add(dialect: str) -> Any:
    statement = dialect_insert(dialect, TIMER).values(
        parameters("key", "kind", "network_id", "ref", "due_at", "status", "attempts")
    )
    return statement.on_conflict_do_update(
        index_elements=["key"],
        set_={"status": PENDING, "due_at": statement.excluded.due_at, "attempts": 0},
        where=TIMER.c.status == CANCELLED,
    )


# The first answer of each minute to an open round schedules its timer.
_add_timer = Prepared(_add)


def add_timer(
    connection: Connection,
    *,
    key: str,
    kind: str,
    due_at: datetime,
    network_id: int | None = None,
    ref: str = "",
) -> None:
    """Schedule work unless the same key is already scheduled or done. A timer cancelled under
    the same key is scheduled again, at `due_at` (a weekly digest turned off and on again, or
    planned back to the instant it had before)."""
    _add_timer.run(
        connection,
        key=key,
        kind=kind,
        network_id=network_id,
        ref=ref,
        due_at=due_at,
        status=PENDING,
        attempts=0,
    )


def cancel_timers(connection: Connection, *, kind: str, ref: str) -> int:
    """Cancel every pending timer of `kind` for `ref`; returns how many."""
    result = connection.execute(
        update(TIMER)
        .where(TIMER.c.kind == kind, TIMER.c.ref == ref, TIMER.c.status == PENDING)
        .values(status=CANCELLED)
    )
    return int(result.rowcount)


def pending_timers(connection: Connection, *, kind: str, ref: str) -> list[TimerRecord]:
    rows = connection.execute(
        select(*_COLUMNS)
        .where(TIMER.c.kind == kind, TIMER.c.ref == ref, TIMER.c.status == PENDING)
        .order_by(TIMER.c.due_at)
    )
    return [TimerRecord(**row._mapping) for row in rows]


_COLUMNS = (
    TIMER.c.id,
    TIMER.c.key,
    TIMER.c.kind,
    TIMER.c.network_id,
    TIMER.c.ref,
    TIMER.c.due_at,
    TIMER.c.attempts,
)


def _next_due(dialect: str) -> Any:
    query = (
        select(*_COLUMNS)
        .where(TIMER.c.status == PENDING, TIMER.c.due_at <= bindparam("now"))
        .order_by(TIMER.c.due_at, TIMER.c.id)
        .limit(1)
    )
    return query.with_for_update(skip_locked=True) if dialect == "postgresql" else query


# Every timer pass runs these (every few seconds, and once for each timer that falls due).
_take_next_due = Prepared(_next_due)
_mark_done = Prepared(
    update(TIMER)
    .where(TIMER.c.id == bindparam("timer_id"))
    .values(status=DONE, done_at=bindparam("now"))
)


def take_next_due(connection: Connection, *, now: datetime) -> TimerRecord | None:
    """The earliest due timer, locked for this transaction (skipped by other replicas)."""
    row = _take_next_due.first(connection, now=now)
    return TimerRecord(*row) if row else None


def mark_done(connection: Connection, *, timer_id: int, now: datetime) -> None:
    _mark_done.run(connection, timer_id=timer_id, now=now)


def record_failure(
    connection: Connection, *, timer_id: int, error: str, retry_at: datetime | None
) -> None:
    """Count a failed attempt; retry at `retry_at`, or give up when it is None."""
    values: dict[str, object] = {"attempts": TIMER.c.attempts + 1, "last_error": error[:300]}
    if retry_at is None:
        values["status"] = FAILED
    else:
        values["due_at"] = retry_at
    connection.execute(update(TIMER).where(TIMER.c.id == timer_id).values(**values))


def next_due_at(connection: Connection) -> datetime | None:
    return connection.execute(
        select(func.min(TIMER.c.due_at)).where(TIMER.c.status == PENDING)
    ).scalar()
