"""Queries for check-in rounds: opening (one open round per group), locking, closing (which
detaches anonymous answers), and the rounds a member or a group can see, with the records of a
round and of an answer every check-in query shares. Answers and counts are in
`storage.checkin_answers`, pairings and preferences in `storage.checkin_pairings`, weekly
cadences in `storage.checkin_cadences`, a member's export and erasure in
`storage.checkin_personal`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import Connection, bindparam, func, or_, select, update

from storage.directory import (
    IDENTITY,
    MEMBER,
    MEMBER_COLUMNS,
    MEMBER_FROM,
    IdentityRecord,
    MemberRecord,
    member_record,
)
from storage.groups import GROUP, LEADER, MEMBERSHIP
from storage.prepared import Prepared
from storage.tables import table
from storage.upsert import insert_returning_id

ROUND = table("checkin_round")
ANSWER = table("checkin_answer")


@dataclass(frozen=True, slots=True)
class RoundRecord:
    id: int
    network_id: int
    group_id: int
    prompt: str
    opened_by: int | None
    cadence_id: int | None
    opened_at: datetime
    closes_at: datetime | None
    closed_at: datetime | None
    introduced_at: datetime | None
    reminded_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    colour: str
    note: str | None
    anonymous: bool
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class OpenRoundOfMember:
    round: RoundRecord
    group_name: str
    answer: AnswerRecord | None


@dataclass(frozen=True, slots=True)
class MyAnswer:
    round: RoundRecord
    group_name: str
    answer: AnswerRecord


ROUND_COLUMNS = (
    ROUND.c.id,
    ROUND.c.network_id,
    ROUND.c.group_id,
    ROUND.c.prompt,
    ROUND.c.opened_by,
    ROUND.c.cadence_id,
    ROUND.c.opened_at,
    ROUND.c.closes_at,
    ROUND.c.closed_at,
    ROUND.c.introduced_at,
    ROUND.c.reminded_at,
)
ANSWER_COLUMNS = (ANSWER.c.colour, ANSWER.c.note, ANSWER.c.anonymous, ANSWER.c.answered_at)


def round_record(row: Any) -> RoundRecord:
    return RoundRecord(*(row._mapping[c.name] for c in ROUND_COLUMNS))


def answer_record(row: Any) -> AnswerRecord:
    return AnswerRecord(row.colour, row.note, bool(row.anonymous), row.answered_at)


_GET_ROUND = select(*ROUND_COLUMNS).where(ROUND.c.id == bindparam("round_id"))
# Every minute timer of every open round, and every close, takes its round first.
_get_round = Prepared(_GET_ROUND)
_lock_round = Prepared(_GET_ROUND.with_for_update(of=ROUND))
_open_round_of_group = Prepared(
    select(*ROUND_COLUMNS).where(ROUND.c.open_group_id == bindparam("group_id"))
)


def open_round(
    connection: Connection,
    *,
    network_id: int,
    group_id: int,
    prompt: str,
    opened_by: int | None,
    now: datetime,
    closes_at: datetime | None,
    cadence_id: int | None = None,
) -> RoundRecord:
    """Open a round. A second open round in the group violates a unique constraint."""
    key = insert_returning_id(
        connection,
        ROUND,
        network_id=network_id,
        group_id=group_id,
        open_group_id=group_id,
        prompt=prompt,
        opened_by=opened_by,
        cadence_id=cadence_id,
        opened_at=now,
        closes_at=closes_at,
    )
    return RoundRecord(
        key, network_id, group_id, prompt, opened_by, cadence_id, now, closes_at, None, None
    )


def get_round(connection: Connection, *, round_id: int) -> RoundRecord | None:
    row = _get_round.first(connection, round_id=round_id)
    return RoundRecord(*row) if row else None


def lock_round(connection: Connection, *, round_id: int) -> RoundRecord | None:
    """The round as it is now, locked until the transaction ends (`FOR UPDATE` on PostgreSQL;
    on SQLite `BEGIN IMMEDIATE` already serialises writers). Answering, closing and reminding
    take it first, so an answer cannot slip past a close and counts are read after every
    concurrent answer has committed."""
    row = _lock_round.first(connection, round_id=round_id)
    return RoundRecord(*row) if row else None


def open_round_of_group(connection: Connection, *, group_id: int) -> RoundRecord | None:
    row = _open_round_of_group.first(connection, group_id=group_id)
    return RoundRecord(*row) if row else None


def close_round(connection: Connection, *, round_id: int, now: datetime) -> bool:
    """Close an open round and detach its anonymous answers; False if it was already closed.

    A detached answer keeps its colour and only the round's date: a time to the second could
    still be matched to the moment someone was seen answering.
    """
    opened_at = connection.execute(
        update(ROUND)
        .where(ROUND.c.id == round_id, ROUND.c.closed_at.is_(None))
        .values(closed_at=now, open_group_id=None, counts_changed_at=None)
        .returning(ROUND.c.opened_at)
    ).scalar()
    if opened_at is None:
        return False
    day = datetime.combine(opened_at.date(), time(), tzinfo=UTC)
    connection.execute(
        update(ANSWER)
        .where(ANSWER.c.round_id == round_id, ANSWER.c.anonymous.is_(True))
        .values(member_id=None, note=None, answered_at=day, changed_at=day, leaders_told_at=None)
    )
    return True


_mark_counts_changed = Prepared(
    update(ROUND)
    .where(
        ROUND.c.id == bindparam("round_id"),
        or_(
            ROUND.c.counts_changed_at.is_(None),
            ROUND.c.counts_changed_at < bindparam("stale_before"),
        ),
    )
    .values(counts_changed_at=bindparam("now"))
)
_clear_counts_changed = Prepared(
    update(ROUND)
    .where(ROUND.c.id == bindparam("round_id"), ROUND.c.counts_changed_at.is_not(None))
    .values(counts_changed_at=None)
)


def mark_counts_changed(
    connection: Connection, *, round_id: int, now: datetime, stale_before: datetime
) -> bool:
    """Note that the round's counts changed; True when this is the first change since they
    were last shown (or the mark is older than `stale_before`, so a lost edit is retried)."""
    changed = _mark_counts_changed.run(
        connection, round_id=round_id, now=now, stale_before=stale_before
    )
    return changed > 0


def clear_counts_changed(connection: Connection, *, round_id: int) -> bool:
    """Take the round's "counts changed" mark; True if it was set."""
    return _clear_counts_changed.run(connection, round_id=round_id) > 0


_LEADERS_FROM = MEMBER_FROM.join(MEMBERSHIP, MEMBER.c.id == MEMBERSHIP.c.member_id)
_IS_LEADER = (MEMBERSHIP.c.group_id == bindparam("group_id")) & (MEMBERSHIP.c.role == LEADER)
_BY_NAME = (MEMBER.c.display_name, MEMBER.c.id)
_leaders_of_group = Prepared(
    select(*MEMBER_COLUMNS).select_from(_LEADERS_FROM).where(_IS_LEADER).order_by(*_BY_NAME)
)
_OTHER_IDENTITY = IDENTITY.alias("other_identity")
_newest_identity = (
    select(func.max(_OTHER_IDENTITY.c.id))
    .where(_OTHER_IDENTITY.c.member_id == MEMBER.c.id)
    .scalar_subquery()
)
_leaders_reachable = Prepared(
    select(*MEMBER_COLUMNS, IDENTITY.c.platform, IDENTITY.c.workspace, IDENTITY.c.user_id)
    .select_from(_LEADERS_FROM.outerjoin(IDENTITY, IDENTITY.c.id == _newest_identity))
    .where(_IS_LEADER)
    .order_by(*_BY_NAME)
)


def leaders_of_group(connection: Connection, *, group_id: int) -> list[MemberRecord]:
    """The group's leaders, by name — read through the (group, role) index, so the cost does
    not grow with the group."""
    return [member_record(r) for r in _leaders_of_group.all(connection, group_id=group_id)]


def leaders_reachable(
    connection: Connection, *, group_id: int
) -> list[tuple[MemberRecord, IdentityRecord | None]]:
    """As `leaders_of_group`, each with the identity a direct message reaches them on (their
    newest, as `directory.identities_of` orders them; None if they have none), in one query."""
    return [
        (member_record(r), IdentityRecord(r[7], r[8], r[9]) if r[7] is not None else None)
        for r in _leaders_reachable.all(connection, group_id=group_id)
    ]


def mark_reminded(connection: Connection, *, round_id: int, now: datetime) -> None:
    """Record that the round's group was reminded to answer."""
    connection.execute(update(ROUND).where(ROUND.c.id == round_id).values(reminded_at=now))


def mark_introduced(connection: Connection, *, round_id: int, now: datetime) -> bool:
    """Record that introductions went out; False if they already had."""
    return bool(
        connection.execute(
            update(ROUND)
            .where(ROUND.c.id == round_id, ROUND.c.introduced_at.is_(None))
            .values(introduced_at=now)
        ).rowcount
    )


def previous_closed_round(connection: Connection, *, round: RoundRecord) -> RoundRecord | None:
    """The group's last round closed before this one opened."""
    row = connection.execute(
        select(*ROUND_COLUMNS)
        .where(
            ROUND.c.group_id == round.group_id,
            ROUND.c.id != round.id,
            ROUND.c.closed_at.is_not(None),
            ROUND.c.opened_at <= round.opened_at,
        )
        .order_by(ROUND.c.opened_at.desc(), ROUND.c.id.desc())
        .limit(1)
    ).first()
    return round_record(row) if row else None


def closed_rounds_of_group(
    connection: Connection, *, group_id: int, limit: int
) -> list[RoundRecord]:
    """The group's most recent closed rounds, newest first."""
    rows = connection.execute(
        select(*ROUND_COLUMNS)
        .where(ROUND.c.group_id == group_id, ROUND.c.closed_at.is_not(None))
        .order_by(ROUND.c.opened_at.desc(), ROUND.c.id.desc())
        .limit(limit)
    )
    return [round_record(row) for row in rows]


def open_rounds_of_member(connection: Connection, *, member_id: int) -> list[OpenRoundOfMember]:
    """Open rounds in the member's live groups, with their own answer if they gave one."""
    mine = ANSWER.alias("mine")
    rows = connection.execute(
        select(
            *ROUND_COLUMNS,
            GROUP.c.name.label("group_name"),
            mine.c.colour,
            mine.c.note,
            mine.c.anonymous,
            mine.c.answered_at,
        )
        .select_from(
            ROUND.join(GROUP, GROUP.c.id == ROUND.c.group_id)
            .join(MEMBERSHIP, MEMBERSHIP.c.group_id == ROUND.c.group_id)
            .outerjoin(mine, (mine.c.round_id == ROUND.c.id) & (mine.c.member_id == member_id))
        )
        .where(
            MEMBERSHIP.c.member_id == member_id,
            ROUND.c.closed_at.is_(None),
            GROUP.c.archived_at.is_(None),
        )
        .order_by(ROUND.c.opened_at, ROUND.c.id)
    )
    return [
        OpenRoundOfMember(
            round_record(row), row.group_name, answer_record(row) if row.colour else None
        )
        for row in rows
    ]


def answers_of_member(connection: Connection, *, member_id: int, limit: int) -> list[MyAnswer]:
    """The member's own answers still linked to them, newest first."""
    rows = connection.execute(
        select(*ROUND_COLUMNS, GROUP.c.name.label("group_name"), *ANSWER_COLUMNS)
        .select_from(
            ANSWER.join(ROUND, ROUND.c.id == ANSWER.c.round_id).join(
                GROUP, GROUP.c.id == ROUND.c.group_id
            )
        )
        .where(ANSWER.c.member_id == member_id)
        .order_by(ROUND.c.opened_at.desc(), ROUND.c.id.desc())
        .limit(limit)
    )
    return [MyAnswer(round_record(row), row.group_name, answer_record(row)) for row in rows]
