"""Queries for reflections after meetings: save and read a member's reflection, list a
session's reflections for its leader, and — for summaries and the weekly digest — shared
highlights and attendance figures over a period.

`highlights` and `attendance` return raw figures; whoever shows them passes counts through
`bot.privacy.suppression.suppress_small_counts` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, distinct, func, select

from storage.directory import MEMBER, SCHOOL
from storage.groups import GROUP
from storage.meetings import MEETING, SCHEDULED, SESSION
from storage.rsvps import GOING, RSVP
from storage.tables import table
from storage.upsert import insert_or_update

REFLECTION = table("meeting_reflection")


@dataclass(frozen=True, slots=True)
class Reflection:
    session_id: int
    member_id: int
    display_name: str
    school_name: str | None
    achieved: str
    benefit: str
    next_step: str
    shared: bool
    attended: bool


@dataclass(frozen=True, slots=True)
class Highlight:
    """A reflection its author chose to share with the network (no author is given)."""

    group_id: int
    group_name: str
    meeting_title: str
    session_id: int
    starts_at: datetime
    achieved: str
    benefit: str


@dataclass(frozen=True, slots=True)
class SessionAttendance:
    """Raw figures for one held session: who said they would come, who said they came."""

    group_id: int
    group_name: str
    meeting_title: str
    session_id: int
    starts_at: datetime
    going: int
    attended: int
    attended_schools: int
    reflections: int


def save(
    connection: Connection,
    *,
    session_id: int,
    member_id: int,
    achieved: str,
    benefit: str,
    next_step: str,
    shared: bool,
    attended: bool,
    now: datetime,
) -> None:
    """Write (or rewrite) the member's reflection on the session."""
    values = {
        "achieved": achieved,
        "benefit": benefit,
        "next_step": next_step,
        "shared": shared,
        "attended": attended,
        "written_at": now,
    }
    insert_or_update(
        connection,
        REFLECTION,
        {"session_id": session_id, "member_id": member_id, **values},
        conflict=("session_id", "member_id"),
        update=values,
    )


_COLUMNS = (
    REFLECTION.c.session_id,
    REFLECTION.c.member_id,
    MEMBER.c.display_name,
    SCHOOL.c.name.label("school_name"),
    REFLECTION.c.achieved,
    REFLECTION.c.benefit,
    REFLECTION.c.next_step,
    REFLECTION.c.shared,
    REFLECTION.c.attended,
)
_FROM = REFLECTION.join(MEMBER, MEMBER.c.id == REFLECTION.c.member_id).outerjoin(
    SCHOOL, SCHOOL.c.id == MEMBER.c.school_id
)


def _reflection(row: object) -> Reflection:
    mapping = row._mapping  # type: ignore[attr-defined]
    return Reflection(
        **{**mapping, "shared": bool(mapping["shared"]), "attended": bool(mapping["attended"])}
    )


_SELECT = select(*_COLUMNS).select_from(_FROM).order_by(REFLECTION.c.written_at)


def reflection_of(connection: Connection, *, session_id: int, member_id: int) -> Reflection | None:
    row = connection.execute(
        _SELECT.where(REFLECTION.c.session_id == session_id, REFLECTION.c.member_id == member_id)
    ).first()
    return _reflection(row) if row else None


def reflections_of(connection: Connection, *, session_id: int) -> list[Reflection]:
    rows = connection.execute(_SELECT.where(REFLECTION.c.session_id == session_id))
    return [_reflection(row) for row in rows]


_SESSION_FROM = SESSION.join(MEETING, MEETING.c.id == SESSION.c.meeting_id).join(
    GROUP, GROUP.c.id == MEETING.c.group_id
)
# Which session a figure is about, as both digest queries report it.
_SESSION_IDENTITY = (
    GROUP.c.id.label("group_id"),
    GROUP.c.name.label("group_name"),
    MEETING.c.title.label("meeting_title"),
    SESSION.c.id.label("session_id"),
    SESSION.c.starts_at,
)


def _in_period(network_id: int, since: datetime, until: datetime) -> tuple[Any, ...]:
    return (
        MEETING.c.network_id == network_id,
        SESSION.c.starts_at >= since,
        SESSION.c.starts_at < until,
    )


def highlights(
    connection: Connection, *, network_id: int, since: datetime, until: datetime
) -> list[Highlight]:
    """Shared highlights from sessions that started in [since, until), oldest first."""
    rows = connection.execute(
        select(*_SESSION_IDENTITY, REFLECTION.c.achieved, REFLECTION.c.benefit)
        .select_from(REFLECTION.join(_SESSION_FROM, SESSION.c.id == REFLECTION.c.session_id))
        .where(REFLECTION.c.shared.is_(True), *_in_period(network_id, since, until))
        .order_by(SESSION.c.starts_at, REFLECTION.c.written_at)
    )
    return [Highlight(**row._mapping) for row in rows]


def attendance(
    connection: Connection, *, network_id: int, since: datetime, until: datetime
) -> list[SessionAttendance]:
    """Figures for every held (not cancelled or skipped) session that started in [since, until)."""
    going = (
        select(func.count())
        .where(RSVP.c.session_id == SESSION.c.id, RSVP.c.answer == GOING)
        .scalar_subquery()
    )
    attended = REFLECTION.c.attended.is_(True)
    rows = connection.execute(
        select(
            *_SESSION_IDENTITY,
            going.label("going"),
            func.count(REFLECTION.c.member_id).filter(attended).label("attended"),
            func.count(distinct(MEMBER.c.school_id)).filter(attended).label("attended_schools"),
            func.count(REFLECTION.c.member_id).label("reflections"),
        )
        .select_from(
            _SESSION_FROM.outerjoin(REFLECTION, REFLECTION.c.session_id == SESSION.c.id).outerjoin(
                MEMBER, MEMBER.c.id == REFLECTION.c.member_id
            )
        )
        .where(SESSION.c.status == SCHEDULED, *_in_period(network_id, since, until))
        .group_by(GROUP.c.id, GROUP.c.name, MEETING.c.title, SESSION.c.id, SESSION.c.starts_at)
        .order_by(SESSION.c.starts_at)
    )
    return [SessionAttendance(**row._mapping) for row in rows]


# --- personal data ------------------------------------------------------------------------


def export_reflections(connection: Connection, *, member_id: int) -> list[dict[str, object]]:
    rows = connection.execute(
        select(
            MEETING.c.title,
            SESSION.c.starts_at,
            REFLECTION.c.achieved,
            REFLECTION.c.benefit,
            REFLECTION.c.next_step,
            REFLECTION.c.shared,
            REFLECTION.c.attended,
            REFLECTION.c.written_at,
        )
        .select_from(REFLECTION.join(_SESSION_FROM, SESSION.c.id == REFLECTION.c.session_id))
        .where(REFLECTION.c.member_id == member_id)
        .order_by(SESSION.c.starts_at)
    )
    return [
        {
            "meeting": row.title,
            "starts_at": row.starts_at.isoformat(),
            "achieved": row.achieved,
            "benefit": row.benefit,
            "next": row.next_step,
            "shared_as_highlight": bool(row.shared),
            "attended": bool(row.attended),
            "written_at": row.written_at.isoformat(),
        }
        for row in rows
    ]


def erase_reflections(connection: Connection, *, member_id: int) -> None:
    connection.execute(delete(REFLECTION).where(REFLECTION.c.member_id == member_id))


@dataclass(frozen=True, slots=True)
class GroupAttendance:
    """A group's held sessions in a period, counting each person and school once."""

    group_id: int
    sessions: int
    going: int
    attended: int
    attended_schools: int
    reflections: int


def attendance_by_group(
    connection: Connection, *, network_id: int, since: datetime, until: datetime
) -> list[GroupAttendance]:
    """Per group, for held sessions that started in [since, until): sessions, and the
    distinct people who said Going, who said they attended (and their schools), and
    reflections written — one person at three sessions is one person."""
    held = (SESSION.c.status == SCHEDULED, *_in_period(network_id, since, until))
    sessions: dict[int, int] = dict(
        connection.execute(
            select(GROUP.c.id, func.count(SESSION.c.id))
            .select_from(_SESSION_FROM)
            .where(*held)
            .group_by(GROUP.c.id)
        ).all()
    )
    going: dict[int, int] = dict(
        connection.execute(
            select(GROUP.c.id, func.count(distinct(RSVP.c.member_id)))
            .select_from(_SESSION_FROM.join(RSVP, RSVP.c.session_id == SESSION.c.id))
            .where(*held, RSVP.c.answer == GOING)
            .group_by(GROUP.c.id)
        ).all()
    )
    attended = REFLECTION.c.attended.is_(True)
    written = {
        row.group_id: row
        for row in connection.execute(
            select(
                GROUP.c.id.label("group_id"),
                func.count(distinct(REFLECTION.c.member_id)).filter(attended).label("attended"),
                func.count(distinct(MEMBER.c.school_id)).filter(attended).label("schools"),
                func.count(REFLECTION.c.member_id).label("reflections"),
            )
            .select_from(
                _SESSION_FROM.join(REFLECTION, REFLECTION.c.session_id == SESSION.c.id).outerjoin(
                    MEMBER, MEMBER.c.id == REFLECTION.c.member_id
                )
            )
            .where(*held)
            .group_by(GROUP.c.id)
        )
    }
    return [
        GroupAttendance(
            group_id,
            count,
            going.get(group_id, 0),
            written[group_id].attended if group_id in written else 0,
            written[group_id].schools if group_id in written else 0,
            written[group_id].reflections if group_id in written else 0,
        )
        for group_id, count in sessions.items()
    ]
