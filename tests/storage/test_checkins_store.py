"""Check-in storage on both databases: one open round per group even under a race, the latest
answer wins, closing detaches anonymous answers, erasure keeps published totals only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError

from bot.delivery.clock import ManualClock
from storage import (
    checkin_answers,
    checkin_pairings,
    checkin_personal,
    checkins,
    directory,
    groups,
    networks,
)
from storage.checkins import ANSWER
from storage.uow import unit_of_work


@dataclass
class World:
    network_id: int
    group_id: int
    members: list[int]


@pytest.fixture
def world(engine: Engine, clock: ManualClock) -> Iterator[World]:
    with unit_of_work(engine) as connection:
        network = networks.create_network(
            connection, name="N", timezone="Europe/London", now=clock.now()
        )
        group = groups.create_group(
            connection,
            network_id=network.id,
            name="Chem",
            name_key="chem",
            description="",
            now=clock.now(),
        )
        members = []
        for name in ("Ann", "Bob", "Cat"):
            member_id = directory.create_member(
                connection, network_id=network.id, display_name=name, now=clock.now()
            )
            groups.add_membership(
                connection, group_id=group.id, member_id=member_id, role="member", now=clock.now()
            )
            members.append(member_id)
    yield World(network.id, group.id, members)


def _open(connection: Connection, world: World, clock: ManualClock) -> checkins.RoundRecord:
    return checkins.open_round(
        connection,
        network_id=world.network_id,
        group_id=world.group_id,
        prompt="How is it going?",
        opened_by=world.members[0],
        now=clock.now(),
        closes_at=None,
    )


def _answer(
    connection: Connection,
    round_id: int,
    member_id: int,
    colour: str,
    *,
    note: str,
    clock: ManualClock,
    anonymous: bool = False,
) -> None:
    found = checkin_answers.answering(connection, round_id=round_id, member_id=member_id)
    assert found is not None
    checkin_answers.save_answer(
        connection,
        round_id=round_id,
        member_id=member_id,
        colour=colour,
        note=note,
        anonymous=anonymous,
        now=clock.now(),
        replacing=found.answer is not None,
    )


def test_a_group_cannot_have_two_open_rounds(
    engine: Engine, world: World, clock: ManualClock
) -> None:
    with unit_of_work(engine) as connection:
        first = _open(connection, world, clock)
    with pytest.raises(IntegrityError), unit_of_work(engine) as connection:
        _open(connection, world, clock)
    with unit_of_work(engine) as connection:
        assert checkins.open_round_of_group(connection, group_id=world.group_id) == first
        assert checkins.close_round(connection, round_id=first.id, now=clock.now())
        assert not checkins.close_round(connection, round_id=first.id, now=clock.now())
        second = _open(connection, world, clock)
        assert checkins.previous_closed_round(connection, round=second).id == first.id  # type: ignore[union-attr]


def test_the_latest_answer_counts_and_anonymous_ones_are_detached_at_close(
    engine: Engine, world: World, clock: ManualClock
) -> None:
    ann, bob, cat = world.members
    with unit_of_work(engine) as connection:
        round = _open(connection, world, clock)
        for member, colour in ((ann, "green"), (ann, "red"), (bob, "amber")):
            _answer(connection, round.id, member, colour, note="n", clock=clock)
        _answer(connection, round.id, cat, "red", note="secret", anonymous=True, clock=clock)
        assert checkin_answers.counts(connection, round_id=round.id) == {"red": 2, "amber": 1}
        assert checkin_answers.anonymous_counts(connection, round_id=round.id) == {"red": 1}
        mine = checkins.open_rounds_of_member(connection, member_id=cat)
        assert [(m.group_name, m.answer.colour if m.answer else None) for m in mine] == [
            ("Chem", "red")
        ]
        assert [
            a.display_name for a in checkin_answers.named_answers(connection, round_id=round.id)
        ] == [
            "Ann",
            "Bob",
        ]
        clock.advance(timedelta(hours=1))
        checkins.close_round(connection, round_id=round.id, now=clock.now())
        rows = connection.execute(
            select(ANSWER.c.member_id, ANSWER.c.note).where(ANSWER.c.anonymous.is_(True))
        ).all()
        assert [tuple(r) for r in rows] == [(None, None)]
        assert checkin_answers.counts(connection, round_id=round.id) == {"red": 2, "amber": 1}
        assert checkins.answers_of_member(connection, member_id=cat, limit=10) == []
        assert len(checkins.answers_of_member(connection, member_id=ann, limit=10)) == 1


def test_a_detached_answer_keeps_only_the_rounds_date(
    engine: Engine, world: World, clock: ManualClock
) -> None:
    """No second of an anonymous answer survives the close: the moment someone was seen
    pressing a button must not match a row."""
    ann, bob, _ = world.members
    clock.set(datetime(2026, 11, 24, 9, 13, 27, tzinfo=UTC))
    with unit_of_work(engine) as connection:
        round = _open(connection, world, clock)
        clock.advance(timedelta(minutes=7, seconds=11))
        _answer(connection, round.id, ann, "red", note="secret", clock=clock)
        told = checkin_answers.to_tell(connection, round_id=round.id)
        checkin_answers.mark_told(connection, round_id=round.id, told=told)  # then anonymous:
        _answer(connection, round.id, ann, "red", note="secret", anonymous=True, clock=clock)
        _answer(connection, round.id, bob, "green", note="fine", clock=clock)
        clock.advance(timedelta(days=1, hours=3))
        checkins.close_round(connection, round_id=round.id, now=clock.now())
        rows = connection.execute(
            select(
                ANSWER.c.anonymous,
                ANSWER.c.answered_at,
                ANSWER.c.changed_at,
                ANSWER.c.leaders_told_at,
            ).order_by(ANSWER.c.anonymous)
        ).all()
    named, detached = rows
    midnight = datetime(2026, 11, 24, tzinfo=UTC)
    assert tuple(detached) == (True, midnight, midnight, None)
    assert named.answered_at == datetime(2026, 11, 24, 9, 20, 38, tzinfo=UTC)  # named: as given


def test_the_counts_mark_is_taken_once_and_rearms_when_stale(
    engine: Engine, world: World, clock: ManualClock
) -> None:
    now = clock.now()
    later = now + timedelta(seconds=20)
    with unit_of_work(engine) as connection:
        round = _open(connection, world, clock)
        mark = checkins.mark_counts_changed
        assert mark(connection, round_id=round.id, now=now, stale_before=now)
        assert not mark(connection, round_id=round.id, now=later, stale_before=now)
        # A mark nobody took (its edit failed) is set again once it is older than allowed.
        assert mark(connection, round_id=round.id, now=later, stale_before=later)
        assert checkins.clear_counts_changed(connection, round_id=round.id)
        assert not checkins.clear_counts_changed(connection, round_id=round.id)
        assert mark(connection, round_id=round.id, now=later, stale_before=now)


def test_answering_reads_the_role_and_the_earlier_answer(
    engine: Engine, world: World, clock: ManualClock
) -> None:
    ann, bob, _ = world.members
    with unit_of_work(engine) as connection:
        outsider = directory.create_member(
            connection, network_id=world.network_id, display_name="Out", now=clock.now()
        )
        round = _open(connection, world, clock)
        _answer(connection, round.id, ann, "amber", note="n", clock=clock)
        found = checkin_answers.answering(connection, round_id=round.id, member_id=ann)
        assert found is not None and found.round == round and found.role == "member"
        assert found.answer is not None and (found.answer.colour, found.answer.note) == (
            "amber",
            "n",
        )
        fresh = checkin_answers.answering(connection, round_id=round.id, member_id=bob)
        assert fresh is not None and fresh.answer is None
        stranger = checkin_answers.answering(connection, round_id=round.id, member_id=outsider)
        assert stranger is not None and stranger.role is None
        assert checkin_answers.answering(connection, round_id=round.id + 1, member_id=ann) is None


def test_the_leaders_of_a_group_by_name(engine: Engine, world: World, clock: ManualClock) -> None:
    ann, _, cat = world.members
    with unit_of_work(engine) as connection:
        assert checkins.leaders_of_group(connection, group_id=world.group_id) == []
        for leader in (cat, ann):
            groups.set_role(connection, group_id=world.group_id, member_id=leader, role="leader")
        leaders = checkins.leaders_of_group(connection, group_id=world.group_id)
    assert [(m.id, m.display_name) for m in leaders] == [(ann, "Ann"), (cat, "Cat")]


def test_pairings_preferences_and_erasure(engine: Engine, world: World, clock: ManualClock) -> None:
    ann, bob, cat = world.members
    with unit_of_work(engine) as connection:
        closed = _open(connection, world, clock)
        _answer(connection, closed.id, ann, "red", note="x", clock=clock)
        _answer(connection, closed.id, bob, "green", note="x", clock=clock)
        told = checkin_answers.to_tell(connection, round_id=closed.id)  # Ann asked for help
        checkin_answers.mark_told(connection, round_id=closed.id, told=told)
        checkins.close_round(connection, round_id=closed.id, now=clock.now())
        checkin_pairings.save_pairings(connection, round_id=closed.id, groups=[(ann, bob)])
        assert checkin_pairings.partners_of_member(
            connection, member_id=ann, round_ids=[closed.id]
        ) == {closed.id: ["Bob"]}
        checkin_pairings.set_no_pairing(connection, member_id=cat, no_pairing=True, now=clock.now())
        checkin_pairings.set_no_pairing(connection, member_id=bob, no_pairing=True, now=clock.now())
        checkin_pairings.set_no_pairing(
            connection, member_id=bob, no_pairing=False, now=clock.now()
        )
        assert checkin_pairings.no_pairing(connection, member_ids=[ann, bob, cat]) == {cat}
        current = _open(connection, world, clock)
        _answer(connection, current.id, ann, "red", note="y", clock=clock)
        exported = checkin_personal.export_member(connection, ann)
        answers = exported["answers"]
        assert isinstance(answers, list)
        assert [(a["colour"], a["leaders_told_at"] is not None) for a in answers] == [
            ("red", True),  # her leaders were told, and her export says when
            ("red", False),
        ]
        assert exported["rounds_opened"]  # Ann opened both rounds
        checkin_personal.erase_member(connection, ann)
        told_at = select(ANSWER.c.leaders_told_at).where(ANSWER.c.round_id == closed.id)
        assert connection.execute(told_at).scalars().all() == [None, None]  # detached: no trace
        assert checkin_personal.export_member(connection, ann) == {
            "answers": [],
            "suggested_groups": [],
            "do_not_pair_me": False,
            "rounds_opened": [],
            "weekly_check_ins_set_up": [],
        }
        assert checkin_answers.counts(connection, round_id=closed.id) == {"green": 1, "red": 1}
        assert checkin_answers.counts(connection, round_id=current.id) == {}  # not yet published
        assert checkin_pairings.pairings_of_round(connection, round_id=closed.id) == [
            [(bob, "Bob", None)]
        ]


def test_leaders_are_told_of_each_red_by_name_once_and_of_every_change_after(
    engine: Engine, world: World, clock: ManualClock
) -> None:
    """What the minute's pass reads (through its own partial index, on both databases): a red
    by name not yet told, a told red that changed since, a told red that is red no longer —
    and after `mark_told`, nothing until the next change."""
    ann, bob, cat = world.members

    def to_tell(connection: Connection) -> list[tuple[int, str, bool]]:
        found = checkin_answers.to_tell(connection, round_id=round_id)
        checkin_answers.mark_told(connection, round_id=round_id, told=found)
        return [(answer.member_id, answer.colour, answer.told) for answer in found]

    with unit_of_work(engine) as connection:
        round = _open(connection, world, clock)
        round_id = round.id
        _answer(connection, round.id, ann, "red", note="moles", clock=clock)
        _answer(connection, round.id, bob, "green", note="", clock=clock)
        _answer(connection, round.id, cat, "red", note="", clock=clock, anonymous=True)
        assert to_tell(connection) == [(ann, "red", False)]
        assert to_tell(connection) == []
        clock.advance(timedelta(minutes=1))
        _answer(connection, round.id, ann, "red", note="moles and titrations", clock=clock)
        assert to_tell(connection) == [(ann, "red", True)]
        clock.advance(timedelta(minutes=1))
        _answer(connection, round.id, ann, "green", note="", clock=clock)
        _answer(connection, round.id, bob, "red", note="", clock=clock)
        assert to_tell(connection) == [(ann, "green", True), (bob, "red", False)]
        assert to_tell(connection) == []
        clock.advance(timedelta(minutes=1))
        _answer(connection, round.id, ann, "red", note="", clock=clock)
        assert to_tell(connection) == [(ann, "red", False)]  # the withdrawal was told
