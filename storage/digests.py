"""Queries behind the weekly digest: activity per member, group and school over a range of
local days, read from the pre-aggregated day counters by the (network, day) index — so a
digest reads the weeks it shows, never the whole history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, bindparam, func, select

from storage.activity import ACTIVITY_DAY
from storage.directory import MEMBER, SCHOOL
from storage.groups import GROUP, MEMBERSHIP
from storage.tables import table
from storage.upsert import insert_or_update


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """One member's messages in one group on one local day."""

    group_id: int
    member_id: int
    school_id: int | None
    day: date
    messages: int


@dataclass(frozen=True, slots=True)
class GroupInfo:
    id: int
    name: str
    created_on: date
    members: int


@dataclass(frozen=True, slots=True)
class SchoolInfo:
    id: int
    name: str
    members: int


_in_range = (
    ACTIVITY_DAY.c.network_id == bindparam("network_id"),
    ACTIVITY_DAY.c.day >= bindparam("first"),
    ACTIVITY_DAY.c.day <= bindparam("last"),
)
_activity_rows = select(
    ACTIVITY_DAY.c.group_id,
    ACTIVITY_DAY.c.member_id,
    ACTIVITY_DAY.c.school_id,
    ACTIVITY_DAY.c.day,
    ACTIVITY_DAY.c.messages,
).where(*_in_range)
_last_school_day = (
    select(ACTIVITY_DAY.c.school_id, func.max(ACTIVITY_DAY.c.day).label("last_day"))
    .where(*_in_range, ACTIVITY_DAY.c.school_id.is_not(None))
    .group_by(ACTIVITY_DAY.c.school_id)
)


def activity_rows(
    connection: Connection, *, network_id: int, first: date, last: date
) -> list[ActivityRow]:
    """Every member-group-day counter between two local dates (inclusive), by the day index."""
    rows = connection.execute(
        _activity_rows, {"network_id": network_id, "first": first, "last": last}
    )
    return [ActivityRow(*row) for row in rows]


def last_active_day_by_school(
    connection: Connection, *, network_id: int, first: date, last: date
) -> dict[int, date]:
    """Each school's latest day with activity in the range (schools without any are absent)."""
    rows = connection.execute(
        _last_school_day, {"network_id": network_id, "first": first, "last": last}
    )
    return {row.school_id: row.last_day for row in rows}


def live_groups(connection: Connection, *, network_id: int) -> list[GroupInfo]:
    members = func.count(MEMBERSHIP.c.member_id)
    rows = connection.execute(
        select(GROUP.c.id, GROUP.c.name, GROUP.c.created_at, members.label("members"))
        .select_from(GROUP.outerjoin(MEMBERSHIP, MEMBERSHIP.c.group_id == GROUP.c.id))
        .where(GROUP.c.network_id == network_id, GROUP.c.archived_at.is_(None))
        .group_by(GROUP.c.id, GROUP.c.name, GROUP.c.created_at)
        .order_by(GROUP.c.name_key)
    )
    return [GroupInfo(row.id, row.name, row.created_at.date(), int(row.members)) for row in rows]


def schools_with_members(connection: Connection, *, network_id: int) -> list[SchoolInfo]:
    members = func.count(MEMBER.c.id)
    rows = connection.execute(
        select(SCHOOL.c.id, SCHOOL.c.name, members.label("members"))
        .select_from(SCHOOL.outerjoin(MEMBER, MEMBER.c.school_id == SCHOOL.c.id))
        .where(SCHOOL.c.network_id == network_id)
        .group_by(SCHOOL.c.id, SCHOOL.c.name)
        .order_by(SCHOOL.c.name)
    )
    return [SchoolInfo(row.id, row.name, int(row.members)) for row in rows]


def members_of_groups(
    connection: Connection, *, group_ids: list[int]
) -> dict[int, list[tuple[int, str, str | None]]]:
    """(member id, display name, school name) of each group's members, by group."""
    if not group_ids:
        return {}
    rows = connection.execute(
        select(
            MEMBERSHIP.c.group_id, MEMBER.c.id, MEMBER.c.display_name, SCHOOL.c.name.label("school")
        )
        .select_from(
            MEMBERSHIP.join(MEMBER, MEMBER.c.id == MEMBERSHIP.c.member_id).outerjoin(
                SCHOOL, SCHOOL.c.id == MEMBER.c.school_id
            )
        )
        .where(MEMBERSHIP.c.group_id.in_(group_ids))
        .order_by(MEMBER.c.display_name)
    )
    found: dict[int, list[tuple[int, str, str | None]]] = {group_id: [] for group_id in group_ids}
    for row in rows:
        found[row.group_id].append((row.id, row.display_name, row.school))
    return found


def joined_on(connection: Connection, *, group_ids: list[int]) -> dict[tuple[int, int], date]:
    """When each member joined each group (to leave newcomers out of "quieter members")."""
    if not group_ids:
        return {}
    rows = connection.execute(
        select(MEMBERSHIP.c.group_id, MEMBERSHIP.c.member_id, MEMBERSHIP.c.joined_at).where(
            MEMBERSHIP.c.group_id.in_(group_ids)
        )
    )
    return {(row.group_id, row.member_id): row.joined_at.date() for row in rows}


# --- when the weekly digest goes out -------------------------------------------------------

SETTING = table("digest_setting")


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    weekday: int = 0
    time_of_day: str = "07:30"
    enabled: bool = True


def digest_schedule(connection: Connection, *, network_id: int) -> DigestSchedule:
    row = connection.execute(
        select(SETTING.c.weekday, SETTING.c.time_of_day, SETTING.c.enabled).where(
            SETTING.c.network_id == network_id
        )
    ).first()
    return (
        DigestSchedule(row.weekday, row.time_of_day, bool(row.enabled)) if row else DigestSchedule()
    )


def set_digest_schedule(
    connection: Connection, *, network_id: int, schedule: DigestSchedule
) -> None:
    insert_or_update(
        connection,
        SETTING,
        {
            "network_id": network_id,
            "weekday": schedule.weekday,
            "time_of_day": schedule.time_of_day,
            "enabled": schedule.enabled,
        },
        conflict=("network_id",),
        update={
            "weekday": schedule.weekday,
            "time_of_day": schedule.time_of_day,
            "enabled": schedule.enabled,
        },
    )
