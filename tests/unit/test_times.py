"""Times: reading what people type, local times across Europe/London's clock changes, and
weekly recurrence that keeps its wall-clock time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kernel.refusals import Refusal
from bot.parsing.times import next_weekly, parse_time_of_day, parse_weekday, show_time, to_utc

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("08:30", time(8, 30)),
        ("8.30", time(8, 30)),
        ("4pm", time(16)),
        ("12am", time(0)),
        ("4:15PM", time(16, 15)),
    ],
)
def test_times_of_day(typed: str, expected: time) -> None:
    assert parse_time_of_day(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "13pm", "noonish", "8:61"])
def test_bad_times_are_refused_with_the_forms_to_use(typed: str) -> None:
    with pytest.raises(Refusal):
        parse_time_of_day(typed)


def test_weekdays() -> None:
    assert [parse_weekday(w) for w in ("Monday", "mon", "TUES", "Sundays")] == [0, 0, 1, 6]
    with pytest.raises(Refusal, match="isn't a day of the week"):
        parse_weekday("Funday")


def test_a_time_the_clocks_skip_is_refused() -> None:
    with pytest.raises(Refusal, match="clocks go forward"):
        to_utc(date(2027, 3, 28), time(1, 30), LONDON)


def test_a_time_that_happens_twice_is_refused() -> None:
    with pytest.raises(Refusal, match="happens twice"):
        to_utc(date(2026, 10, 25), time(1, 30), LONDON)


def test_summer_and_winter_offsets() -> None:
    assert to_utc(date(2026, 7, 6), time(16), LONDON) == datetime(2026, 7, 6, 15, tzinfo=UTC)
    assert to_utc(date(2026, 12, 3), time(16), LONDON) == datetime(2026, 12, 3, 16, tzinfo=UTC)


def test_weekly_recurrence_keeps_local_time_across_both_changes() -> None:
    # Monday 08:30 in London, from mid-October 2026 to April 2027.
    instant = datetime(2026, 10, 12, 7, 30, tzinfo=UTC)
    seen = []
    for _ in range(30):
        instant = next_weekly(instant, 0, time(8, 30), LONDON)
        local = instant.astimezone(LONDON)
        seen.append((local.weekday(), local.hour, local.minute))
    assert set(seen) == {(0, 8, 30)}
    assert datetime(2026, 10, 26, 8, 30, tzinfo=UTC) == next_weekly(
        datetime(2026, 10, 20, tzinfo=UTC), 0, time(8, 30), LONDON
    )
    assert datetime(2027, 3, 29, 7, 30, tzinfo=UTC) == next_weekly(
        datetime(2027, 3, 23, tzinfo=UTC), 0, time(8, 30), LONDON
    )


@given(
    st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
    st.integers(0, 6),
)
def test_next_weekly_is_always_later_and_within_a_week(after: datetime, weekday: int) -> None:
    result = next_weekly(after, weekday, time(8, 30), LONDON)
    assert after < result <= after + (result - after)
    assert (result - after).days <= 7
    assert result.astimezone(LONDON).weekday() == weekday


def test_times_are_shown_in_the_readers_zone() -> None:
    instant = datetime(2026, 12, 3, 16, tzinfo=UTC)
    assert show_time(instant, LONDON) == "Thu 3 Dec, 16:00"
    assert (
        show_time(instant, ZoneInfo("America/New_York"), with_zone=True) == "Thu 3 Dec, 11:00 EST"
    )
