"""The one-line schedule grammar and the date reader: the issue's example, every kind of bad
input it lists, and properties — any line the bot writes reads back the same, and no input
makes the parser fail other than with a kind refusal."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.kernel.refusals import Refusal
from bot.meetings.grammar import parse_schedule, to_line
from bot.meetings.recurrence import Rule, nth_of
from bot.meetings.request import MeetingRequest
from bot.parsing.dates import parse_date
from storage.meetings import MONTHLY, ONCE, WEEKLY

TODAY = date(2026, 11, 23)
LAST_READABLE_DAY = date(TODAY.year + 5, 12, 31)


def test_the_example_from_the_issue() -> None:
    request = parse_schedule(
        '"Moderation twilight" 2026-12-03 16:00 for 90m every 2 weeks until 2027-03-25 '
        'at "Ridgeway School, room 4" remind 1d,1h',
        today=TODAY,
    )
    assert request == MeetingRequest(
        title="Moderation twilight",
        day=date(2026, 12, 3),
        at=time(16, 0),
        length=timedelta(minutes=90),
        rule=Rule(WEEKLY, interval=2, until=date(2027, 3, 25)),
        place="Ridgeway School, room 4",
        reminders=(timedelta(days=1), timedelta(hours=1)),
    )


def test_defaults_are_an_hour_and_reminders_a_day_and_an_hour_before() -> None:
    request = parse_schedule("Exam debrief 3 Dec 2026 4pm", today=TODAY)
    assert request.title == "Exam debrief"
    assert (request.day, request.at) == (date(2026, 12, 3), time(16))
    assert request.length == timedelta(hours=1)
    assert request.reminders == (timedelta(days=1), timedelta(hours=1))
    assert request.rule == Rule(ONCE)


@pytest.mark.parametrize(
    ("clause", "rule"),
    [
        ("every week", Rule(WEEKLY)),
        ("weekly", Rule(WEEKLY)),
        ("every Thursday", Rule(WEEKLY)),
        ("fortnightly", Rule(WEEKLY, interval=2)),
        ("every fortnight 6 times", Rule(WEEKLY, interval=2, count=6)),
        ("monthly", Rule(MONTHLY, nth=1)),
        (
            "monthly on the first Thursday until 2027-06-30",
            Rule(MONTHLY, nth=1, until=date(2027, 6, 30)),
        ),
    ],
)
def test_repeats(clause: str, rule: Rule) -> None:
    assert parse_schedule(f"Network 2026-12-03 16:00 {clause}", today=TODAY).rule == rule


def test_a_place_and_an_online_link_together() -> None:
    request = parse_schedule(
        'Twilight 2026-12-03 16:00 at "Room 4" online https://meet.example/chem?x=1 remind none',
        today=TODAY,
    )
    assert request.place == "Room 4"
    assert request.link == "https://meet.example/chem?x=1"
    assert request.reminders == ()


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("Twilight 2027-02-31 16:00", "February 2027 has 28 days"),
        ("Twilight 31 February 2027 16:00", "February 2027 has 28 days"),
        ("Twilight 03/04/2027 16:00", "could be 3 April 2027 (day first"),
        ("Twilight 03/04/2027 16:00", "`2027-04-03`"),
        ("Twilight 2026-12-03 16:00 for 0m", "zero"),
        ("Twilight 2026-12-03 16:00 for 13h", "at most 12 hours"),
        ("Twilight 2026-12-03 16:00 every week remind 1h after", "can't be after the start"),
        ("Twilight 2026-12-03 16:00 remind -30m", "can't be after the start"),
        ("Twilight 2026-12-03 16:00 online ftp://files.example/x", "must start with `https://`"),
        ("Twilight 2026-12-03 16:00 at javascript://alert(1)", "must start with `https://`"),
        ("Twilight 2026-12-03 16:00 until 2027-01-01", "only makes sense for a repeating meeting"),
        ("Twilight 2026-12-03 16:00 every week until 2026-11-30", "ends (Mon 30 Nov 2026) before"),
        ("Twilight 2026-12-03 16:00 every week 60 times", "1 to 52 sessions"),
        ("Twilight 2026-12-03 16:00 every 2 months", "can repeat `every week`"),
        ("Twilight 2026-12-03 16:00 every ² weeks", "can repeat `every week`"),
        ("Twilight 2026-12-03 16:00 every week ² times", "I didn't understand “²”"),
        ("Twilight 2026-12-03 16:00 every Monday", "is a Thursday"),
        ("Twilight 2026-12-03 16:00 monthly on the second Thursday", "isn't the second Thursday"),
        ("Twilight 2026-12-03 16:00 for 1h for 2h", "length twice"),
        ("Twilight 2026-12-03", "What time"),
        ("Twilight 2026-12-03 teatime", "isn't a time I can read"),
        ("2026-12-03 16:00", "Please give a title"),
        ("Twilight 16:00", "Please give a title, a date and a time"),
        ("Twilight 2026-12-03 16:00 bring biscuits", "I didn't understand “bring”"),
    ],
)
def test_bad_input_is_refused_with_what_to_type(line: str, says: str) -> None:
    with pytest.raises(Refusal) as refused:
        parse_schedule(line, today=TODAY)
    assert says in refused.value.message


# --- properties ---------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéñüøç-&"
_words = st.text(alphabet=_LETTERS, min_size=1, max_size=10)
_phrase = st.lists(_words, min_size=1, max_size=4).map(" ".join)
_offsets = st.sets(st.integers(1, 28 * 24 * 60), max_size=4).map(
    lambda minutes: tuple(timedelta(minutes=m) for m in sorted(minutes, reverse=True))
)


@st.composite
def requests(draw: st.DrawFn) -> MeetingRequest:
    day = draw(st.dates(date(2027, 1, 1), date(2030, 12, 31)))
    freq = draw(st.sampled_from([ONCE, WEEKLY, MONTHLY]))
    rule = Rule(freq)
    if freq == WEEKLY:
        rule = Rule(WEEKLY, interval=draw(st.integers(1, 4)))
    if freq == MONTHLY:
        rule = Rule(MONTHLY, nth=nth_of(day))
    if freq != ONCE:
        end = draw(st.sampled_from(["none", "until", "count"]))
        if end == "until":
            rule = Rule(
                rule.freq,
                rule.interval,
                rule.nth,
                # Within the years the parser reads (five either side of today), as the bot's
                # own lines always are.
                until=min(day + timedelta(days=draw(st.integers(0, 400))), LAST_READABLE_DAY),
            )
        if end == "count":
            rule = Rule(rule.freq, rule.interval, rule.nth, count=draw(st.integers(1, 52)))
    return MeetingRequest(
        title=draw(_phrase),
        day=day,
        at=draw(st.times()).replace(second=0, microsecond=0),
        length=timedelta(minutes=draw(st.integers(1, 720))),
        rule=rule,
        place=draw(st.one_of(st.just(""), _phrase)),
        link=draw(
            st.one_of(
                st.just(""),
                st.from_regex(r"https://[a-z]{1,12}\.example/[a-z0-9]{0,12}", fullmatch=True),
            )
        ),
        reminders=draw(_offsets),
        group=draw(st.one_of(st.just(""), _phrase)),
    )


@given(requests())
@example(  # a name in quotes is a name, even when it is one of the grammar's words
    MeetingRequest(
        title="A",
        day=date(2027, 1, 1),
        at=time(0, 0),
        length=timedelta(minutes=1),
        rule=Rule(ONCE),
        group="EVERY",
        place="at",
    )
)
def test_any_line_the_bot_writes_reads_back_the_same(request: MeetingRequest) -> None:
    assert parse_schedule(to_line(request), today=TODAY) == request


@given(st.text(max_size=120))
def test_any_text_is_read_or_refused_kindly(text: str) -> None:
    try:
        parse_schedule(text, today=TODAY)
    except Refusal as refusal:
        assert refusal.message


# Words of the grammar, numbers in other scripts (int() reads "٣" but not "²"), and a few
# that are neither.
@given(
    st.lists(
        st.sampled_from(
            [
                "for",
                "every",
                "2",
                "²",
                "٣",
                "99999999999",
                "weeks",
                "until",
                "at",
                "remind",
                "1d,1h",
                "monthly",
                "on",
                "the",
                "last",
                "Thursday",
                "online",
                "https://x.example",
                "3",
                "times",
                "2027-01-07",
                "16:00",
                '"A place"',
            ]
        ),
        max_size=12,
    )
)
def test_any_run_of_clauses_is_read_or_refused_kindly(clauses: list[str]) -> None:
    try:
        parse_schedule("Twilight 2027-01-07 16:00 " + " ".join(clauses), today=TODAY)
    except Refusal as refusal:
        assert refusal.message


@given(st.dates(date(TODAY.year - 5, 1, 1), date(TODAY.year + 5, 12, 31)))
def test_unambiguous_dates_read_in_every_form(day: date) -> None:
    assert parse_date(day.isoformat(), today=TODAY) == day
    assert parse_date(f"{day.day} {day:%B %Y}", today=TODAY) == day
    assert parse_date(f"{day:%b} {day.day} {day.year}", today=TODAY) == day
    numeric = f"{day.day:02d}/{day.month:02d}/{day.year}"
    if day.day > 12 or day.day == day.month:
        assert parse_date(numeric, today=TODAY) == day
    else:
        with pytest.raises(Refusal) as refused:
            parse_date(numeric, today=TODAY)
        assert day.isoformat() in refused.value.message


def test_a_date_without_a_year_is_the_next_one() -> None:
    assert parse_date("3 Dec", today=TODAY) == date(2026, 12, 3)
    assert parse_date("3 Jan", today=TODAY) == date(2027, 1, 3)
