"""What the weekly digest reads about anonymous questions: when each was asked, resolved or
hidden, how many schools said "me too", and when replies were written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, distinct, func, or_, select

from storage.metoo import METOO
from storage.question_replies import REPLY
from storage.questions import QUESTION


@dataclass(frozen=True, slots=True)
class QuestionTally:
    """A question as the digest counts it: when it was asked, resolved or hidden, and at how
    many schools people said "me too" (distinct keyed school hashes — no school is known)."""

    group_id: int
    created_at: datetime
    resolved_at: datetime | None
    hidden_at: datetime | None
    schools: int


def digest_tallies(
    connection: Connection, *, network_id: int, since: datetime
) -> list[QuestionTally]:
    """Questions asked since `since`, resolved since then, or still open."""
    schools = (
        select(func.count(distinct(METOO.c.school_hash)))
        .where(METOO.c.question_id == QUESTION.c.id)
        .scalar_subquery()
    )
    rows = connection.execute(
        select(
            QUESTION.c.group_id,
            QUESTION.c.created_at,
            QUESTION.c.resolved_at,
            QUESTION.c.hidden_at,
            schools.label("schools"),
        ).where(
            QUESTION.c.network_id == network_id,
            or_(
                QUESTION.c.created_at >= since,
                QUESTION.c.resolved_at >= since,
                and_(QUESTION.c.resolved_at.is_(None), QUESTION.c.hidden_at.is_(None)),
            ),
        )
    )
    return [QuestionTally(**row._mapping) for row in rows]


def reply_times(
    connection: Connection, *, network_id: int, since: datetime
) -> list[tuple[int, datetime]]:
    """(group id, when) of every reply since `since`, for engagement."""
    rows = connection.execute(
        select(QUESTION.c.group_id, REPLY.c.created_at)
        .join(QUESTION, QUESTION.c.id == REPLY.c.question_id)
        .where(QUESTION.c.network_id == network_id, REPLY.c.created_at >= since)
    )
    return [(row.group_id, row.created_at) for row in rows]
