"""The network's calendar: term dates and holidays, which recurring work (meetings, check-in
cadences, digests) skips."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key, utc_column


class CalendarPeriod(SQLModel, table=True):
    """A term or a holiday, inclusive of both dates (local dates in the network's zone)."""

    __tablename__ = "calendar_period"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    kind: str = Field(max_length=16)  # "term" or "holiday"
    name: str = Field(max_length=60)
    starts_on: date
    ends_on: date
    created_at: datetime = utc_column()
