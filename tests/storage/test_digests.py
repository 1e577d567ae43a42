"""Digest figures on a small fixed data set, against hand-computed expectations, on both
databases: network and group figures, week-on-week change, suppression, disengaging schools,
quieter members, the CSV matching the chat figures, the chart being a PNG, and weekly delivery
(one timer per recipient, planned again when the network's time zone changes)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.scheduler import run_due_timers
from bot.digests.build import build_digest
from bot.digests.chart import engagement_chart
from bot.digests.chat import digest_reply
from bot.digests.files import to_csv
from bot.digests.health import Health
from bot.digests.weekly import KIND, SEND_KIND
from bot.digests.weeks import Week
from bot.kernel.dispatcher import first_contact
from bot.kernel.events import Actor, ChannelActivity, Command, Place
from bot.kernel.replies import Attachment
from storage import activity, calendar, directory, groups, networks, timers
from storage.groups import ChannelRecord
from storage.networks import NetworkRecord
from storage.outbox import OUTBOX
from storage.timers import TIMER
from storage.uow import unit_of_work

WEEK = Week(2026, 46)  # Mon 9 Nov - Sun 15 Nov 2026
CREATED = datetime(2026, 9, 1, tzinfo=UTC)


class Fixture:
    """Two groups, four schools; hand-placed messages."""

    def __init__(self, app: Staffroom) -> None:
        self.app = app
        with app.core.transaction() as ctx:
            c = ctx.connection
            self.network = networks.create_network(
                c, name="Solent", timezone="Europe/London", now=CREATED
            )
            networks.bind_workspace(
                c, network_id=self.network.id, platform="console", external_id="w", now=CREATED
            )
            self.schools = [
                directory.add_school(
                    c, network_id=self.network.id, name=n, name_key=n.lower(), now=CREATED
                ).id
                for n in ("Ridgeway", "Harbour", "Castle", "Oakwood")
            ]
            self.chem = groups.create_group(
                c,
                network_id=self.network.id,
                name="Chemistry",
                name_key="chemistry",
                description="",
                now=CREATED,
            ).id
            self.drama = groups.create_group(
                c,
                network_id=self.network.id,
                name="Drama",
                name_key="drama",
                description="",
                now=CREATED,
            ).id
            self.people: dict[str, int] = {}
            for name, school in (
                ("Ann", 0),
                ("Bob", 1),
                ("Cat", 2),
                ("Dan", 0),
                ("Eve", 3),
                ("Fay", 1),
            ):
                member = first_contact(
                    c,
                    self.network,
                    Actor("console", "w", name.lower(), name),
                    CREATED,
                    school_id=self.schools[school],
                )
                self.people[name] = member.id
            fran = first_contact(
                c, self.network, Actor("console", "w", "fran", "Fran"), CREATED, is_facilitator=True
            )
            self.people["Fran"] = fran.id
            for name in ("Ann", "Bob", "Cat", "Dan"):
                groups.add_membership(
                    c,
                    group_id=self.chem,
                    member_id=self.people[name],
                    role=groups.LEADER if name == "Ann" else groups.MEMBER_ROLE,
                    now=CREATED,
                )
            for name in ("Eve", "Fay"):
                groups.add_membership(
                    c,
                    group_id=self.drama,
                    member_id=self.people[name],
                    role=groups.MEMBER_ROLE,
                    now=CREATED,
                )

    def messages(self, name: str, group: int, day: date, count: int = 1) -> None:
        with self.app.core.transaction() as ctx:
            member = directory.get_member(ctx.connection, member_id=self.people[name])
            assert member is not None
            activity.count_message(
                ctx.connection,
                network_id=self.network.id,
                group_id=group,
                member_id=member.id,
                school_id=member.school_id,
                day=day,
                messages=count,
            )

    def digest(self, **options: object):  # type: ignore[no-untyped-def]
        with unit_of_work(self.app.core.engine) as connection:
            network = networks.get_network(connection, network_id=self.network.id)
            assert network is not None
            return build_digest(connection, network, WEEK, **options)  # type: ignore[arg-type]


@pytest.fixture
def data(app_factory: Callable[[str], Staffroom], database_url: str) -> Fixture:
    fixture = Fixture(app_factory(database_url))
    monday = WEEK.first
    # This week: Ann 3 + 2, Bob 4, Cat 1 in Chemistry; Eve 5 in Drama (alone: suppressed).
    fixture.messages("Ann", fixture.chem, monday, 3)
    fixture.messages("Ann", fixture.chem, monday + timedelta(days=2), 2)
    fixture.messages("Bob", fixture.chem, monday + timedelta(days=1), 4)
    fixture.messages("Cat", fixture.chem, monday + timedelta(days=6), 1)
    fixture.messages("Eve", fixture.drama, monday + timedelta(days=3), 5)
    # The week before: Ann and Dan in Chemistry.
    fixture.messages("Ann", fixture.chem, monday - timedelta(days=3), 2)
    fixture.messages("Dan", fixture.chem, monday - timedelta(days=5), 1)
    # Five weeks before: busier Chemistry (so this month reads as drifting), Fay in Drama.
    for n in range(8):
        fixture.messages("Bob", fixture.chem, monday - timedelta(weeks=5, days=n % 5), 5)
    fixture.messages("Fay", fixture.drama, monday - timedelta(weeks=6), 2)
    return fixture


def test_network_and_group_figures(data: Fixture) -> None:
    digest = data.digest()
    assert digest.active_members.value == 4  # Ann, Bob, Cat, Eve
    assert digest.active_members_before.value is None  # only Ann and Dan: fewer than 3
    assert digest.active_schools.value == 4 and digest.messages.value == 15
    assert digest.schools_total == 4
    chem = next(g for g in digest.groups if g.name == "Chemistry")
    assert (chem.active_members.value, chem.schools.value, chem.messages.value) == (3, 3, 10)
    assert chem.health is Health.DRIFTING and "last 4 weeks 13, the 4 before 40" in chem.evidence
    assert [g.name for g in digest.groups] == ["Chemistry", "Drama"]  # ranked by engagement


def test_figures_about_fewer_than_k_people_are_hidden_everywhere(data: Fixture) -> None:
    digest = data.digest()
    drama = next(g for g in digest.groups if g.name == "Drama")
    assert (
        drama.active_members.value is None
        and drama.messages.value is None
        and drama.schools.value is None
    )
    assert set(drama.weekly_engagement) <= {None, 0} and None in drama.weekly_engagement
    assert "fewer than 3 members active" in drama.evidence
    reply = digest_reply(digest, chart=None, leader_view=False)
    text = " ".join(getattr(b, "text", "") for b in reply.blocks)
    assert "Drama** — " in text and "details hidden" in text and "5 messages" not in text


def test_csv_parses_and_matches_the_chat_figures(data: Fixture) -> None:
    digest = data.digest()
    rows = list(csv.DictReader(io.StringIO(to_csv(digest))))
    chem = next(r for r in rows if r["group"] == "Chemistry")
    drama = next(r for r in rows if r["group"] == "Drama")
    assert (chem["active_members"], chem["schools"], chem["messages"], chem["health"]) == (
        "3",
        "3",
        "10",
        "drifting",
    )
    assert drama["messages"] == "suppressed" and chem["week"] == "2026-W46"
    attached = next(
        b
        for b in digest_reply(digest, chart=None, leader_view=False).blocks
        if isinstance(b, Attachment)
    )
    assert attached.data.decode() == to_csv(digest)


def test_the_chart_is_a_png(data: Fixture) -> None:
    png = engagement_chart(data.digest())
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 800 and height > 100


def test_schools_without_activity_for_three_weeks_are_flagged(data: Fixture) -> None:
    assert data.digest().disengaging == ()  # every school was active this week
    # Four weeks on, nobody has written since: all four schools are flagged.
    with unit_of_work(data.app.core.engine) as connection:
        network = networks.get_network(connection, network_id=data.network.id)
        assert network is not None
        digest = build_digest(connection, network, WEEK.shifted(4))
    assert {flag.name for flag in digest.disengaging} == {
        "Ridgeway",
        "Harbour",
        "Castle",
        "Oakwood",
    }


def test_leaders_see_quieter_members_of_their_groups(data: Fixture) -> None:
    this_week = data.digest(group_ids=[data.chem], with_quieter_members=True)
    assert this_week.groups[0].quieter == ()  # everyone in Chemistry was active within 4 weeks
    with unit_of_work(data.app.core.engine) as connection:
        network = networks.get_network(connection, network_id=data.network.id)
        assert network is not None
        later = build_digest(
            connection, network, WEEK.shifted(3), group_ids=[data.chem], with_quieter_members=True
        )
    # Three weeks on, Dan's last message (the week before WEEK) is more than 4 weeks old.
    assert later.groups[0].quieter == ("Dan (Ridgeway)",)


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
