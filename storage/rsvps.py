"""Queries for RSVPs: a member's answer for a session (going, maybe, can't make it), the
tally by answer and by school for live counts, and who to tell when a session changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, func, select

from storage.directory import MEMBER, SCHOOL
from storage.meetings import MEETING, SESSION
from storage.tables import table
from storage.upsert import insert_or_update

RSVP = table("meeting_rsvp")

GOING = "going"
MAYBE = "maybe"
NOT_GOING = "no"
ANSWERS = (GOING, MAYBE, NOT_GOING)


@dataclass(frozen=True, slots=True)
class TallyRow:
    answer: str
    school_name: str | None
    people: int


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone to tell about a session, with the zone to show them times in."""

    member_id: int
    timezone: str | None


def set_answer(
    connection: Connection, *, session_id: int, member_id: int, answer: str, now: datetime
) -> None:
    if answer not in ANSWERS:
        raise ValueError(f"unknown RSVP answer {answer!r}")
    insert_or_update(
        connection,
        RSVP,
        {"session_id": session_id, "member_id": member_id, "answer": answer, "answered_at": now},
        conflict=("session_id", "member_id"),
        update={"answer": answer, "answered_at": now},
    )


_answer_of = select(RSVP.c.answer).where(
    RSVP.c.session_id == bindparam("session_id"), RSVP.c.member_id == bindparam("member_id")
)
_tally = (
    select(RSVP.c.answer, SCHOOL.c.name.label("school_name"), func.count().label("people"))
    .select_from(
        RSVP.join(MEMBER, MEMBER.c.id == RSVP.c.member_id).outerjoin(
            SCHOOL, SCHOOL.c.id == MEMBER.c.school_id
        )
    )
    .where(RSVP.c.session_id == bindparam("session_id"))
    .group_by(RSVP.c.answer, SCHOOL.c.name)
)


def answer_of(connection: Connection, *, session_id: int, member_id: int) -> str | None:
    return connection.execute(
        _answer_of, {"session_id": session_id, "member_id": member_id}
    ).scalar()


def answers_of_member(
    connection: Connection, *, member_id: int, session_ids: Sequence[int]
) -> dict[int, str]:
    if not session_ids:
        return {}
    rows = connection.execute(
        select(RSVP.c.session_id, RSVP.c.answer).where(
            RSVP.c.member_id == member_id, RSVP.c.session_id.in_(list(session_ids))
        )
    )
    return {row.session_id: row.answer for row in rows}


def tally(connection: Connection, *, session_id: int) -> list[TallyRow]:
    """How many people gave each answer, per school (None: school not set)."""
    rows = connection.execute(_tally, {"session_id": session_id})
    return [TallyRow(row.answer, row.school_name, row.people) for row in rows]


def recipients(
    connection: Connection, *, session_ids: Sequence[int], answers: Sequence[str]
) -> list[Recipient]:
    """Everyone who gave one of `answers` for any of the sessions, once each."""
    if not session_ids:
        return []
    rows = connection.execute(
        select(MEMBER.c.id, MEMBER.c.timezone)
        .where(
            MEMBER.c.id.in_(
                select(RSVP.c.member_id).where(
                    RSVP.c.session_id.in_(list(session_ids)), RSVP.c.answer.in_(list(answers))
                )
            )
        )
        .order_by(MEMBER.c.id)
    )
    return [Recipient(row.id, row.timezone) for row in rows]


# --- personal data ------------------------------------------------------------------------


def export_answers(connection: Connection, *, member_id: int) -> list[dict[str, object]]:
    rows = connection.execute(
        select(MEETING.c.title, SESSION.c.starts_at, RSVP.c.answer, RSVP.c.answered_at)
        .select_from(
            RSVP.join(SESSION, SESSION.c.id == RSVP.c.session_id).join(
                MEETING, MEETING.c.id == SESSION.c.meeting_id
            )
        )
        .where(RSVP.c.member_id == member_id)
        .order_by(SESSION.c.starts_at)
    )
    return [
        {
            "meeting": row.title,
            "starts_at": row.starts_at.isoformat(),
            "answer": row.answer,
            "answered_at": row.answered_at.isoformat(),
        }
        for row in rows
    ]


def erase_answers(connection: Connection, *, member_id: int) -> None:
    connection.execute(delete(RSVP).where(RSVP.c.member_id == member_id))
