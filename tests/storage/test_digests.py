"""Digest figures on a small fixed data set, against hand-computed expectations, on both
databases: network and group figures, week-on-week change, suppression, disengaging schools,
quieter members, the CSV matching the chat figures and the chart being a PNG."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from bot.app import Staffroom
from bot.digests.build import build_digest
from bot.digests.chart import engagement_chart
from bot.digests.chat import digest_reply
from bot.digests.files import to_csv
from bot.digests.health import Health
from bot.kernel.replies import Attachment
from storage import networks
from storage.uow import unit_of_work
from tests.storage.digest_world import WEEK, Fixture, filled_fixture


@pytest.fixture
def data(app_factory: Callable[[str], Staffroom], database_url: str) -> Fixture:
    return filled_fixture(app_factory(database_url))


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
