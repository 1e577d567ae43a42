"""`staffroom demo generate` writes a synthetic network in bulk (both databases): members who can
be found by their identity, one leader per group, and history in which the last school has
gone quiet — the same network for the same seed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from bot.delivery.clock import ManualClock
from bot.demo.synthetic import GeneratedNetwork, generate_network
from bot.parsing.names import name_key
from storage import digests, directory, groups
from storage.uow import unit_of_work

WEEKS = 6


def _generate(engine: Engine, clock: ManualClock, name: str) -> GeneratedNetwork:
    with unit_of_work(engine) as connection:
        return generate_network(
            connection,
            name=name,
            schools=5,
            group_count=4,
            members=60,
            weeks=WEEKS,
            now=clock.now(),
        )


def test_a_synthetic_network_has_people_leaders_and_history(
    engine: Engine, clock: ManualClock
) -> None:
    made = _generate(engine, clock, "Trust")
    today = clock.now().date()
    with unit_of_work(engine) as connection:
        network_id = made.network_id
        assert len(directory.facilitators(connection, network_id=network_id)) == 2
        someone = directory.member_for_identity(
            connection, platform="console", workspace=f"synthetic-{network_id}", user_id="m1"
        )
        assert someone is not None and someone.school_name is not None
        listed = groups.list_groups(connection, network_id=network_id)
        assert len(listed) == made.groups == 4
        for group in listed:
            roles = [m.role for m in groups.group_members(connection, group_id=group.group.id)]
            assert roles.count(groups.LEADER) == 1
        rows = digests.activity_rows(
            connection, network_id=network_id, first=today - timedelta(weeks=WEEKS), last=today
        )
        assert len(rows) == made.activity_rows > 0
        quiet = directory.find_school(
            connection,
            network_id=network_id,
            name_key=name_key(made.disengaging_school),
        )
        assert quiet is not None
        recent = [r for r in rows if r.day > today - timedelta(days=28)]
        assert recent and all(r.school_id != quiet.id for r in recent)


def test_the_same_seed_gives_the_same_network(engine: Engine, clock: ManualClock) -> None:
    first, second = _generate(engine, clock, "One"), _generate(engine, clock, "Two")
    assert first.activity_rows == second.activity_rows
