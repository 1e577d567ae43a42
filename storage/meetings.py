"""Queries for meetings and their sessions: create a meeting with its sessions, find upcoming
and past sessions for a member or a group, move, skip and cancel sessions, and bump the
calendar SEQUENCE. RSVPs live in `storage.rsvps`, reflections in `storage.reflections`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from storage.groups import GROUP, MEMBERSHIP
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


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    meeting_id: int
    number: int
    original_start: datetime
    starts_at: datetime
    ends_at: datetime
    status: str
    note: str
    revision: int

    @property
    def label(self) -> str:
        """How people name a session in commands: meeting id, a dot, its number."""
        return f"{self.meeting_id}.{self.number}"


@dataclass(frozen=True, slots=True)
class NewSession:
    number: int
    starts_at: datetime
    ends_at: datetime
    status: str = SCHEDULED
    note: str = ""


_MEETING_COLUMNS = (
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
_SESSION_COLUMNS = (
    SESSION.c.id.label("session_id"),
    SESSION.c.meeting_id,
    SESSION.c.number,
    SESSION.c.original_start,
    SESSION.c.starts_at,
    SESSION.c.ends_at,
    SESSION.c.status,
    SESSION.c.note,
    SESSION.c.revision,
)
_MEETING_FROM = MEETING.join(GROUP, GROUP.c.id == MEETING.c.group_id)
_BOTH_FROM = SESSION.join(_MEETING_FROM, MEETING.c.id == SESSION.c.meeting_id)


def encode_reminders(minutes: Sequence[int]) -> str:
    return ",".join(str(m) for m in minutes)


def _meeting(row: Any) -> MeetingRecord:
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


def _session(row: Any) -> SessionRecord:
    return SessionRecord(
        id=row.session_id,
        meeting_id=row.meeting_id,
        number=row.number,
        original_start=row.original_start,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        status=row.status,
        note=row.note,
        revision=row.revision,
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


def add_sessions(
    connection: Connection, *, meeting_id: int, sessions: Sequence[NewSession]
) -> list[SessionRecord]:
    for session in sessions:
        connection.execute(
            insert(SESSION).values(
                meeting_id=meeting_id,
                number=session.number,
                original_start=session.starts_at,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                status=session.status,
                note=session.note,
                revision=0,
            )
        )
    return sessions_of(connection, meeting_id=meeting_id)


_get_meeting = (
    select(*_MEETING_COLUMNS)
    .select_from(_MEETING_FROM)
    .where(MEETING.c.id == bindparam("meeting_id"))
)
_get_both = (
    select(*_MEETING_COLUMNS, *_SESSION_COLUMNS)
    .select_from(_BOTH_FROM)
    .where(SESSION.c.id == bindparam("session_id"))
)
_lock_both = _get_both.with_for_update(of=SESSION)


def get_meeting(connection: Connection, *, meeting_id: int) -> MeetingRecord | None:
    row = connection.execute(_get_meeting, {"meeting_id": meeting_id}).first()
    return _meeting(row) if row else None


def get_session(
    connection: Connection, *, session_id: int
) -> tuple[MeetingRecord, SessionRecord] | None:
    """A session with its meeting (one query: the RSVP buttons' hot path)."""
    row = connection.execute(_get_both, {"session_id": session_id}).first()
    return (_meeting(row), _session(row)) if row else None


def lock_session(
    connection: Connection, *, session_id: int
) -> tuple[MeetingRecord, SessionRecord] | None:
    """`get_session`, with the session locked until the transaction ends (`FOR UPDATE` on
    PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers): RSVPs are tallied after
    every concurrent one has committed."""
    row = connection.execute(_lock_both, {"session_id": session_id}).first()
    return (_meeting(row), _session(row)) if row else None


def sessions_of(connection: Connection, *, meeting_id: int) -> list[SessionRecord]:
    rows = connection.execute(
        select(*_SESSION_COLUMNS)
        .where(SESSION.c.meeting_id == meeting_id)
        .order_by(SESSION.c.number)
    )
    return [_session(row) for row in rows]


def session_numbered(
    connection: Connection, *, meeting_id: int, number: int
) -> SessionRecord | None:
    row = connection.execute(
        select(*_SESSION_COLUMNS).where(
            SESSION.c.meeting_id == meeting_id, SESSION.c.number == number
        )
    ).first()
    return _session(row) if row else None


def sessions_between(
    connection: Connection,
    *,
    after: datetime,
    before: datetime | None = None,
    member_id: int | None = None,
    group_id: int | None = None,
    network_id: int | None = None,
    statuses: Sequence[str] = (SCHEDULED,),
    newest_first: bool = False,
    limit: int = 50,
) -> list[tuple[MeetingRecord, SessionRecord]]:
    """Sessions starting after `after` (and before `before`), of the member's groups, one
    group, or a whole network, soonest first (or latest first)."""
    query = select(*_MEETING_COLUMNS, *_SESSION_COLUMNS).where(
        SESSION.c.starts_at > after, SESSION.c.status.in_(list(statuses))
    )
    if member_id is not None:
        query = query.select_from(
            _BOTH_FROM.join(MEMBERSHIP, MEMBERSHIP.c.group_id == MEETING.c.group_id)
        ).where(MEMBERSHIP.c.member_id == member_id)
    else:
        query = query.select_from(_BOTH_FROM)
    if before is not None:
        query = query.where(SESSION.c.starts_at <= before)
    if group_id is not None:
        query = query.where(MEETING.c.group_id == group_id)
    if network_id is not None:
        query = query.where(MEETING.c.network_id == network_id)
    order = SESSION.c.starts_at.desc() if newest_first else SESSION.c.starts_at
    rows = connection.execute(query.order_by(order, SESSION.c.id).limit(limit))
    return [(_meeting(row), _session(row)) for row in rows]


def meetings_of_group(connection: Connection, *, group_id: int) -> list[MeetingRecord]:
    rows = connection.execute(
        select(*_MEETING_COLUMNS)
        .select_from(_MEETING_FROM)
        .where(MEETING.c.group_id == group_id)
        .order_by(MEETING.c.id)
    )
    return [_meeting(row) for row in rows]


def update_session(
    connection: Connection,
    *,
    session_id: int,
    status: str,
    note: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    moved: bool = False,
) -> None:
    """Change a session's state; a move gives it new times and a new revision."""
    values: dict[str, object] = {"status": status, "note": note}
    if starts_at is not None and ends_at is not None:
        values.update(starts_at=starts_at, ends_at=ends_at)
    if moved:
        values["revision"] = SESSION.c.revision + 1
    connection.execute(update(SESSION).where(SESSION.c.id == session_id).values(**values))


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


# --- personal data: meetings a member scheduled -------------------------------------------


def export_scheduled_by(connection: Connection, *, member_id: int) -> list[dict[str, object]]:
    rows = connection.execute(
        select(MEETING.c.id, MEETING.c.title, GROUP.c.name.label("group_name"))
        .select_from(_MEETING_FROM)
        .where(MEETING.c.created_by == member_id)
        .order_by(MEETING.c.id)
    )
    return [{"meeting": row.id, "title": row.title, "group": row.group_name} for row in rows]


def forget_scheduler(connection: Connection, *, member_id: int) -> None:
    """The meetings stay (the group still meets); only who scheduled them is forgotten."""
    connection.execute(
        update(MEETING).where(MEETING.c.created_by == member_id).values(created_by=None)
    )
