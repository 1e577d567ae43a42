"""Queries around asking anonymously: drafts waiting for the asker to confirm them, the
per-day count behind the rate limit (under a keyed hash that changes daily), and each
network's settings for questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, delete, select

from storage.questions import QuestionDetails, details_values
from storage.scrub import scrub_after_commit
from storage.tables import table
from storage.upsert import insert_or_update, insert_returning_id

DRAFT = table("question_draft")
QUOTA = table("question_quota")
SETTINGS = table("question_settings")

DEFAULT_ALERT_SCHOOLS = 3
DEFAULT_DAILY_LIMIT = 3


@dataclass(frozen=True, slots=True)
class Draft:
    id: int
    network_id: int
    details: QuestionDetails
    notify: bool


@dataclass(frozen=True, slots=True)
class AskingSettings:
    """A network's settings: facilitators are alerted when a question is seen at
    `alert_schools` schools; a person may ask `daily_limit` anonymous questions a day."""

    alert_schools: int = DEFAULT_ALERT_SCHOOLS
    daily_limit: int = DEFAULT_DAILY_LIMIT


# --- drafts --------------------------------------------------------------------------------


def add_draft(
    connection: Connection,
    *,
    network_id: int,
    token_hash: str,
    details: QuestionDetails,
    notify: bool,
    expires_at: datetime,
) -> int:
    return insert_returning_id(
        connection,
        DRAFT,
        network_id=network_id,
        token_hash=token_hash,
        **details_values(details),
        notify=notify,
        expires_at=expires_at,
    )


def take_draft(connection: Connection, *, token_hash: str, now: datetime) -> Draft | None:
    """The draft for a token, deleted as it is taken; None if unknown or expired."""
    row = connection.execute(select(DRAFT).where(DRAFT.c.token_hash == token_hash)).first()
    if row is None:
        return None
    connection.execute(delete(DRAFT).where(DRAFT.c.id == row.id))
    scrub_after_commit(connection, "question_draft")
    if row.expires_at <= now:
        return None
    details = QuestionDetails(
        row.group_id, row.text, row.category, row.board, row.qualification, row.paper
    )
    return Draft(row.id, row.network_id, details, bool(row.notify))


def delete_draft(connection: Connection, *, draft_id: int) -> None:
    connection.execute(delete(DRAFT).where(DRAFT.c.id == draft_id))
    scrub_after_commit(connection, "question_draft")


# --- the daily quota -----------------------------------------------------------------------

_asked = select(QUOTA.c.asked).where(
    QUOTA.c.day == bindparam("day"), QUOTA.c.person_hash == bindparam("person_hash")
)


def asked_on(connection: Connection, *, day: date, person_hash: str) -> int:
    value = connection.execute(_asked, {"day": day, "person_hash": person_hash}).scalar()
    return int(value or 0)


def count_ask(connection: Connection, *, network_id: int, day: date, person_hash: str) -> None:
    insert_or_update(
        connection,
        QUOTA,
        {"day": day, "person_hash": person_hash, "network_id": network_id, "asked": 1},
        conflict=("day", "person_hash"),
        update={"asked": QUOTA.c.asked + 1},
    )


def quota_counts(connection: Connection, *, network_id: int) -> list[tuple[date, str]]:
    """(day, person hash) of every count the network still keeps."""
    rows = connection.execute(
        select(QUOTA.c.day, QUOTA.c.person_hash).where(QUOTA.c.network_id == network_id)
    )
    return [(row.day, row.person_hash) for row in rows]


def delete_quota(connection: Connection, *, day: date, person_hash: str) -> None:
    connection.execute(delete(QUOTA).where(QUOTA.c.day == day, QUOTA.c.person_hash == person_hash))
    scrub_after_commit(connection, "question_quota")


def forget_quota_before(connection: Connection, *, day: date) -> None:
    """Delete the counts of days before `day` (they matter only on their own day)."""
    connection.execute(delete(QUOTA).where(QUOTA.c.day < day))
    scrub_after_commit(connection, "question_quota")


# --- settings ----------------------------------------------------------------------------


def settings(connection: Connection, *, network_id: int) -> AskingSettings:
    row = connection.execute(
        select(SETTINGS.c.alert_schools, SETTINGS.c.daily_limit).where(
            SETTINGS.c.network_id == network_id
        )
    ).first()
    return AskingSettings(row.alert_schools, row.daily_limit) if row else AskingSettings()


def save_settings(connection: Connection, *, network_id: int, value: AskingSettings) -> None:
    values = {"alert_schools": value.alert_schools, "daily_limit": value.daily_limit}
    insert_or_update(
        connection,
        SETTINGS,
        {"network_id": network_id, **values},
        conflict=("network_id",),
        update=values,
    )
