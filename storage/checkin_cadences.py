"""Queries for weekly check-in cadences: a group's standing order for a round every week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import Connection, select, update

from storage.tables import table
from storage.upsert import insert_returning_id

CADENCE = table("checkin_cadence")


@dataclass(frozen=True, slots=True)
class CadenceRecord:
    id: int
    network_id: int
    group_id: int
    weekday: int
    at_time: time
    timezone: str
    prompt: str
    open_minutes: int
    created_by: int | None
    stopped_at: datetime | None


_COLUMNS = (
    CADENCE.c.id,
    CADENCE.c.network_id,
    CADENCE.c.group_id,
    CADENCE.c.weekday,
    CADENCE.c.at_time,
    CADENCE.c.timezone,
    CADENCE.c.prompt,
    CADENCE.c.open_minutes,
    CADENCE.c.created_by,
    CADENCE.c.stopped_at,
)


def _cadence(row: Any) -> CadenceRecord:
    return CadenceRecord(*(row._mapping[c.name] for c in _COLUMNS))


def add_cadence(
    connection: Connection,
    *,
    network_id: int,
    group_id: int,
    weekday: int,
    at_time: time,
    timezone: str,
    prompt: str,
    open_minutes: int,
    created_by: int | None,
    now: datetime,
) -> CadenceRecord:
    key = insert_returning_id(
        connection,
        CADENCE,
        network_id=network_id,
        group_id=group_id,
        weekday=weekday,
        at_time=at_time,
        timezone=timezone,
        prompt=prompt,
        open_minutes=open_minutes,
        created_by=created_by,
        created_at=now,
    )
    return CadenceRecord(
        key,
        network_id,
        group_id,
        weekday,
        at_time,
        timezone,
        prompt,
        open_minutes,
        created_by,
        None,
    )


def get_cadence(connection: Connection, *, cadence_id: int) -> CadenceRecord | None:
    row = connection.execute(select(*_COLUMNS).where(CADENCE.c.id == cadence_id)).first()
    return _cadence(row) if row else None


def active_cadences_of_group(connection: Connection, *, group_id: int) -> list[CadenceRecord]:
    rows = connection.execute(
        select(*_COLUMNS)
        .where(CADENCE.c.group_id == group_id, CADENCE.c.stopped_at.is_(None))
        .order_by(CADENCE.c.weekday, CADENCE.c.at_time, CADENCE.c.id)
    )
    return [_cadence(row) for row in rows]


def stop_cadence(connection: Connection, *, cadence_id: int, now: datetime) -> bool:
    """Stop a cadence; False if it was already stopped."""
    return bool(
        connection.execute(
            update(CADENCE)
            .where(CADENCE.c.id == cadence_id, CADENCE.c.stopped_at.is_(None))
            .values(stopped_at=now)
        ).rowcount
    )
