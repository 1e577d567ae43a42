"""Queries for anonymous questions: numbering and storing them, the asker's keyed hash and
sealed address, resolving and hiding.

Nothing here takes a member id for a question or a follow-up; the keyed hash and the sealed
address arrive already computed (see `bot.privacy.anonymity`). Follow-ups and named replies are in
`storage.question_replies`, me-toos in `storage.metoo`, drafts, the daily limit and settings in
`storage.asking`, search in `storage.question_search`, the digest's tallies in
`storage.question_digest`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    func,
    select,
    update,
)

from storage.groups import GROUP
from storage.outbox import OUTBOX
from storage.scrub import scrub_after_commit
from storage.tables import table
from storage.upsert import insert_returning_id

QUESTION = table("question")

NOTIFY_KEY = "question-notify"


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    id: int
    network_id: int
    group_id: int
    group_name: str
    number: int
    text: str
    category: str
    board: str
    qualification: str
    paper: str
    asker_hash: str | None
    notify_sealed: str | None
    notify_until: datetime | None
    resolved_at: datetime | None
    resolution: str
    hidden_at: datetime | None
    hidden_reason: str
    alerted_at: datetime | None
    created_at: datetime

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


@dataclass(frozen=True, slots=True)
class QuestionDetails:
    """What a new question (or a draft) says."""

    group_id: int
    text: str
    category: str
    board: str = ""
    qualification: str = ""
    paper: str = ""


def details_values(details: QuestionDetails) -> dict[str, object]:
    """The columns a question and a draft share."""
    return {
        "group_id": details.group_id,
        "text": details.text,
        "category": details.category,
        "board": details.board,
        "qualification": details.qualification,
        "paper": details.paper,
    }


# --- questions ---------------------------------------------------------------------------

_QUESTION_COLUMNS = (*QUESTION.c, GROUP.c.name.label("group_name"))
_QUESTION_FROM = QUESTION.join(GROUP, GROUP.c.id == QUESTION.c.group_id)
_find_question = (
    select(*_QUESTION_COLUMNS)
    .select_from(_QUESTION_FROM)
    .where(QUESTION.c.network_id == bindparam("network_id"), QUESTION.c.number == bindparam("n"))
)
_get_question = (
    select(*_QUESTION_COLUMNS)
    .select_from(_QUESTION_FROM)
    .where(QUESTION.c.id == bindparam("question_id"))
)

_lock_question = _get_question.with_for_update(of=QUESTION)


def _question(row: Any) -> QuestionRecord:
    return QuestionRecord(**row._mapping)


def add_question(
    connection: Connection,
    *,
    network_id: int,
    details: QuestionDetails,
    notify_sealed: str | None,
    notify_until: datetime | None,
    now: datetime,
) -> tuple[int, int]:
    """Store a question under the network's next number; returns (id, number).

    Two questions racing for one number violate the unique constraint and the dispatcher
    retries the second, which then takes the next number.
    """
    number = 1 + (
        connection.execute(
            select(func.coalesce(func.max(QUESTION.c.number), 0)).where(
                QUESTION.c.network_id == network_id
            )
        ).scalar_one()
    )
    key = insert_returning_id(
        connection,
        QUESTION,
        network_id=network_id,
        number=number,
        **details_values(details),
        notify_sealed=notify_sealed,
        notify_until=notify_until,
        resolution="",
        hidden_reason="",
        created_at=now,
    )
    return key, number


def set_asker_hash(connection: Connection, *, question_id: int, asker_hash: str) -> None:
    connection.execute(
        update(QUESTION).where(QUESTION.c.id == question_id).values(asker_hash=asker_hash)
    )


def find_question(connection: Connection, *, network_id: int, number: int) -> QuestionRecord | None:
    row = connection.execute(_find_question, {"network_id": network_id, "n": number}).first()
    return _question(row) if row else None


def get_question(connection: Connection, *, question_id: int) -> QuestionRecord | None:
    row = connection.execute(_get_question, {"question_id": question_id}).first()
    return _question(row) if row else None


def lock_question(connection: Connection, *, question_id: int) -> QuestionRecord | None:
    """The question as it is now, locked until the transaction ends (`FOR UPDATE` on
    PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers): a "me too" or a change
    to the post counts after every concurrent one has committed."""
    row = connection.execute(_lock_question, {"question_id": question_id}).first()
    return _question(row) if row else None


def recent_questions(
    connection: Connection, *, network_id: int, group_id: int | None = None, limit: int = 15
) -> list[QuestionRecord]:
    """The newest questions of a network (or of one group), newest first."""
    query = (
        select(*_QUESTION_COLUMNS)
        .select_from(_QUESTION_FROM)
        .where(QUESTION.c.network_id == network_id)
        .order_by(QUESTION.c.number.desc())
        .limit(limit)
    )
    if group_id is not None:
        query = query.where(QUESTION.c.group_id == group_id)
    return [_question(row) for row in connection.execute(query)]


def asker_hashes(connection: Connection, *, network_id: int) -> list[tuple[int, str]]:
    """(question id, asker hash) of every question whose asker still has control."""
    rows = connection.execute(
        select(QUESTION.c.id, QUESTION.c.asker_hash).where(
            QUESTION.c.network_id == network_id, QUESTION.c.asker_hash.is_not(None)
        )
    )
    return [(row.id, row.asker_hash) for row in rows]


def resolve_question(
    connection: Connection, *, question_id: int, resolution: str, now: datetime
) -> None:
    """Mark answered; the asker's hash and notification address go for good."""
    connection.execute(
        update(QUESTION)
        .where(QUESTION.c.id == question_id)
        .values(
            resolved_at=now,
            resolution=resolution,
            asker_hash=None,
            notify_sealed=None,
            notify_until=None,
        )
    )
    scrub_after_commit(connection, "question")


def hide_question(connection: Connection, *, question_id: int, reason: str, now: datetime) -> None:
    connection.execute(
        update(QUESTION)
        .where(QUESTION.c.id == question_id)
        .values(hidden_at=now, hidden_reason=reason, notify_sealed=None, notify_until=None)
    )
    scrub_after_commit(connection, "question")


def forget_asker_hash(connection: Connection, *, question_id: int) -> None:
    """Untie a question from its asker without resolving it (nobody can act as its asker)."""
    connection.execute(update(QUESTION).where(QUESTION.c.id == question_id).values(asker_hash=None))
    scrub_after_commit(connection, "question")


def forget_notify_address(connection: Connection, *, question_id: int) -> None:
    connection.execute(
        update(QUESTION)
        .where(QUESTION.c.id == question_id)
        .values(notify_sealed=None, notify_until=None)
    )
    scrub_after_commit(connection, "question")


def sealed_addresses(connection: Connection) -> list[tuple[int, str | None, str]]:
    """(question id, asker hash, sealed address) of every question with an address."""
    rows = connection.execute(
        select(QUESTION.c.id, QUESTION.c.asker_hash, QUESTION.c.notify_sealed).where(
            QUESTION.c.notify_sealed.is_not(None)
        )
    )
    return [(row.id, row.asker_hash, row.notify_sealed) for row in rows]


def reseal_address(connection: Connection, *, question_id: int, sealed: str) -> None:
    connection.execute(
        update(QUESTION).where(QUESTION.c.id == question_id).values(notify_sealed=sealed)
    )
    scrub_after_commit(connection, "question")


def notification_key(question_id: int, reply_id: int) -> str:
    return f"{NOTIFY_KEY}:{question_id}:{reply_id}"


def delete_notifications(connection: Connection, *, question_id: int) -> None:
    """Delete the (sealed) reply notifications queued for the asker of a question, sent or
    not, so no copy of their encrypted address outlives the address itself."""
    connection.execute(
        delete(OUTBOX).where(OUTBOX.c.key.startswith(f"{NOTIFY_KEY}:{question_id}:"))
    )
    scrub_after_commit(connection, "outbox")


_mark_alerted = (
    update(QUESTION)
    .where(QUESTION.c.id == bindparam("question_id"), QUESTION.c.alerted_at.is_(None))
    .values(alerted_at=bindparam("now"))
)


def mark_alerted(connection: Connection, *, question_id: int, now: datetime) -> bool:
    """Record that the facilitators were alerted; False if they already were."""
    result = connection.execute(_mark_alerted, {"question_id": question_id, "now": now})
    return bool(result.rowcount)
