"""Weekly digest delivery on both databases: one timer per recipient on Monday morning in the
network's time zone, planned again when the zone changes, none in a holiday, and activity counted
by local day across the clock change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.scheduler import run_due_timers
from bot.digests.build import build_digest
from bot.digests.weekly import KIND, SEND_KIND
from bot.digests.weeks import Week
from bot.kernel.events import Actor, ChannelActivity, Command, Place
from storage import calendar, groups, networks, timers
from storage.groups import ChannelRecord
from storage.networks import NetworkRecord
from storage.outbox import OUTBOX
from storage.timers import TIMER
from storage.uow import unit_of_work
from tests.storage.digest_world import Fixture, filled_fixture


@pytest.fixture
def data(app_factory: Callable[[str], Staffroom], database_url: str) -> Fixture:
    return filled_fixture(app_factory(database_url))


def _network(app: Staffroom, network_id: int) -> NetworkRecord:
    with unit_of_work(app.core.engine) as connection:
        found = networks.get_network(connection, network_id=network_id)
    assert found is not None
    return found


def test_weekly_digest_goes_to_facilitators_and_leaders_on_monday_morning(
    data: Fixture, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))  # Monday 07:00 GMT
    run_due_timers(data.app.core)  # the keeper schedules Monday 07:30
    with unit_of_work(data.app.core.engine) as connection:
        assert connection.execute(OUTBOX.select()).first() is None
    clock.advance(timedelta(minutes=30))
    run_due_timers(data.app.core)
    with unit_of_work(data.app.core.engine) as connection:
        keys = sorted(row.key for row in connection.execute(OUTBOX.select()))
    assert keys == [
        f"digest:{data.network.id}:2026-W48:facilitator:{data.people['Fran']}",
        f"digest:{data.network.id}:2026-W48:leader:{data.people['Ann']}",
    ]
    # Each audience's digest was built in a transaction of its own, by a timer of its own.
    with unit_of_work(data.app.core.engine) as connection:
        sends = connection.execute(
            select(TIMER.c.ref, TIMER.c.status).where(TIMER.c.kind == SEND_KIND)
        ).all()
    assert sorted(tuple(row) for row in sends) == [
        ("facilitators", timers.DONE),
        (f"leader:{data.people['Ann']}", timers.DONE),
    ]
    clock.advance(timedelta(days=1))
    run_due_timers(data.app.core)  # nothing is sent twice
    with unit_of_work(data.app.core.engine) as connection:
        assert len(connection.execute(OUTBOX.select()).all()) == 2


def _pending_digests(data: Fixture) -> list[datetime]:
    with unit_of_work(data.app.core.engine) as connection:
        pending = timers.pending_timers(connection, kind=KIND, ref=str(data.network.id))
    return [timer.due_at for timer in pending]


def _facilitator_types(data: Fixture, text: str) -> str:
    where = Place("console", "w", channel="general")
    reply = data.app.core.handle_now(Command(Actor("console", "w", "fran", "Fran"), where, text))
    assert reply is not None
    return reply.fallback_text()


def test_a_new_time_zone_moves_the_next_digest_to_its_local_time(
    data: Fixture, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))  # Monday 07:00 in London
    run_due_timers(data.app.core)
    assert _pending_digests(data) == [datetime(2026, 11, 30, 7, 30, tzinfo=UTC)]
    said = _facilitator_types(data, "network timezone America/New_York")
    assert "Times are now shown in America/New_York" in said
    # 07:30 in New York is 12:30 UTC, later the same day.
    assert _pending_digests(data) == [datetime(2026, 11, 30, 12, 30, tzinfo=UTC)]
    _facilitator_types(data, "network timezone Europe/London")
    assert _pending_digests(data) == [datetime(2026, 11, 30, 7, 30, tzinfo=UTC)]
    clock.advance(timedelta(minutes=30))
    run_due_timers(data.app.core)
    with unit_of_work(data.app.core.engine) as connection:
        assert len(connection.execute(OUTBOX.select()).all()) == 2  # once, at 07:30 London


def test_the_keeper_plans_again_when_the_zone_changed_behind_its_back(
    data: Fixture, clock: ManualClock
) -> None:
    """Another replica, or the operator's `staffroom network` command, changed the zone: the
    hourly keeper notices the scheduled instant is no longer 07:30 local time."""
    clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))
    run_due_timers(data.app.core)
    with data.app.core.transaction() as ctx:
        networks.set_network_settings(
            ctx.connection, network_id=data.network.id, timezone="Asia/Tokyo"
        )
    clock.advance(timedelta(hours=1))
    run_due_timers(data.app.core)
    # Monday 07:30 in Tokyo (UTC+9) has passed; the next is the Monday after.
    assert _pending_digests(data) == [datetime(2026, 12, 6, 22, 30, tzinfo=UTC)]


def test_no_digest_in_a_holiday(data: Fixture, clock: ManualClock) -> None:
    with data.app.core.transaction() as ctx:
        calendar.add_period(
            ctx.connection,
            network_id=data.network.id,
            kind=calendar.HOLIDAY,
            name="Half term",
            starts_on=date(2026, 11, 30),
            ends_on=date(2026, 12, 4),
            now=ctx.now,
        )
    clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))
    run_due_timers(data.app.core)
    clock.advance(timedelta(hours=1))
    run_due_timers(data.app.core)
    with unit_of_work(data.app.core.engine) as connection:
        assert connection.execute(OUTBOX.select()).first() is None


def test_activity_is_counted_by_local_day_across_the_clock_change(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    data = Fixture(app_factory(database_url))
    with data.app.core.transaction() as ctx:
        groups.link_channel(
            ctx.connection,
            group_id=data.chem,
            channel=ChannelRecord("console", "w", "chem", "chem"),
            now=ctx.now,
        )
    chem = Place("console", "w", channel="chem")
    core = data.app.core
    # 23:30 UTC on Sunday 18 Oct is 00:30 BST on Monday 19 Oct: week 43, not 42.
    for name, at in (
        ("ann", datetime(2026, 10, 18, 23, 30, tzinfo=UTC)),
        ("bob", datetime(2026, 10, 25, 23, 30, tzinfo=UTC)),  # 23:30 GMT Sunday: still week 43
        ("cat", datetime(2026, 10, 19, 0, 30, tzinfo=UTC)),
    ):
        core.handle_now(ChannelActivity(Actor("console", "w", name, name.title()), chem, at))
    with unit_of_work(core.engine) as connection:
        network = networks.get_network(connection, network_id=data.network.id)
        assert network is not None
        week43 = build_digest(connection, network, Week(2026, 43))
        week42 = build_digest(connection, network, Week(2026, 42))
    assert week43.active_members.value == 3 and week43.messages.value == 3
    assert week42.active_members.value is None and week42.messages.value is None
