"""Bulk inserts for synthetic networks (`staffroom demo generate`): thousands of members, their
identities and memberships, and years of day counters, each kind in one statement (or a few
chunks) rather than a statement per row as the live bot writes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import Connection, insert, select

from storage.activity import ACTIVITY_DAY
from storage.directory import IDENTITY, MEMBER
from storage.groups import MEMBERSHIP

_CHUNK = 20_000  # rows per INSERT: keeps each statement's parameters within driver limits


@dataclass(frozen=True, slots=True)
class NewMember:
    display_name: str
    school_id: int
    is_facilitator: bool = False


@dataclass(frozen=True, slots=True)
class AddedMember:
    id: int
    school_id: int


@dataclass(frozen=True, slots=True)
class NewMembership:
    group_id: int
    member_id: int
    role: str
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class DayCount:
    """One member's messages in one group on one day."""

    group_id: int
    member_id: int
    school_id: int
    day: date
    messages: int


def add_members(
    connection: Connection,
    *,
    network_id: int,
    members: Sequence[NewMember],
    platform: str,
    workspace: str,
    now: datetime,
) -> list[AddedMember]:
    """Add members to a network that has none yet, each with an identity in `workspace`
    (user id `m<member id>`); returns them in the order given."""
    connection.execute(
        insert(MEMBER),
        [
            {**asdict(member), "network_id": network_id, "timezone": None, "created_at": now}
            for member in members
        ],
    )
    added = [
        AddedMember(row.id, row.school_id)
        for row in connection.execute(
            select(MEMBER.c.id, MEMBER.c.school_id)
            .where(MEMBER.c.network_id == network_id)
            .order_by(MEMBER.c.id)
        )
    ]
    connection.execute(
        insert(IDENTITY),
        [
            {
                "member_id": member.id,
                "platform": platform,
                "workspace": workspace,
                "user_id": f"m{member.id}",
                "created_at": now,
            }
            for member in added
        ],
    )
    return added


def add_memberships(connection: Connection, *, memberships: Sequence[NewMembership]) -> None:
    connection.execute(insert(MEMBERSHIP), [asdict(membership) for membership in memberships])


def add_day_counts(
    connection: Connection,
    *,
    network_id: int,
    counts: Sequence[DayCount],
    advance: Callable[[int], None] | None = None,
) -> None:
    """Write day counters as given (in day order, as a live network writes them), telling
    `advance` how many are written after each chunk."""
    for start in range(0, len(counts), _CHUNK):
        connection.execute(
            insert(ACTIVITY_DAY),
            [
                {
                    "network_id": network_id,
                    "group_id": count.group_id,
                    "member_id": count.member_id,
                    "school_id": count.school_id,
                    "day": count.day,
                    "messages": count.messages,
                }
                for count in counts[start : start + _CHUNK]
            ],
        )
        if advance is not None:
            advance(min(start + _CHUNK, len(counts)))
