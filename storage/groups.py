"""Queries for subject groups, their memberships (with leaders) and their linked channels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, distinct, func, insert, select, update

from storage.directory import MEMBER, SCHOOL
from storage.prepared import Prepared, insert_of
from storage.tables import table
from storage.upsert import insert_returning_id

GROUP = table("subject_group")
MEMBERSHIP = table("membership")
GROUP_CHANNEL = table("group_channel")

LEADER = "leader"
MEMBER_ROLE = "member"


@dataclass(frozen=True, slots=True)
class GroupRecord:
    id: int
    network_id: int
    name: str
    description: str
    archived: bool


@dataclass(frozen=True, slots=True)
class GroupSummary:
    group: GroupRecord
    members: int
    schools: int


@dataclass(frozen=True, slots=True)
class GroupMember:
    member_id: int
    display_name: str
    school_id: int | None
    school_name: str | None
    role: str


@dataclass(frozen=True, slots=True)
class ChannelRecord:
    platform: str
    workspace: str
    channel_id: str
    channel_name: str


GROUP_COLUMNS = (
    GROUP.c.id,
    GROUP.c.network_id,
    GROUP.c.name,
    GROUP.c.description,
    GROUP.c.archived_at,
)


def group_record(row: Any) -> GroupRecord:
    """A group from a row that starts with `GROUP_COLUMNS`."""
    return GroupRecord(row[0], row[1], row[2], row[3], row[4] is not None)


_find_group = Prepared(
    select(*GROUP_COLUMNS).where(
        GROUP.c.network_id == bindparam("network_id"), GROUP.c.name_key == bindparam("name_key")
    )
)
_group_for_channel = Prepared(
    select(*GROUP_COLUMNS)
    .join(GROUP_CHANNEL, GROUP_CHANNEL.c.group_id == GROUP.c.id)
    .where(
        GROUP_CHANNEL.c.platform == bindparam("platform"),
        GROUP_CHANNEL.c.workspace == bindparam("workspace"),
        GROUP_CHANNEL.c.channel_id == bindparam("channel_id"),
    )
)
_get_group = Prepared(select(*GROUP_COLUMNS).where(GROUP.c.id == bindparam("group_id")))
_THIS_MEMBERSHIP = (MEMBERSHIP.c.group_id == bindparam("group_id")) & (
    MEMBERSHIP.c.member_id == bindparam("member_id")
)
_role_of = Prepared(select(MEMBERSHIP.c.role).where(_THIS_MEMBERSHIP))
_add_membership = Prepared(insert_of(MEMBERSHIP, "group_id", "member_id", "role", "joined_at"))
_remove_membership = Prepared(delete(MEMBERSHIP).where(_THIS_MEMBERSHIP))


def find_group(connection: Connection, *, network_id: int, name_key: str) -> GroupRecord | None:
    row = _find_group.first(connection, network_id=network_id, name_key=name_key)
    return group_record(row) if row else None


def get_group(connection: Connection, *, group_id: int) -> GroupRecord | None:
    row = _get_group.first(connection, group_id=group_id)
    return group_record(row) if row else None


def _groups_with_counts(*, include_archived: bool) -> Prepared:
    members = func.count(MEMBERSHIP.c.member_id)
    schools = func.count(distinct(MEMBER.c.school_id))
    query = (
        select(*GROUP_COLUMNS, members.label("members"), schools.label("schools"))
        .select_from(
            GROUP.outerjoin(MEMBERSHIP, MEMBERSHIP.c.group_id == GROUP.c.id).outerjoin(
                MEMBER, MEMBER.c.id == MEMBERSHIP.c.member_id
            )
        )
        .where(GROUP.c.network_id == bindparam("network_id"))
        .group_by(*GROUP_COLUMNS)
        .order_by(GROUP.c.name_key)
    )
    if not include_archived:
        query = query.where(GROUP.c.archived_at.is_(None))
    return Prepared(query)


_live_groups = _groups_with_counts(include_archived=False)
_all_groups = _groups_with_counts(include_archived=True)


def list_groups(
    connection: Connection, *, network_id: int, include_archived: bool = False
) -> list[GroupSummary]:
    """Groups with their member and school counts, by name."""
    query = _all_groups if include_archived else _live_groups
    return [
        GroupSummary(group_record(row), row[5], row[6])
        for row in query.all(connection, network_id=network_id)
    ]


_active_group_names = (
    select(GROUP.c.name)
    .where(GROUP.c.network_id == bindparam("network_id"), GROUP.c.archived_at.is_(None))
    .order_by(GROUP.c.name_key)
)


def group_names(connection: Connection, *, network_id: int) -> list[str]:
    """The names of the network's live groups, by name (for completion as people type)."""
    return list(connection.execute(_active_group_names, {"network_id": network_id}).scalars())


def create_group(
    connection: Connection,
    *,
    network_id: int,
    name: str,
    name_key: str,
    description: str,
    now: datetime,
) -> GroupRecord:
    key = insert_returning_id(
        connection,
        GROUP,
        network_id=network_id,
        name=name,
        name_key=name_key,
        description=description,
        created_at=now,
    )
    return GroupRecord(key, network_id, name, description, archived=False)


def archive_group(connection: Connection, *, group_id: int, now: datetime) -> None:
    connection.execute(update(GROUP).where(GROUP.c.id == group_id).values(archived_at=now))


def role_in_group(connection: Connection, *, group_id: int, member_id: int) -> str | None:
    """The member's role in the group, or None when they do not belong to it."""
    row = _role_of.first(connection, group_id=group_id, member_id=member_id)
    return row[0] if row else None


def add_membership(
    connection: Connection, *, group_id: int, member_id: int, role: str, now: datetime
) -> None:
    _add_membership.run(
        connection, group_id=group_id, member_id=member_id, role=role, joined_at=now
    )


def remove_membership(connection: Connection, *, group_id: int, member_id: int) -> None:
    _remove_membership.run(connection, group_id=group_id, member_id=member_id)


def set_role(connection: Connection, *, group_id: int, member_id: int, role: str) -> None:
    connection.execute(
        update(MEMBERSHIP)
        .where(MEMBERSHIP.c.group_id == group_id, MEMBERSHIP.c.member_id == member_id)
        .values(role=role)
    )


def group_members(connection: Connection, *, group_id: int) -> list[GroupMember]:
    rows = connection.execute(
        select(
            MEMBER.c.id,
            MEMBER.c.display_name,
            MEMBER.c.school_id,
            SCHOOL.c.name.label("school_name"),
            MEMBERSHIP.c.role,
        )
        .select_from(
            MEMBERSHIP.join(MEMBER, MEMBER.c.id == MEMBERSHIP.c.member_id).outerjoin(
                SCHOOL, SCHOOL.c.id == MEMBER.c.school_id
            )
        )
        .where(MEMBERSHIP.c.group_id == group_id)
        .order_by(MEMBER.c.display_name)
    )
    return [
        GroupMember(row.id, row.display_name, row.school_id, row.school_name, row.role)
        for row in rows
    ]


_groups_of_member = Prepared(
    select(*GROUP_COLUMNS, MEMBERSHIP.c.role)
    .join(MEMBERSHIP, MEMBERSHIP.c.group_id == GROUP.c.id)
    .where(MEMBERSHIP.c.member_id == bindparam("member_id"), GROUP.c.archived_at.is_(None))
    .order_by(GROUP.c.name_key)
)


def groups_of_member(connection: Connection, *, member_id: int) -> list[tuple[GroupRecord, str]]:
    """The live groups a member belongs to, with their role in each."""
    rows = _groups_of_member.all(connection, member_id=member_id)
    return [(group_record(row), row[5]) for row in rows]


def group_for_channel(
    connection: Connection, *, platform: str, workspace: str, channel_id: str
) -> GroupRecord | None:
    row = _group_for_channel.first(
        connection, platform=platform, workspace=workspace, channel_id=channel_id
    )
    return group_record(row) if row else None


_channels_of_group = Prepared(
    select(
        GROUP_CHANNEL.c.platform,
        GROUP_CHANNEL.c.workspace,
        GROUP_CHANNEL.c.channel_id,
        GROUP_CHANNEL.c.channel_name,
    )
    .where(GROUP_CHANNEL.c.group_id == bindparam("group_id"))
    .order_by(GROUP_CHANNEL.c.id)
)


def channels_of_group(connection: Connection, *, group_id: int) -> list[ChannelRecord]:
    return [ChannelRecord(*row) for row in _channels_of_group.all(connection, group_id=group_id)]


def link_channel(
    connection: Connection, *, group_id: int, channel: ChannelRecord, now: datetime
) -> None:
    connection.execute(
        insert(GROUP_CHANNEL).values(
            group_id=group_id,
            platform=channel.platform,
            workspace=channel.workspace,
            channel_id=channel.channel_id,
            channel_name=channel.channel_name,
            linked_at=now,
        )
    )


def unlink_channel(connection: Connection, *, channel: ChannelRecord) -> None:
    connection.execute(
        delete(GROUP_CHANNEL).where(
            GROUP_CHANNEL.c.platform == channel.platform,
            GROUP_CHANNEL.c.workspace == channel.workspace,
            GROUP_CHANNEL.c.channel_id == channel.channel_id,
        )
    )


def restore_group(connection: Connection, *, group_id: int) -> None:
    connection.execute(update(GROUP).where(GROUP.c.id == group_id).values(archived_at=None))


def describe_group(connection: Connection, *, group_id: int, description: str) -> None:
    connection.execute(update(GROUP).where(GROUP.c.id == group_id).values(description=description))


def leaders_by_member(connection: Connection, *, network_id: int) -> dict[int, list[int]]:
    """Each leader's live groups in the network: member id → group ids."""
    rows = connection.execute(
        select(MEMBERSHIP.c.member_id, MEMBERSHIP.c.group_id)
        .join(GROUP, GROUP.c.id == MEMBERSHIP.c.group_id)
        .where(
            GROUP.c.network_id == network_id,
            GROUP.c.archived_at.is_(None),
            MEMBERSHIP.c.role == LEADER,
        )
        .order_by(MEMBERSHIP.c.member_id, GROUP.c.name_key)
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row.member_id, []).append(row.group_id)
    return found
