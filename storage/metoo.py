"""Queries for "me too" on anonymous questions: one row per person (a keyed hash) with their
school's keyed hash, counted as distinct schools. No member or school id is stored, and the
rows keep no order of pressing (see `forget_press_order`)."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, func, select, update

from storage.scrub import scrub_after_commit
from storage.tables import table
from storage.upsert import insert_ignore

METOO = table("question_metoo")
QUESTION = table("question")


_count_schools = select(func.count(func.distinct(METOO.c.school_hash))).where(
    METOO.c.question_id == bindparam("question_id")
)


def add_metoo(
    connection: Connection, *, question_id: int, person_hash: str, school_hash: str
) -> bool:
    """Count a person's "me too" once; True if it was new."""
    return insert_ignore(
        connection,
        METOO,
        {"question_id": question_id, "person_hash": person_hash, "school_hash": school_hash},
        conflict=("question_id", "person_hash"),
    )


def schools_seen(connection: Connection, *, question_id: int) -> int:
    return int(connection.execute(_count_schools, {"question_id": question_id}).scalar_one())


def schools_seen_by_question(connection: Connection, *, question_ids: list[int]) -> dict[int, int]:
    if not question_ids:
        return {}
    rows = connection.execute(
        select(METOO.c.question_id, func.count(func.distinct(METOO.c.school_hash)))
        .where(METOO.c.question_id.in_(question_ids))
        .group_by(METOO.c.question_id)
    )
    return {row[0]: row[1] for row in rows}


def person_hashes(connection: Connection, *, network_id: int) -> list[tuple[int, str]]:
    """(question id, person hash) of every "me too" in the network."""
    rows = connection.execute(
        select(METOO.c.question_id, METOO.c.person_hash)
        .join(QUESTION, QUESTION.c.id == METOO.c.question_id)
        .where(QUESTION.c.network_id == network_id)
    )
    return [(row.question_id, row.person_hash) for row in rows]


def forget_press_order(connection: Connection) -> None:
    """Rewrite every row in one transaction, so PostgreSQL's row versions all carry the same
    transaction id instead of one per press; the rewrite after commit (`storage.scrub`) then
    stores them in key order. SQLite keeps the rows in key order already (no rowid)."""
    if connection.dialect.name == "postgresql":
        connection.execute(update(METOO).values(school_hash=METOO.c.school_hash))
    scrub_after_commit(connection, "question_metoo")


def replace_person_hash(
    connection: Connection, *, question_id: int, person_hash: str, replacement: str
) -> None:
    """Give a "me too" another person hash; the school it counts for stays."""
    connection.execute(
        update(METOO)
        .where(METOO.c.question_id == question_id, METOO.c.person_hash == person_hash)
        .values(person_hash=replacement)
    )
    scrub_after_commit(connection, "question_metoo")
