"""Queries behind members' data rights for the foundation's own tables: what is held about a
member (profile, identities, memberships, activity detail, messages addressed to them) and
deleting it. Features that add tables answer for them in their own storage modules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, or_, select

from storage.directory import IDENTITY, MEMBER, SCHOOL
from storage.groups import GROUP, MEMBERSHIP
from storage.networks import NETWORK
from storage.tables import table

ACTIVITY_DAY = table("activity_day")
OUTBOX = table("outbox")


def profile(connection: Connection, *, member_id: int) -> dict[str, Any] | None:
    row = connection.execute(
        select(
            MEMBER.c.display_name,
            NETWORK.c.name.label("network"),
            SCHOOL.c.name.label("school"),
            MEMBER.c.timezone,
            MEMBER.c.is_facilitator,
            MEMBER.c.created_at,
        )
        .select_from(
            MEMBER.join(NETWORK, NETWORK.c.id == MEMBER.c.network_id).outerjoin(
                SCHOOL, SCHOOL.c.id == MEMBER.c.school_id
            )
        )
        .where(MEMBER.c.id == member_id)
    ).first()
    if row is None:
        return None
    return {
        "name": row.display_name,
        "network": row.network,
        "school": row.school,
        "time_zone": row.timezone,
        "facilitator": bool(row.is_facilitator),
        "first_seen": row.created_at,
    }


def identities(connection: Connection, *, member_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(IDENTITY.c.platform, IDENTITY.c.workspace, IDENTITY.c.user_id, IDENTITY.c.created_at)
        .where(IDENTITY.c.member_id == member_id)
        .order_by(IDENTITY.c.id)
    )
    return [
        {
            "platform": row.platform,
            "workspace": row.workspace,
            "user_id": row.user_id,
            "first_seen": row.created_at,
        }
        for row in rows
    ]


def memberships(connection: Connection, *, member_id: int) -> list[dict[str, Any]]:
    """Every group membership, archived groups included."""
    rows = connection.execute(
        select(GROUP.c.name, MEMBERSHIP.c.role, MEMBERSHIP.c.joined_at, GROUP.c.archived_at)
        .join(GROUP, GROUP.c.id == MEMBERSHIP.c.group_id)
        .where(MEMBERSHIP.c.member_id == member_id)
        .order_by(GROUP.c.name_key)
    )
    return [
        {
            "group": row.name,
            "role": row.role,
            "joined": row.joined_at,
            "group_archived": row.archived_at is not None,
        }
        for row in rows
    ]


def activity_detail(connection: Connection, *, member_id: int) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(GROUP.c.name, ACTIVITY_DAY.c.day, ACTIVITY_DAY.c.messages)
        .join(GROUP, GROUP.c.id == ACTIVITY_DAY.c.group_id)
        .where(ACTIVITY_DAY.c.member_id == member_id)
        .order_by(ACTIVITY_DAY.c.day, GROUP.c.name_key)
    )
    return [{"group": row.name, "day": row.day, "messages": row.messages} for row in rows]


def _to_identities(member_id: int) -> Any:
    """Outbox rows addressed (by direct message) to any of the member's identities."""
    mine = (
        select(IDENTITY.c.platform, IDENTITY.c.workspace, IDENTITY.c.user_id)
        .where(IDENTITY.c.member_id == member_id)
        .subquery()
    )
    return (
        select(OUTBOX.c.id)
        .join(
            mine,
            and_(
                OUTBOX.c.platform == mine.c.platform,
                OUTBOX.c.workspace == mine.c.workspace,
                OUTBOX.c.user_id == mine.c.user_id,
            ),
        )
        .scalar_subquery()
    )


def messages_to(connection: Connection, *, member_id: int) -> list[Any]:
    """Rows of the messages the bot sent or will send the member directly."""
    return list(
        connection.execute(
            select(
                OUTBOX.c.purpose,
                OUTBOX.c.status,
                OUTBOX.c.due_at,
                OUTBOX.c.sent_at,
                OUTBOX.c.payload,
            )
            .where(OUTBOX.c.id.in_(_to_identities(member_id)))
            .order_by(OUTBOX.c.due_at, OUTBOX.c.id)
        )
    )


def delete_messages_to(connection: Connection, *, member_id: int) -> None:
    connection.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(_to_identities(member_id))))


def delete_messages_keyed(connection: Connection, *, key_like: str) -> None:
    """Delete the messages, sent or waiting, whose key matches the LIKE pattern `key_like`:
    those a feature keyed by the member they are about, to whomever they go."""
    connection.execute(delete(OUTBOX).where(OUTBOX.c.key.like(key_like)))


def delete_memberships(connection: Connection, *, member_id: int) -> None:
    connection.execute(delete(MEMBERSHIP).where(MEMBERSHIP.c.member_id == member_id))


def delete_identities(connection: Connection, *, member_id: int) -> None:
    connection.execute(delete(IDENTITY).where(IDENTITY.c.member_id == member_id))


def delete_member(connection: Connection, *, member_id: int) -> None:
    connection.execute(delete(MEMBER).where(MEMBER.c.id == member_id))


def members_with_identity(
    connection: Connection, *, platform: str, user_id: str, workspace: str | None = None
) -> list[int]:
    """Member ids behind a platform user id (in any workspace unless one is given)."""
    query = select(IDENTITY.c.member_id).where(
        IDENTITY.c.platform == platform, IDENTITY.c.user_id == user_id
    )
    if workspace is not None:
        query = query.where(IDENTITY.c.workspace == workspace)
    return sorted({row.member_id for row in connection.execute(query)})


def delete_finished_exports(connection: Connection, *, purpose: str, before: datetime) -> None:
    """Delete delivered (or abandoned) data exports queued before `before`: the file went to
    the member, and the copy in the outbox should not outlive its delivery."""
    connection.execute(
        delete(OUTBOX).where(
            OUTBOX.c.purpose == purpose,
            OUTBOX.c.status != "pending",
            or_(OUTBOX.c.created_at < before, OUTBOX.c.sent_at < before),
        )
    )
