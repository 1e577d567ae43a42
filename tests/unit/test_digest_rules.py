"""The digest's pure rules: health at its boundaries, and reading weeks (including a week with
a clock change)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digests.health import Health, classify
from bot.digests.weeks import Week, last_full_week, parse_week
from bot.kernel.refusals import Refusal

END = date(2026, 11, 22)
OLD = date(2026, 1, 5)


def verdict(weekly: list[int], created: date = OLD) -> Health:
    return classify(created_on=created, week_last_day=END, weekly=weekly)[0]


def test_new_groups_for_four_weeks() -> None:
    assert verdict([0] * 8, created=date(2026, 10, 26)) is Health.NEW
    assert verdict([5] * 8, created=date(2026, 10, 25)) is Health.STEADY


def test_stale_after_three_silent_weeks() -> None:
    assert verdict([9, 9, 9, 9, 9, 0, 0, 0]) is Health.STALE
    assert verdict([9, 9, 9, 9, 9, 1, 0, 0]) is not Health.STALE


def test_drifting_below_sixty_percent_and_growing_from_one_twenty_five() -> None:
    assert verdict([10, 10, 10, 10, 6, 6, 6, 5]) is Health.DRIFTING  # 23/40 = 57.5%
    assert verdict([10, 10, 10, 10, 6, 6, 6, 6]) is Health.STEADY  # exactly 60%
    assert verdict([10, 10, 10, 10, 12, 12, 13, 13]) is Health.GROWING  # exactly 125%
    assert verdict([10, 10, 10, 10, 12, 12, 12, 13]) is Health.STEADY  # 122.5%


def test_evidence_gives_the_figures() -> None:
    _, evidence = classify(created_on=OLD, week_last_day=END, weekly=[10, 10, 10, 10, 5, 5, 5, 5])
    assert evidence == "last 4 weeks 20, the 4 before 40 (-50%)"


@given(st.lists(st.integers(0, 500), min_size=8, max_size=8))
def test_every_series_gets_exactly_one_verdict_with_evidence(weekly: list[int]) -> None:
    health, evidence = classify(created_on=OLD, week_last_day=END, weekly=weekly)
    assert health in Health and str(sum(weekly[4:])) in evidence


def test_weeks_people_type() -> None:
    today = date(2026, 11, 26)  # a Thursday in 2026-W48
    assert parse_week("", today) == parse_week("last", today) == Week(2026, 47)
    assert parse_week("this", today) == Week(2026, 48)
    assert parse_week("2026-W05", today) == parse_week("w5", today) == Week(2026, 5)
    assert parse_week("2026-11-18", today) == Week(2026, 47)
    assert last_full_week(date(2027, 1, 4)) == Week(2026, 53)
    with pytest.raises(Refusal, match="has no week 54"):
        parse_week("2026-W54", today)
    with pytest.raises(Refusal, match="ISO week like"):
        parse_week("fortnight", today)


def test_a_week_with_the_october_change_is_169_hours_long() -> None:
    start, end = Week(2026, 43).bounds(ZoneInfo("Europe/London"))
    assert start == datetime(2026, 10, 18, 23, 0, tzinfo=UTC)  # Monday 00:00 BST
    assert end == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)  # Monday 00:00 GMT
    assert (end - start).total_seconds() == 169 * 3600
