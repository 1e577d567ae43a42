"""Queries for meetings: create a meeting, look meetings up by group, cancel them, bump the
calendar SEQUENCE, and a member's scheduled meetings as personal data. Their dated sessions live
in `storage.meeting_sessions`, RSVPs in `storage.rsvps`, reflections in `storage.reflections`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from storage.groups import GROUP
from storage.tables import table
from storage.upsert import insert_returning_id

MEETING = table("meeting")
SESSION = table("meeting_session")
SCHEDULED = "scheduled"
CANCELLED = "cancelled"
SKIPPED = "skipped"
ONCE = "once"
WEEKLY = "weekly"
MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    id: int
    network_id: int
    group_id: int
    group_name: str
    uid: str
    title: str
    timezone: str
    freq: str
    interval: int
    nth: int | None
    duration_minutes: int
    place: str
    link: str
    reminders: tuple[int, ...]
    sequence: int
    created_by: int | None
    cancelled: bool


MEETING_COLUMNS = (
    MEETING.c.id,
    MEETING.c.network_id,
    MEETING.c.group_id,
    GROUP.c.name.label("group_name"),
    MEETING.c.uid,
    MEETING.c.title,
    MEETING.c.timezone,
    MEETING.c.freq,
    MEETING.c.interval,
    MEETING.c.nth,
    MEETING.c.duration_minutes,
    MEETING.c.place,
    MEETING.c.link,
    MEETING.c.reminders,
    MEETING.c.sequence,
    MEETING.c.created_by,
    MEETING.c.cancelled_at,
)
MEETING_FROM = MEETING.join(GROUP, GROUP.c.id == MEETING.c.group_id)


def encode_reminders(minutes: Sequence[int]) -> str:
    return ",".join(str(m) for m in minutes)


def meeting_from_row(row: Any) -> MeetingRecord:
    return MeetingRecord(
        id=row.id,
        network_id=row.network_id,
        group_id=row.group_id,
        group_name=row.group_name,
        uid=row.uid,
        title=row.title,
        timezone=row.timezone,
        freq=row.freq,
        interval=row.interval,
        nth=row.nth,
        duration_minutes=row.duration_minutes,
        place=row.place,
        link=row.link,
        reminders=tuple(int(m) for m in row.reminders.split(",") if m),
        sequence=row.sequence,
        created_by=row.created_by,
        cancelled=row.cancelled_at is not None,
    )


def create_meeting(
    connection: Connection,
    *,
    network_id: int,
    group_id: int,
    uid: str,
    title: str,
    timezone: str,
    freq: str,
    interval: int,
    nth: int | None,
    duration_minutes: int,
    place: str,
    link: str,
    reminders: Sequence[int],
    created_by: int | None,
    now: datetime,
) -> int:
    return insert_returning_id(
        connection,
        MEETING,
        network_id=network_id,
        group_id=group_id,
        uid=uid,
        title=title,
        timezone=timezone,
        freq=freq,
        interval=interval,
        nth=nth,
        duration_minutes=duration_minutes,
        place=place,
        link=link,
        reminders=encode_reminders(reminders),
        sequence=0,
        created_by=created_by,
        created_at=now,
    )


_get_meeting = (
    select(*MEETING_COLUMNS)
    .select_from(MEETING_FROM)
    .where(MEETING.c.id == bindparam("meeting_id"))
)


def get_meeting(connection: Connection, *, meeting_id: int) -> MeetingRecord | None:
    row = connection.execute(_get_meeting, {"meeting_id": meeting_id}).first()
    return meeting_from_row(row) if row else None


def meetings_of_group(connection: Connection, *, group_id: int) -> list[MeetingRecord]:
    rows = connection.execute(
        select(*MEETING_COLUMNS)
        .select_from(MEETING_FROM)
        .where(MEETING.c.group_id == group_id)
        .order_by(MEETING.c.id)
    )
    return [meeting_from_row(row) for row in rows]


def bump_sequence(connection: Connection, *, meeting_id: int) -> int:
    """Increase the calendar SEQUENCE (a session moved or was cancelled); returns the new one."""
    connection.execute(
        update(MEETING).where(MEETING.c.id == meeting_id).values(sequence=MEETING.c.sequence + 1)
    )
    return int(
        connection.execute(
            select(MEETING.c.sequence).where(MEETING.c.id == meeting_id)
        ).scalar_one()
    )


def cancel_meeting(connection: Connection, *, meeting_id: int, now: datetime) -> None:
    connection.execute(update(MEETING).where(MEETING.c.id == meeting_id).values(cancelled_at=now))


def export_scheduled_by(connection: Connection, *, member_id: int) -> list[dict[str, object]]:
    rows = connection.execute(
        select(MEETING.c.id, MEETING.c.title, GROUP.c.name.label("group_name"))
        .select_from(MEETING_FROM)
        .where(MEETING.c.created_by == member_id)
        .order_by(MEETING.c.id)
    )
    return [{"meeting": row.id, "title": row.title, "group": row.group_name} for row in rows]


def forget_scheduler(connection: Connection, *, member_id: int) -> None:
    """The meetings stay (the group still meets); only who scheduled them is forgotten."""
    connection.execute(
        update(MEETING).where(MEETING.c.created_by == member_id).values(created_by=None)
    )
