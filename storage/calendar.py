"""Queries for the network calendar: terms and holidays, and whether a day is a holiday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, delete, select

from storage.tables import table
from storage.upsert import insert_returning_id

PERIOD = table("calendar_period")
TERM = "term"
HOLIDAY = "holiday"


@dataclass(frozen=True, slots=True)
class Period:
    id: int
    kind: str
    name: str
    starts_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def add_period(
    connection: Connection,
    *,
    network_id: int,
    kind: str,
    name: str,
    starts_on: date,
    ends_on: date,
    now: datetime,
) -> int:
    return insert_returning_id(
        connection,
        PERIOD,
        network_id=network_id,
        kind=kind,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=now,
    )


def remove_period(connection: Connection, *, network_id: int, period_id: int) -> bool:
    result = connection.execute(
        delete(PERIOD).where(PERIOD.c.network_id == network_id, PERIOD.c.id == period_id)
    )
    return bool(result.rowcount)


def periods(connection: Connection, *, network_id: int) -> list[Period]:
    rows = connection.execute(
        select(PERIOD.c.id, PERIOD.c.kind, PERIOD.c.name, PERIOD.c.starts_on, PERIOD.c.ends_on)
        .where(PERIOD.c.network_id == network_id)
        .order_by(PERIOD.c.starts_on, PERIOD.c.id)
    )
    return [Period(**row._mapping) for row in rows]


def holiday_on(connection: Connection, *, network_id: int, day: date) -> str | None:
    """The name of the holiday `day` falls in, or None on a working day.

    A day inside a holiday is a holiday; when terms are set, a day outside every term is too
    ("between terms"). With no calendar at all every day is a working day.
    """
    calendar = periods(connection, network_id=network_id)
    for period in calendar:
        if period.kind == HOLIDAY and period.covers(day):
            return period.name
    terms = [period for period in calendar if period.kind == TERM]
    if terms and not any(term.covers(day) for term in terms):
        return "between terms"
    return None
