"""Queries for check-in answers: a member's answer to a round (the latest counts), saving it,
the counts per colour (live, at close and for digests) and the answers given by name that
pairing works from. Rounds themselves are in `storage.checkins`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, Connection, bindparam, func, select, update

from storage.checkins import (
    ANSWER,
    ANSWER_COLUMNS,
    ROUND,
    ROUND_COLUMNS,
    AnswerRecord,
    RoundRecord,
    answer_record,
)
from storage.directory import MEMBER, MEMBER_FROM, SCHOOL
from storage.groups import (
    GROUP,
    GROUP_CHANNEL,
    GROUP_COLUMNS,
    MEMBERSHIP,
    GroupRecord,
    group_record,
)
from storage.prepared import Prepared, insert_of
from storage.tables.checkins import LEADERS_TO_TELL, TOLD_COLOUR


@dataclass(frozen=True, slots=True)
class NamedAnswer:
    """An answer given by name, with who gave it (for the leader and for pairing)."""

    member_id: int
    display_name: str
    school_id: int | None
    school_name: str | None
    colour: str
    note: str | None


_get_answer = select(*ANSWER_COLUMNS).where(
    ANSWER.c.round_id == bindparam("round_id"), ANSWER.c.member_id == bindparam("member_id")
)
_COUNTS = (
    select(ANSWER.c.colour, func.count())
    .where(ANSWER.c.round_id == bindparam("round_id"))
    .group_by(ANSWER.c.colour)
)
_counts = Prepared(_COUNTS)  # every minute of every open round that changed
_anonymous_counts = _COUNTS.where(ANSWER.c.anonymous.is_(True))


def get_answer(connection: Connection, *, round_id: int, member_id: int) -> AnswerRecord | None:
    row = connection.execute(_get_answer, {"round_id": round_id, "member_id": member_id}).first()
    return answer_record(row) if row else None


_insert_answer = Prepared(
    insert_of(
        ANSWER, "round_id", "member_id", "colour", "note", "anonymous", "answered_at", "changed_at"
    )
)
_replace_answer = Prepared(
    update(ANSWER)
    .where(
        ANSWER.c.round_id == bindparam("answer_round"),
        ANSWER.c.member_id == bindparam("answer_member"),
    )
    .values(
        colour=bindparam("new_colour"),
        note=bindparam("new_note"),
        anonymous=bindparam("new_anonymous"),
        changed_at=bindparam("now"),
    )
)


def save_answer(
    connection: Connection,
    *,
    round_id: int,
    member_id: int,
    colour: str,
    note: str | None,
    anonymous: bool,
    now: datetime,
    replacing: bool = False,
) -> None:
    """Record the member's answer; `replacing` their earlier one (which the caller read with
    the round locked, so it cannot have appeared or gone meanwhile)."""
    if replacing:
        _replace_answer.run(
            connection,
            answer_round=round_id,
            answer_member=member_id,
            new_colour=colour,
            new_note=note,
            new_anonymous=anonymous,
            now=now,
        )
        return
    _insert_answer.run(
        connection,
        round_id=round_id,
        member_id=member_id,
        colour=colour,
        note=note,
        anonymous=anonymous,
        answered_at=now,
        changed_at=now,
    )


@dataclass(frozen=True, slots=True)
class Answering:
    """What answering a round needs, read in one statement with the round locked: the round,
    its group, the member's role in it (None: not a member), their answer so far, and when
    the round's counts were last marked as changed (None: not since they were last shown)."""

    round: RoundRecord
    group: GroupRecord
    role: str | None
    answer: AnswerRecord | None
    counts_marked_at: datetime | None


_member: BindParameter[int] = bindparam("member_id")
_ANSWERING_COLUMNS = (
    *ROUND_COLUMNS,
    ROUND.c.counts_changed_at,
    *GROUP_COLUMNS,
    MEMBERSHIP.c.role,
    *ANSWER_COLUMNS,
)


def _answering_from(rounds: Any) -> Any:
    """`rounds` (the round table, perhaps joined to what finds it) with the round's group, the
    member's membership of it and their answer to it."""
    return (
        rounds.join(GROUP, GROUP.c.id == ROUND.c.group_id)
        .outerjoin(
            MEMBERSHIP,
            (MEMBERSHIP.c.group_id == ROUND.c.group_id) & (MEMBERSHIP.c.member_id == _member),
        )
        .outerjoin(ANSWER, (ANSWER.c.round_id == ROUND.c.id) & (ANSWER.c.member_id == _member))
    )


_answering = Prepared(
    select(*_ANSWERING_COLUMNS)
    .select_from(_answering_from(ROUND))
    .where(ROUND.c.id == bindparam("round_id"))
    .with_for_update(of=ROUND)
)
_answering_in_channel = Prepared(
    select(*_ANSWERING_COLUMNS)
    .select_from(
        _answering_from(
            GROUP_CHANNEL.join(ROUND, ROUND.c.open_group_id == GROUP_CHANNEL.c.group_id)
        )
    )
    .where(
        GROUP_CHANNEL.c.platform == bindparam("platform"),
        GROUP_CHANNEL.c.workspace == bindparam("workspace"),
        GROUP_CHANNEL.c.channel_id == bindparam("channel_id"),
    )
    .with_for_update(of=ROUND)
)
_ROUND_END = len(ROUND_COLUMNS)
_GROUP_END = _ROUND_END + 1 + len(GROUP_COLUMNS)


def _answering_record(row: tuple[Any, ...] | None) -> Answering | None:
    if row is None:
        return None
    colour, note, anonymous, answered_at = row[_GROUP_END + 1 :]
    answer = AnswerRecord(colour, note, bool(anonymous), answered_at) if colour else None
    return Answering(
        RoundRecord(*row[:_ROUND_END]),
        group_record(row[_ROUND_END + 1 : _GROUP_END]),
        row[_GROUP_END],
        answer,
        row[_ROUND_END],
    )


def answering(connection: Connection, *, round_id: int, member_id: int) -> Answering | None:
    """Lock the round (as `checkins.lock_round`) and read what answering it needs; None if
    there is no such round."""
    return _answering_record(_answering.first(connection, round_id=round_id, member_id=member_id))


def answering_in_channel(
    connection: Connection, *, platform: str, workspace: str, channel_id: str, member_id: int
) -> Answering | None:
    """As `answering`, for the open round of the group linked to a channel; None if the
    channel has no group or the group no open round."""
    row = _answering_in_channel.first(
        connection,
        platform=platform,
        workspace=workspace,
        channel_id=channel_id,
        member_id=member_id,
    )
    return _answering_record(row)


def counts(connection: Connection, *, round_id: int) -> Counter[str]:
    """How many answered each colour (anonymous answers included)."""
    return Counter(dict(_counts.all(connection, round_id=round_id)))


def anonymous_counts(connection: Connection, *, round_id: int) -> Counter[str]:
    """How many answered each colour anonymously."""
    return Counter(dict(connection.execute(_anonymous_counts, {"round_id": round_id}).all()))


def counts_of_rounds(connection: Connection, *, round_ids: list[int]) -> dict[int, Counter[str]]:
    found: dict[int, Counter[str]] = {round_id: Counter() for round_id in round_ids}
    if not round_ids:
        return found
    rows = connection.execute(
        select(ANSWER.c.round_id, ANSWER.c.colour, func.count())
        .where(ANSWER.c.round_id.in_(round_ids))
        .group_by(ANSWER.c.round_id, ANSWER.c.colour)
    )
    for round_id, colour, count in rows:
        found[round_id][colour] = count
    return found


@dataclass(frozen=True, slots=True)
class ToTell:
    """An answer the leaders are to hear about: red by name (new, or changed since they were
    told), or changed away from one they were told of."""

    member_id: int
    display_name: str
    school_name: str | None
    colour: str
    note: str | None
    anonymous: bool
    changed_at: datetime
    told: bool  # they hold a notice about this member's answer

    @property
    def asks_by_name(self) -> bool:
        """Red by name: what the leaders are told of (else they are told it was withdrawn)."""
        return self.colour == TOLD_COLOUR and not self.anonymous


_to_tell = Prepared(
    select(
        ANSWER.c.member_id,
        MEMBER.c.display_name,
        SCHOOL.c.name,
        ANSWER.c.colour,
        ANSWER.c.note,
        ANSWER.c.anonymous,
        ANSWER.c.changed_at,
        ANSWER.c.leaders_told_at,
    )
    .select_from(MEMBER_FROM.join(ANSWER, ANSWER.c.member_id == MEMBER.c.id))
    .where(ANSWER.c.round_id == bindparam("round_id"), LEADERS_TO_TELL)
    .order_by(ANSWER.c.changed_at, ANSWER.c.member_id)
)
_mark_told = Prepared(
    update(ANSWER)
    .where(ANSWER.c.round_id == bindparam("told_round"), ANSWER.c.member_id == bindparam("member"))
    .values(leaders_told_at=bindparam("told_at"))
)


def to_tell(connection: Connection, *, round_id: int) -> list[ToTell]:
    """The round's answers the leaders have not heard the latest of (`LEADERS_TO_TELL`),
    oldest change first."""
    rows = _to_tell.all(connection, round_id=round_id)
    return [
        ToTell(
            member_id=row[0],
            display_name=row[1],
            school_name=row[2],
            colour=row[3],
            note=row[4],
            anonymous=bool(row[5]),
            changed_at=row[6],
            told=row[7] is not None,
        )
        for row in rows
    ]


def mark_told(connection: Connection, *, round_id: int, told: list[ToTell]) -> None:
    """Record that the leaders now know these answers: red by name as they stand, or (any
    other) that they no longer hold a notice about them."""
    _mark_told.run_many(
        connection,
        [
            {
                "told_round": round_id,
                "member": answer.member_id,
                "told_at": answer.changed_at if answer.asks_by_name else None,
            }
            for answer in told
        ],
    )


def named_answers(connection: Connection, *, round_id: int) -> list[NamedAnswer]:
    """Answers given by name by people still in the round's group, by name."""
    rows = connection.execute(
        select(
            MEMBER.c.id,
            MEMBER.c.display_name,
            MEMBER.c.school_id,
            SCHOOL.c.name.label("school_name"),
            ANSWER.c.colour,
            ANSWER.c.note,
        )
        .select_from(
            ANSWER.join(ROUND, ROUND.c.id == ANSWER.c.round_id)
            .join(MEMBER, MEMBER.c.id == ANSWER.c.member_id)
            .join(
                MEMBERSHIP,
                (MEMBERSHIP.c.member_id == MEMBER.c.id)
                & (MEMBERSHIP.c.group_id == ROUND.c.group_id),
            )
            .outerjoin(SCHOOL, SCHOOL.c.id == MEMBER.c.school_id)
        )
        .where(ANSWER.c.round_id == round_id, ANSWER.c.anonymous.is_(False))
        .order_by(MEMBER.c.display_name, MEMBER.c.id)
    )
    return [NamedAnswer(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class RoundTally:
    """A round opened in a period, with how many answered each colour (for digests)."""

    round_id: int
    group_id: int
    opened_at: datetime
    counts: Counter[str]


def tallies_opened_between(
    connection: Connection, *, network_id: int, since: datetime, until: datetime
) -> list[RoundTally]:
    """Rounds of the network opened in [since, until), oldest first, with their colour counts."""
    rows = connection.execute(
        select(ROUND.c.id, ROUND.c.group_id, ROUND.c.opened_at)
        .where(
            ROUND.c.network_id == network_id, ROUND.c.opened_at >= since, ROUND.c.opened_at < until
        )
        .order_by(ROUND.c.opened_at, ROUND.c.id)
    ).all()
    counted = counts_of_rounds(connection, round_ids=[row.id for row in rows])
    return [RoundTally(row.id, row.group_id, row.opened_at, counted[row.id]) for row in rows]
