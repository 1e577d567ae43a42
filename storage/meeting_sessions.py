"""Queries for meeting sessions: the dated occurrences of a meeting, added, looked up (with their meeting), locked, listed by time and changed one by one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from storage.groups import MEMBERSHIP
from storage.meetings import (
    MEETING,
    MEETING_COLUMNS,
    MEETING_FROM,
    SCHEDULED,
    SESSION,
    MeetingRecord,
    meeting_from_row,
)


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
_BOTH_FROM = SESSION.join(MEETING_FROM, MEETING.c.id == SESSION.c.meeting_id)


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


_get_both = (
    select(*MEETING_COLUMNS, *_SESSION_COLUMNS)
    .select_from(_BOTH_FROM)
    .where(SESSION.c.id == bindparam("session_id"))
)
_lock_both = _get_both.with_for_update(of=SESSION)


def get_session(
    connection: Connection, *, session_id: int
) -> tuple[MeetingRecord, SessionRecord] | None:
    """A session with its meeting (one query: the RSVP buttons' hot path)."""
    row = connection.execute(_get_both, {"session_id": session_id}).first()
    return (meeting_from_row(row), _session(row)) if row else None


def lock_session(
    connection: Connection, *, session_id: int
) -> tuple[MeetingRecord, SessionRecord] | None:
    """`get_session`, with the session locked until the transaction ends (`FOR UPDATE` on
    PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers): RSVPs are tallied after
    every concurrent one has committed."""
    row = connection.execute(_lock_both, {"session_id": session_id}).first()
    return (meeting_from_row(row), _session(row)) if row else None


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
    query = select(*MEETING_COLUMNS, *_SESSION_COLUMNS).where(
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
    return [(meeting_from_row(row), _session(row)) for row in rows]


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
