"""Queries for what is added under an anonymous question: the asker's follow-ups (stored
without them) and members' named replies (theirs to export and erase)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, select

from storage.directory import MEMBER, SCHOOL
from storage.questions import QUESTION
from storage.scrub import scrub_after_commit
from storage.tables import table
from storage.upsert import insert_returning_id

FOLLOWUP = table("question_followup")
REPLY = table("question_reply")


@dataclass(frozen=True, slots=True)
class Followup:
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReplyRecord:
    id: int
    question_id: int
    member_id: int
    display_name: str
    school_name: str | None
    text: str
    created_at: datetime


def add_followup(connection: Connection, *, question_id: int, text: str, now: datetime) -> int:
    return insert_returning_id(
        connection, FOLLOWUP, question_id=question_id, text=text, created_at=now
    )


def followups(connection: Connection, *, question_id: int) -> list[Followup]:
    rows = connection.execute(
        select(FOLLOWUP.c.text, FOLLOWUP.c.created_at)
        .where(FOLLOWUP.c.question_id == question_id)
        .order_by(FOLLOWUP.c.id)
    )
    return [Followup(row.text, row.created_at) for row in rows]


def add_reply(
    connection: Connection, *, question_id: int, member_id: int, text: str, now: datetime
) -> int:
    return insert_returning_id(
        connection, REPLY, question_id=question_id, member_id=member_id, text=text, created_at=now
    )


_REPLY_COLUMNS = (
    REPLY.c.id,
    REPLY.c.question_id,
    REPLY.c.member_id,
    MEMBER.c.display_name,
    SCHOOL.c.name.label("school_name"),
    REPLY.c.text,
    REPLY.c.created_at,
)
_REPLY_FROM = REPLY.join(MEMBER, MEMBER.c.id == REPLY.c.member_id).outerjoin(
    SCHOOL, SCHOOL.c.id == MEMBER.c.school_id
)


def replies(connection: Connection, *, question_id: int) -> list[ReplyRecord]:
    rows = connection.execute(
        select(*_REPLY_COLUMNS)
        .select_from(_REPLY_FROM)
        .where(REPLY.c.question_id == question_id)
        .order_by(REPLY.c.id)
    )
    return [ReplyRecord(**row._mapping) for row in rows]


def reply_counts(connection: Connection, *, question_ids: list[int]) -> dict[int, int]:
    if not question_ids:
        return {}
    rows = connection.execute(
        select(REPLY.c.question_id, func.count())
        .where(REPLY.c.question_id.in_(question_ids))
        .group_by(REPLY.c.question_id)
    )
    return {row[0]: row[1] for row in rows}


def replies_by_member(connection: Connection, *, member_id: int) -> list[tuple[int, ReplyRecord]]:
    """(question number, reply) for every reply the member wrote."""
    rows = connection.execute(
        select(*_REPLY_COLUMNS, QUESTION.c.number)
        .select_from(_REPLY_FROM.join(QUESTION, QUESTION.c.id == REPLY.c.question_id))
        .where(REPLY.c.member_id == member_id)
        .order_by(REPLY.c.id)
    )
    return [
        (row.number, ReplyRecord(**{k: v for k, v in row._mapping.items() if k != "number"}))
        for row in rows
    ]


def delete_replies_by_member(connection: Connection, *, member_id: int) -> None:
    connection.execute(delete(REPLY).where(REPLY.c.member_id == member_id))
    scrub_after_commit(connection, "question_reply")
