"""Queries for channel activity counters (per member, group and day; never message text)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Connection, and_, bindparam, literal, select, true

from storage.directory import IDENTITY, MEMBER
from storage.groups import GROUP, GROUP_CHANNEL
from storage.prepared import Prepared
from storage.tables import table
from storage.upsert import dialect_insert

ACTIVITY_DAY = table("activity_day")
_KEY = ["group_id", "member_id", "day"]


def _upsert(dialect: str, source: Any) -> Any:
    statement = dialect_insert(dialect, ACTIVITY_DAY)
    statement = (
        statement.from_select(
            ["network_id", "group_id", "member_id", "school_id", "day", "messages"], source
        )
        if source is not None
        else statement
    )
    return statement.on_conflict_do_update(
        index_elements=_KEY,
        set_={
            "messages": ACTIVITY_DAY.c.messages + statement.excluded.messages,
            "school_id": statement.excluded.school_id,
        },
    )


@cache
def _count_statement(dialect: str) -> Any:
    return _upsert(dialect, None)


def _count_in_channel_statement(dialect: str) -> Any:
    """One statement for the commonest event: find the member and the channel's live group,
    and count the message — or do nothing if either is unknown."""
    source = (
        select(
            GROUP.c.network_id,
            GROUP.c.id,
            MEMBER.c.id,
            MEMBER.c.school_id,
            bindparam("day", type_=ACTIVITY_DAY.c.day.type),
            literal(1),
        )
        .select_from(
            IDENTITY.join(MEMBER, MEMBER.c.id == IDENTITY.c.member_id)
            .join(GROUP_CHANNEL, true())
            .join(
                GROUP,
                and_(
                    GROUP.c.id == GROUP_CHANNEL.c.group_id,
                    GROUP.c.network_id == MEMBER.c.network_id,
                ),
            )
        )
        .where(
            IDENTITY.c.platform == bindparam("platform"),
            IDENTITY.c.workspace == bindparam("workspace"),
            IDENTITY.c.user_id == bindparam("user_id"),
            GROUP_CHANNEL.c.platform == bindparam("channel_platform"),
            GROUP_CHANNEL.c.workspace == bindparam("channel_workspace"),
            GROUP_CHANNEL.c.channel_id == bindparam("channel_id"),
            GROUP.c.archived_at.is_(None),
        )
    )
    return _upsert(dialect, source)


_count_in_channel = Prepared(_count_in_channel_statement)


def count_message_in_channel(
    connection: Connection,
    *,
    platform: str,
    workspace: str,
    user_id: str,
    channel_id: str,
    day: date,
) -> None:
    """Count a message by a known member in a channel linked to a live group of their network.

    Unknown people and unlinked channels are ignored: nothing is written about them.
    """
    _count_in_channel.run(
        connection,
        platform=platform,
        workspace=workspace,
        user_id=user_id,
        channel_platform=platform,
        channel_workspace=workspace,
        channel_id=channel_id,
        day=day,
    )


def count_message(
    connection: Connection,
    *,
    network_id: int,
    group_id: int,
    member_id: int,
    school_id: int | None,
    day: date,
    messages: int = 1,
) -> None:
    """Add `messages` to the member's count for that group and day (demo data, imports)."""
    connection.execute(
        _count_statement(connection.dialect.name),
        {
            "network_id": network_id,
            "group_id": group_id,
            "member_id": member_id,
            "school_id": school_id,
            "day": day,
            "messages": messages,
        },
    )
