"""What the per-person limits count: a member's recent replies to a question, a question's
recent follow-ups (only its asker writes them), the sessions still to come of meetings a
member scheduled (holiday sessions included), and a network's groups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select

from storage.meetings import CANCELLED
from storage.tables import table

REPLY = table("question_reply")
FOLLOWUP = table("question_followup")
MEETING = table("meeting")
SESSION = table("meeting_session")
GROUP = table("subject_group")


def reply_times(
    connection: Connection, *, question_id: int, member_id: int, since: datetime
) -> list[datetime]:
    """When the member replied to the question after `since`, oldest first."""
    rows = connection.execute(
        select(REPLY.c.created_at)
        .where(
            REPLY.c.question_id == question_id,
            REPLY.c.member_id == member_id,
            REPLY.c.created_at > since,
        )
        .order_by(REPLY.c.created_at)
    )
    return list(rows.scalars())


def followup_times(connection: Connection, *, question_id: int, since: datetime) -> list[datetime]:
    """When the question was followed up after `since`, oldest first."""
    rows = connection.execute(
        select(FOLLOWUP.c.created_at)
        .where(FOLLOWUP.c.question_id == question_id, FOLLOWUP.c.created_at > since)
        .order_by(FOLLOWUP.c.created_at)
    )
    return list(rows.scalars())


def upcoming_session_starts(
    connection: Connection, *, member_id: int, now: datetime
) -> list[datetime]:
    """When each session still to come of the meetings the member scheduled starts, soonest
    first; skipped (holiday) sessions count, cancelled ones do not."""
    rows = connection.execute(
        select(SESSION.c.starts_at)
        .join(MEETING, MEETING.c.id == SESSION.c.meeting_id)
        .where(
            MEETING.c.created_by == member_id,
            MEETING.c.cancelled_at.is_(None),
            SESSION.c.starts_at > now,
            SESSION.c.status != CANCELLED,
        )
        .order_by(SESSION.c.starts_at)
    )
    return list(rows.scalars())


def active_groups(connection: Connection, *, network_id: int) -> int:
    """How many groups the network has that are not archived."""
    return int(
        connection.execute(
            select(func.count()).where(
                GROUP.c.network_id == network_id, GROUP.c.archived_at.is_(None)
            )
        ).scalar_one()
    )
