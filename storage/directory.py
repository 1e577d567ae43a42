"""Queries for the directory of people: schools, members and their platform identities.
Networks and their workspaces live in `storage.networks`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from storage.prepared import Prepared
from storage.tables import table
from storage.upsert import insert_returning_id

SCHOOL = table("school")
MEMBER = table("member")
IDENTITY = table("identity")


@dataclass(frozen=True, slots=True)
class SchoolRecord:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class MemberRecord:
    id: int
    network_id: int
    display_name: str
    school_id: int | None
    school_name: str | None
    timezone: str | None
    is_facilitator: bool


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    platform: str
    workspace: str
    user_id: str


# A member as `MemberRecord` holds it (`member_record`), and where those columns come from.
MEMBER_COLUMNS = (
    MEMBER.c.id,
    MEMBER.c.network_id,
    MEMBER.c.display_name,
    MEMBER.c.school_id,
    SCHOOL.c.name.label("school_name"),
    MEMBER.c.timezone,
    MEMBER.c.is_facilitator,
)
MEMBER_FROM = MEMBER.outerjoin(SCHOOL, SCHOOL.c.id == MEMBER.c.school_id)
_member_for_identity = Prepared(
    select(*MEMBER_COLUMNS)
    .select_from(MEMBER_FROM.join(IDENTITY, IDENTITY.c.member_id == MEMBER.c.id))
    .where(
        IDENTITY.c.platform == bindparam("platform"),
        IDENTITY.c.workspace == bindparam("workspace"),
        IDENTITY.c.user_id == bindparam("user_id"),
    )
)
_member_by_id = Prepared(
    select(*MEMBER_COLUMNS).select_from(MEMBER_FROM).where(MEMBER.c.id == bindparam("member_id"))
)


def member_record(row: Any) -> MemberRecord:
    """A member from a row that starts with `MEMBER_COLUMNS`."""
    return MemberRecord(row[0], row[1], row[2], row[3], row[4], row[5], bool(row[6]))


def list_schools(connection: Connection, *, network_id: int) -> list[SchoolRecord]:
    rows = connection.execute(
        select(SCHOOL.c.id, SCHOOL.c.name)
        .where(SCHOOL.c.network_id == network_id)
        .order_by(SCHOOL.c.name)
    )
    return [SchoolRecord(id=row.id, name=row.name) for row in rows]


_find_school = Prepared(
    select(SCHOOL.c.id, SCHOOL.c.name).where(
        SCHOOL.c.network_id == bindparam("network_id"), SCHOOL.c.name_key == bindparam("name_key")
    )
)


def find_school(connection: Connection, *, network_id: int, name_key: str) -> SchoolRecord | None:
    row = _find_school.first(connection, network_id=network_id, name_key=name_key)
    return SchoolRecord(*row) if row else None


def add_school(
    connection: Connection, *, network_id: int, name: str, name_key: str, now: datetime
) -> SchoolRecord:
    key = insert_returning_id(
        connection, SCHOOL, network_id=network_id, name=name, name_key=name_key, created_at=now
    )
    return SchoolRecord(id=key, name=name)


def school_member_counts(connection: Connection, *, network_id: int) -> dict[int, int]:
    rows = connection.execute(
        select(MEMBER.c.school_id, func.count())
        .where(MEMBER.c.network_id == network_id, MEMBER.c.school_id.is_not(None))
        .group_by(MEMBER.c.school_id)
    )
    return {row[0]: row[1] for row in rows}


def member_for_identity(
    connection: Connection, *, platform: str, workspace: str, user_id: str
) -> MemberRecord | None:
    row = _member_for_identity.first(
        connection, platform=platform, workspace=workspace, user_id=user_id
    )
    return member_record(row) if row else None


def get_member(connection: Connection, *, member_id: int) -> MemberRecord | None:
    row = _member_by_id.first(connection, member_id=member_id)
    return member_record(row) if row else None


def create_member(
    connection: Connection,
    *,
    network_id: int,
    display_name: str,
    now: datetime,
    school_id: int | None = None,
    timezone: str | None = None,
    is_facilitator: bool = False,
) -> int:
    return insert_returning_id(
        connection,
        MEMBER,
        network_id=network_id,
        display_name=display_name,
        school_id=school_id,
        timezone=timezone,
        is_facilitator=is_facilitator,
        created_at=now,
    )


def add_identity(
    connection: Connection,
    *,
    member_id: int,
    platform: str,
    workspace: str,
    user_id: str,
    now: datetime,
) -> None:
    connection.execute(
        insert(IDENTITY).values(
            member_id=member_id,
            platform=platform,
            workspace=workspace,
            user_id=user_id,
            created_at=now,
        )
    )


_update_member = update(MEMBER).where(MEMBER.c.id == bindparam("member_id"))


def rename_member(connection: Connection, *, member_id: int, display_name: str) -> None:
    connection.execute(
        _update_member.values(display_name=bindparam("display_name")),
        {"member_id": member_id, "display_name": display_name},
    )


def set_member_timezone(connection: Connection, *, member_id: int, timezone: str | None) -> None:
    connection.execute(
        _update_member.values(timezone=bindparam("timezone")),
        {"member_id": member_id, "timezone": timezone},
    )


_set_school = Prepared(_update_member.values(school_id=bindparam("school_id")))


def set_member_school(connection: Connection, *, member_id: int, school_id: int) -> None:
    _set_school.run(connection, member_id=member_id, school_id=school_id)


def set_facilitator(connection: Connection, *, member_id: int, is_facilitator: bool) -> None:
    connection.execute(
        update(MEMBER).where(MEMBER.c.id == member_id).values(is_facilitator=is_facilitator)
    )


def members_named(
    connection: Connection, *, network_id: int, display_name: str
) -> list[MemberRecord]:
    """Members whose display name matches, ignoring case (for `@Name` mentions)."""
    rows = connection.execute(
        select(*MEMBER_COLUMNS)
        .select_from(MEMBER_FROM)
        .where(
            MEMBER.c.network_id == network_id,
            func.lower(MEMBER.c.display_name) == display_name.lower(),
        )
    )
    return [member_record(row) for row in rows]


_facilitators = Prepared(
    select(*MEMBER_COLUMNS)
    .select_from(MEMBER_FROM)
    .where(MEMBER.c.network_id == bindparam("network_id"), MEMBER.c.is_facilitator.is_(True))
    .order_by(MEMBER.c.id)
)


def facilitators(connection: Connection, *, network_id: int) -> list[MemberRecord]:
    return [member_record(row) for row in _facilitators.all(connection, network_id=network_id)]


_identities_of = Prepared(
    select(IDENTITY.c.platform, IDENTITY.c.workspace, IDENTITY.c.user_id)
    .where(IDENTITY.c.member_id == bindparam("member_id"))
    .order_by(IDENTITY.c.id.desc())
)


def identities_of(connection: Connection, *, member_id: int) -> list[IdentityRecord]:
    """A member's identities, the most recently added first."""
    return [IdentityRecord(*row) for row in _identities_of.all(connection, member_id=member_id)]
