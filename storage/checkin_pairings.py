"""Queries for the groups suggested when a round closes, and members' "don't pair me" choice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select

from storage.directory import MEMBER, SCHOOL
from storage.tables import table
from storage.upsert import insert_or_update

PAIRING = table("checkin_pairing")
PREFERENCE = table("checkin_preference")


def save_pairings(
    connection: Connection, *, round_id: int, groups: Sequence[Sequence[int]]
) -> None:
    """Store the suggested groups of a round, numbered from 1 in the order given."""
    rows = [
        {"round_id": round_id, "member_id": member_id, "group_no": number}
        for number, members in enumerate(groups, start=1)
        for member_id in members
    ]
    if rows:
        connection.execute(insert(PAIRING), rows)


def pairings_of_round(
    connection: Connection, *, round_id: int
) -> list[list[tuple[int, str, str | None]]]:
    """The round's groups, each as (member id, name, school name), in group order."""
    rows = connection.execute(
        select(PAIRING.c.group_no, MEMBER.c.id, MEMBER.c.display_name, SCHOOL.c.name)
        .select_from(
            PAIRING.join(MEMBER, MEMBER.c.id == PAIRING.c.member_id).outerjoin(
                SCHOOL, SCHOOL.c.id == MEMBER.c.school_id
            )
        )
        .where(PAIRING.c.round_id == round_id)
        .order_by(PAIRING.c.group_no, MEMBER.c.display_name, MEMBER.c.id)
    )
    groups: dict[int, list[tuple[int, str, str | None]]] = {}
    for number, member_id, name, school in rows:
        groups.setdefault(number, []).append((member_id, name, school))
    return list(groups.values())


def partners_of_member(
    connection: Connection, *, member_id: int, round_ids: Iterable[int]
) -> dict[int, list[str]]:
    """For each of the rounds, the names of the people the member was grouped with."""
    ids = list(round_ids)
    if not ids:
        return {}
    mine = PAIRING.alias("mine")
    rows = connection.execute(
        select(PAIRING.c.round_id, MEMBER.c.display_name)
        .select_from(
            PAIRING.join(
                mine,
                (mine.c.round_id == PAIRING.c.round_id) & (mine.c.group_no == PAIRING.c.group_no),
            ).join(MEMBER, MEMBER.c.id == PAIRING.c.member_id)
        )
        .where(
            mine.c.member_id == member_id,
            PAIRING.c.member_id != member_id,
            PAIRING.c.round_id.in_(ids),
        )
        .order_by(PAIRING.c.round_id, MEMBER.c.display_name)
    )
    partners: dict[int, list[str]] = {}
    for round_id, name in rows:
        partners.setdefault(round_id, []).append(name)
    return partners


def no_pairing(connection: Connection, *, member_ids: Iterable[int]) -> set[int]:
    """Which of the members asked not to be paired."""
    ids = list(member_ids)
    if not ids:
        return set()
    rows = connection.execute(
        select(PREFERENCE.c.member_id).where(
            PREFERENCE.c.member_id.in_(ids), PREFERENCE.c.no_pairing.is_(True)
        )
    )
    return {row[0] for row in rows}


def set_no_pairing(
    connection: Connection, *, member_id: int, no_pairing: bool, now: datetime
) -> None:
    insert_or_update(
        connection,
        PREFERENCE,
        {"member_id": member_id, "no_pairing": no_pairing, "updated_at": now},
        conflict=("member_id",),
        update={"no_pairing": no_pairing, "updated_at": now},
    )
