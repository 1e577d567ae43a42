"""Numbers people type, wherever they type them — ids, dates, weeks, times of day, lengths of
time, meeting lines, check-in schedules: whatever the digits, each parser reads a value the bot
can go on to compute and store with (ids of at most nine digits, dates within five years of
today, lengths of at most a year), or refuses kindly. Nothing raises anything but a Refusal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.checkins.parsing import parse_schedule as parse_checkin_schedule
from bot.checkins.parsing import split_closing
from bot.digests.weeks import parse_week, week_named
from bot.kernel.refusals import Refusal
from bot.meetings.grammar import parse_schedule as parse_meeting
from bot.meetings.planning import plan_sessions
from bot.parsing.dates import YEARS_AROUND, parse_date, take_date
from bot.parsing.durations import LONGEST, parse_duration
from bot.parsing.numbers import id_in, whole_number
from bot.parsing.times import parse_time_of_day

TODAY = date(2026, 11, 23)
LONDON = ZoneInfo("Europe/London")
T = TypeVar("T")

# Digits of any length (int() gives up past 4,300), numbers around the edges of what dates and
# databases hold, other scripts' digits, and plain text.
digits = st.text("0123456789", min_size=1, max_size=5000)
edges = st.sampled_from(["0", "00", "1", "12", "53", "9999", "10000", "2147483648", "٣", "²"])
numbers = st.one_of(st.integers(0, 10**25).map(str), edges, digits)
months = st.sampled_from(["Dec", "January", "sept", "feb"])
dates_typed = st.one_of(
    st.builds("{}-{}-{}".format, numbers, numbers, numbers),
    st.builds("{}/{}/{}".format, numbers, numbers, numbers),
    st.builds("{} {} {}".format, numbers, months, numbers),
    st.builds("{} {}".format, numbers, months),
    st.text(max_size=30),
)
weeks_typed = st.one_of(
    st.builds("{}-W{}".format, numbers, numbers),
    st.builds("W{}".format, numbers),
    st.sampled_from(["last", "this week", "", "fortnight"]),
    dates_typed,
)
units = st.sampled_from(["m", "h", "d", "w", "weeks", "minutes", "fortnights"])
lengths_typed = st.one_of(
    st.lists(st.builds("{}{}".format, numbers, units), min_size=1, max_size=6).map(" ".join),
    st.text(max_size=20),
)
times_typed = st.one_of(
    st.builds("{}:{}".format, numbers, numbers),
    st.builds("{}{}".format, numbers, st.sampled_from(["am", "pm", " pm", ""])),
    st.text(max_size=12),
)


def read_kindly(parse: Callable[[], T]) -> T | None:
    """What `parse` read, or None when it refused — kindly, and with nothing but a Refusal."""
    try:
        return parse()
    except Refusal as refusal:
        assert refusal.message
        return None


@given(st.one_of(numbers, st.builds("#{}".format, numbers), st.text(max_size=20)))
def test_a_typed_number_is_an_id_that_fits_any_database_or_none(typed: str) -> None:
    number = whole_number(typed)
    assert number is None or 0 <= number < 2**31
    assert id_in(typed) == (-1 if number is None else number)


@given(dates_typed)
def test_a_date_is_near_today_or_refused(typed: str) -> None:
    day = read_kindly(lambda: parse_date(typed, today=TODAY))
    assert day is None or abs(day.year - TODAY.year) <= YEARS_AROUND


@given(st.lists(st.one_of(numbers, months, st.sampled_from(["to", "16:00"])), max_size=4))
def test_taking_a_date_from_words_reads_one_near_today_or_refuses(words: list[str]) -> None:
    found = read_kindly(lambda: take_date(words, 0, today=TODAY))
    if found is not None:
        assert abs(found[0].year - TODAY.year) <= YEARS_AROUND and found[1] <= len(words)


@given(weeks_typed)
def test_a_week_is_one_a_digest_can_be_built_for_or_refused(typed: str) -> None:
    week = read_kindly(lambda: parse_week(typed, TODAY))
    if week is not None:
        week.bounds(LONDON)  # a digest reads the week's instants…
        week.shifted(-8).bounds(LONDON)  # …and eight weeks before it


@given(weeks_typed)
def test_text_that_names_no_week_is_left_for_a_group_name(typed: str) -> None:
    week = read_kindly(lambda: week_named(typed, TODAY))
    assert week is None or abs(week.year - TODAY.year) <= YEARS_AROUND + 1


@given(times_typed)
def test_a_time_of_day_is_read_or_refused_without_echoing_long_text(typed: str) -> None:
    try:
        parse_time_of_day(typed)
    except Refusal as refusal:
        assert typed.strip()[:21] not in refusal.message or len(typed.strip()) <= 20


@given(lengths_typed)
def test_a_length_of_time_is_at_most_a_year_or_refused(typed: str) -> None:
    length = read_kindly(lambda: parse_duration(typed))
    if length is not None:
        assert timedelta(0) < length <= LONGEST
        datetime(TODAY.year + YEARS_AROUND, 12, 31, tzinfo=UTC) + length  # no overflow


def test_thousands_of_parts_are_refused_before_they_overflow() -> None:
    with pytest.raises(Refusal, match="more than a year"):
        parse_duration("99999w " * 2000)


@given(st.builds("How is it going? closing in {}".format, lengths_typed))
def test_a_closing_time_is_read_or_refused(typed: str) -> None:
    read = read_kindly(lambda: split_closing(typed))
    assert read is None or read[1] is None or read[1] <= LONGEST


@given(st.builds("{} {} {}".format, st.sampled_from(["Monday", "Fri"]), times_typed, st.text()))
def test_a_weekly_check_in_schedule_is_read_or_refused(typed: str) -> None:
    read = read_kindly(lambda: parse_checkin_schedule(typed))
    assert read is None or (0 <= read[0] <= 6 and isinstance(read[1], time))


clauses = st.one_of(
    st.builds("for {}".format, lengths_typed),
    st.builds("every {} weeks".format, numbers),
    st.builds("{} times".format, numbers),
    st.builds("until {}".format, dates_typed),
    st.builds("remind {}".format, lengths_typed),
)


@given(dates_typed, times_typed, st.lists(clauses, max_size=3))
def test_a_meeting_line_gives_sessions_that_can_be_computed_or_is_refused(
    day: str, at: str, more: list[str]
) -> None:
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    request = read_kindly(
        lambda: parse_meeting(f'"Twilight" {day} {at} {" ".join(more)}', today=TODAY)
    )
    if request is None:
        return
    assert abs(request.day.year - TODAY.year) <= YEARS_AROUND
    assert request.rule.count is None or 1 <= request.rule.count <= 52
    plan = read_kindly(
        lambda: plan_sessions(request, zone=LONDON, now=now, holiday_on=lambda _: None)
    )
    assert plan is None or all(s.ends_at > s.starts_at > now for s in plan.sessions)
