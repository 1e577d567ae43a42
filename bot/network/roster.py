"""Bringing people and structure in from outside chat: the operator's roster CSV import, and
the console's `:as NAME@SCHOOL`, which creates a person exactly as an import would.

A roster is validated whole before anything is written; any error (reported with its line
number) means nothing is imported. Importing the same roster twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection

from bot.groups.admin import GROUPS_PER_NETWORK, network_is_full
from bot.kernel.dispatcher import Core
from bot.kernel.events import Actor
from bot.kernel.first_contact import first_contact
from bot.kernel.refusals import Refusal
from bot.network.term import PERIOD_NAME_LIMIT
from bot.parsing.dates import parse_date
from bot.parsing.names import (
    GROUP_NAME_LIMIT,
    PERSON_NAME_LIMIT,
    SCHOOL_NAME_LIMIT,
    clean_name,
    name_key,
)
from storage import calendar, directory, groups, networks
from storage.directory import MemberRecord
from storage.networks import NetworkRecord

KINDS = ("school", "group", "facilitator", "leader", "member", "term", "holiday")
COLUMNS = (
    "kind",
    "name",
    "school",
    "group",
    "description",
    "platform",
    "user_id",
    "starts_on",
    "ends_on",
)
PERIODS = (calendar.TERM, calendar.HOLIDAY)
PEOPLE = ("facilitator", "leader", "member")
PLATFORMS = ("slack", "discord", "console")


@dataclass(frozen=True, slots=True)
class RosterRow:
    line: int
    kind: str
    name: str
    school: str = ""
    groups: tuple[str, ...] = ()
    description: str = ""
    platform: str = ""
    user_id: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass
class ImportReport:
    errors: list[str] = field(default_factory=list)
    schools: int = 0
    groups: int = 0
    people: int = 0
    memberships: int = 0
    periods: int = 0

    def summary(self) -> str:
        return (
            f"{self.schools} new schools, {self.groups} new groups, {self.people} new people, "
            f"{self.memberships} new group memberships, {self.periods} new terms and holidays"
        )


class RosterError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def parse_roster(text: str, *, today: date) -> list[RosterRow]:
    """Read and check a roster; raises `RosterError` listing every problem by line. Dates
    more than five years from `today` are refused as mistakes."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("kind", "name") if c not in headers]
    if missing:
        raise RosterError(
            [
                f"line 1: the header row needs the columns {', '.join(COLUMNS)} (missing: {', '.join(missing)})"
            ]
        )
    unknown = [h for h in headers if h not in COLUMNS]
    if unknown:
        raise RosterError(
            [
                f"line 1: unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}"
            ]
        )
    rows: list[RosterRow] = []
    errors: list[str] = []
    for raw in reader:
        line = reader.line_num
        values = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(values.values()):
            continue
        try:
            rows.append(_row(line, values, today))
        except Refusal as problem:
            errors.append(f"line {line}: {problem.message}")
    if errors:
        raise RosterError(errors)
    return rows


def _row(line: int, values: dict[str, str], today: date) -> RosterRow:
    kind = values.get("kind", "").lower()
    if kind not in KINDS:
        raise Refusal(f"kind must be one of {', '.join(KINDS)}, not “{kind}”")
    limit, example = {
        "school": (SCHOOL_NAME_LIMIT, "Ridgeway School"),
        "group": (GROUP_NAME_LIMIT, "A-level Chemistry"),
        "term": (PERIOD_NAME_LIMIT, "Autumn term"),
        "holiday": (PERIOD_NAME_LIMIT, "Half term"),
    }.get(kind, (PERSON_NAME_LIMIT, "Sam Jones"))
    name = clean_name(values.get("name", ""), what=f"{kind} name", limit=limit, example=example)
    school = values.get("school", "")
    group_names = tuple(g.strip() for g in values.get("group", "").split(";") if g.strip())
    platform = values.get("platform", "").lower()
    user_id = values.get("user_id", "")
    if kind in PERIODS:
        return _period_row(line, kind, name, values, today)
    if kind in PEOPLE:
        if platform not in PLATFORMS or not user_id:
            raise Refusal(
                "people need a platform (slack, discord or console) and their user_id on it, "
                "so the bot recognises them when they first write"
            )
        if kind != "facilitator" and not school:
            raise Refusal(f"a {kind} needs a school")
        if kind == "leader" and not group_names:
            raise Refusal("a leader needs the group(s) they lead, separated by ;")
    return RosterRow(
        line, kind, name, school, group_names, values.get("description", ""), platform, user_id
    )


def _period_row(line: int, kind: str, name: str, values: dict[str, str], today: date) -> RosterRow:
    """A term or holiday: `starts_on` and (for a term; a holiday may be one day) `ends_on`."""
    if not values.get("starts_on") or (kind == calendar.TERM and not values.get("ends_on")):
        raise Refusal(f"a {kind} needs starts_on and ends_on dates, written like 2026-09-02")
    starts = parse_date(values["starts_on"], today=today)
    ends = parse_date(values["ends_on"], today=today) if values.get("ends_on") else starts
    if ends < starts:
        raise Refusal(f"the {kind} ends before it starts")
    return RosterRow(line, kind, name, starts_on=starts, ends_on=ends)


def _import_period(
    connection: Connection, network: NetworkRecord, row: RosterRow, now: datetime
) -> bool:
    existing = calendar.periods(connection, network_id=network.id)
    if any(p.kind == row.kind and name_key(p.name) == name_key(row.name) for p in existing):
        return False
    assert row.starts_on is not None and row.ends_on is not None
    calendar.add_period(
        connection,
        network_id=network.id,
        kind=row.kind,
        name=row.name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        now=now,
    )
    return True


def import_roster(
    connection: Connection,
    network: NetworkRecord,
    rows: Iterable[RosterRow],
    now: datetime,
    *,
    advance: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Apply checked rows in the caller's transaction — schools, groups and periods first,
    then people — telling `advance` (rows applied, rows in all) after each row. Raises
    `RosterError` if any row cannot be applied (unknown school or group, a workspace the
    network lacks), so the caller's transaction rolls back whole."""
    report = ImportReport()
    workspaces = dict(networks.workspaces_of_network(connection, network_id=network.id))
    ordered = sorted(rows, key=lambda row: row.kind in PEOPLE)  # stable: people last, in order
    for done, row in enumerate(ordered, start=1):
        try:
            if row.kind in PEOPLE:
                _import_person(connection, network, row, workspaces, now, report)
            else:
                _import_structure(connection, network, row, now, report)
        except Refusal as problem:
            report.errors.append(f"line {row.line}: {problem.message}")
        if advance is not None:
            advance(done, len(ordered))
    if report.errors:
        raise RosterError(report.errors)
    return report


def _import_structure(
    connection: Connection,
    network: NetworkRecord,
    row: RosterRow,
    now: datetime,
    report: ImportReport,
) -> None:
    """A school, group, term or holiday row, unless the network has it already."""
    if row.kind == "school" and _ensure_school(connection, network, row.name, now):
        report.schools += 1
    elif (
        row.kind == "group"
        and groups.find_group(connection, network_id=network.id, name_key=name_key(row.name))
        is None
    ):
        _check_room_for_a_group(connection, network)
        groups.create_group(
            connection,
            network_id=network.id,
            name=row.name,
            name_key=name_key(row.name),
            description=row.description[:300],
            now=now,
        )
        report.groups += 1
    elif row.kind in PERIODS and _import_period(connection, network, row, now):
        report.periods += 1


def _check_room_for_a_group(connection: Connection, network: NetworkRecord) -> None:
    """The network's cap on active groups holds for an import as it does in chat."""
    if network_is_full(connection, network.id):
        raise Refusal(
            f"this would be one group more than the {GROUPS_PER_NETWORK} active groups one "
            "network can have. Archive groups that have finished (`/staffroom group archive "
            "<name>`) or leave this row out, then import again."
        )


def _ensure_school(
    connection: Connection, network: NetworkRecord, name: str, now: datetime
) -> bool:
    if (
        directory.find_school(connection, network_id=network.id, name_key=name_key(name))
        is not None
    ):
        return False
    directory.add_school(
        connection, network_id=network.id, name=name, name_key=name_key(name), now=now
    )
    return True


def _import_person(
    connection: Connection,
    network: NetworkRecord,
    row: RosterRow,
    workspaces: dict[str, str],
    now: datetime,
    report: ImportReport,
) -> None:
    workspace = workspaces.get(row.platform)
    if workspace is None:
        raise Refusal(
            f"the network has no {row.platform} workspace yet; set one up first "
            f"(`/staffroom setup` there, or `staffroom network create --workspace {row.platform}:<id>`)"
        )
    school_id = None
    if row.school:
        school = directory.find_school(
            connection, network_id=network.id, name_key=name_key(row.school)
        )
        if school is None:
            raise Refusal(f"unknown school “{row.school}” — add a `school` row for it")
        school_id = school.id
    actor = Actor(row.platform, workspace, row.user_id, row.name)
    member, created = ensure_member(connection, network, actor, now, school_id=school_id)
    report.people += int(created)
    if row.kind == "facilitator" and not member.is_facilitator:
        directory.set_facilitator(connection, member_id=member.id, is_facilitator=True)
    role = groups.LEADER if row.kind == "leader" else groups.MEMBER_ROLE
    for group_name in row.groups:
        group = groups.find_group(connection, network_id=network.id, name_key=name_key(group_name))
        if group is None:
            raise Refusal(f"unknown group “{group_name}” — add a `group` row for it")
        current = groups.role_in_group(connection, group_id=group.id, member_id=member.id)
        if current is None:
            groups.add_membership(
                connection, group_id=group.id, member_id=member.id, role=role, now=now
            )
            report.memberships += 1
        elif role == groups.LEADER and current != groups.LEADER:
            groups.set_role(connection, group_id=group.id, member_id=member.id, role=role)


def ensure_member(
    connection: Connection,
    network: NetworkRecord,
    actor: Actor,
    now: datetime,
    *,
    school_id: int | None = None,
) -> tuple[MemberRecord, bool]:
    """The member behind `actor`, created if new; their school set if given. (member, created)"""
    member = directory.member_for_identity(
        connection, platform=actor.platform, workspace=actor.workspace, user_id=actor.user_id
    )
    if member is None:
        return first_contact(connection, network, actor, now, school_id=school_id), True
    if school_id is not None and member.school_id != school_id:
        directory.set_member_school(connection, member_id=member.id, school_id=school_id)
        member = directory.get_member(connection, member_id=member.id) or member
    return member, False


def ensure_person_with_school(
    connection: Connection, network: NetworkRecord, actor: Actor, school_name: str, now: datetime
) -> MemberRecord:
    """The console's `:as NAME@SCHOOL`: the school is created if missing, as an import would."""
    school = clean_name(
        school_name, what="school name", limit=SCHOOL_NAME_LIMIT, example="Ridgeway School"
    )
    _ensure_school(connection, network, school, now)
    found = directory.find_school(connection, network_id=network.id, name_key=name_key(school))
    assert found is not None
    member, _ = ensure_member(connection, network, actor, now, school_id=found.id)
    return member


def introduce(core: Core, actor: Actor, school_name: str) -> bool:
    """Make sure `actor` exists at `school_name` in their workspace's network.

    Returns False when the workspace has no network yet (nothing to join until `setup`).
    """
    with core.transaction() as ctx:
        network = core.network_for(ctx.connection, actor.platform, actor.workspace)
        if network is None:
            return False
        ensure_person_with_school(ctx.connection, network, actor, school_name, ctx.now)
    return True
