"""Recurrence rules and their expansion into local calendar dates — pure, no database.

A meeting happens once, every N weeks on the first session's weekday, or monthly on the nth
(or last) weekday of the month. Expansion yields local dates; the scheduler turns each into a
UTC instant at the meeting's wall-clock time, so 16:00 stays 16:00 across clock changes. The
same rule is written into the `.ics` file as an RRULE, and tests check the two agree.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from storage.meetings import MONTHLY, ONCE, WEEKLY, MeetingRecord

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_ORDINAL_NAMES = {number: word for word, number in ORDINALS.items()}
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Rule:
    """How a meeting repeats.

    Attributes:
        freq: "once", "weekly" or "monthly".
        interval: weeks between sessions (weekly only): 1 weekly, 2 fortnightly.
        nth: for monthly, which weekday of the month (1–4, or -1 for the last).
        until: the last local date a session may fall on.
        count: how many sessions are held (sessions skipped for holidays don't count).
    """

    freq: str = ONCE
    interval: int = 1
    nth: int | None = None
    until: date | None = None
    count: int | None = None

    @property
    def repeats(self) -> bool:
        return self.freq != ONCE


def rule_of(meeting: MeetingRecord) -> Rule:
    """The rule a stored meeting was scheduled with (its end is its last session)."""
    return Rule(meeting.freq, interval=meeting.interval, nth=meeting.nth)


def nth_of(day: date) -> int:
    """Which weekday of its month `day` is: 1–4, or -1 when it is the fifth (so the last)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def is_last_weekday(day: date) -> bool:
    return day.day + 7 > calendar.monthrange(day.year, day.month)[1]


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (or, for -1, the last) `weekday` of a month."""
    if nth == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def local_dates(first: date, rule: Rule) -> Iterator[date]:
    """The dates the rule gives, from `first`, ending after `until` (endless otherwise)."""
    if not rule.repeats:
        yield first
        return
    step = 0
    while True:
        if rule.freq == WEEKLY:
            day = first + timedelta(weeks=rule.interval * step)
        else:
            month_index = first.month - 1 + step
            year, month = first.year + month_index // 12, month_index % 12 + 1
            day = nth_weekday(year, month, first.weekday(), rule.nth or nth_of(first))
        if rule.until is not None and day > rule.until:
            return
        yield day
        step += 1


def describe(rule: Rule, first: date) -> str:
    """`every 2 weeks on Thursdays`, `monthly on the first Thursday`, `once`."""
    weekday = calendar.day_name[first.weekday()]
    if rule.freq == WEEKLY:
        every = {1: "every week", 2: "every 2 weeks"}.get(
            rule.interval, f"every {rule.interval} weeks"
        )
        return f"{every} on {weekday}s"
    if rule.freq == MONTHLY:
        return f"monthly on the {_ORDINAL_NAMES[rule.nth or nth_of(first)]} {weekday}"
    return "once"


def ical_rule(rule: Rule, first: date) -> dict[str, object]:
    """The RRULE parts (without UNTIL, which the calendar adds from the last session)."""
    if rule.freq == WEEKLY:
        return {"FREQ": "WEEKLY", "INTERVAL": rule.interval}
    if rule.freq == MONTHLY:
        nth = rule.nth or nth_of(first)
        return {"FREQ": "MONTHLY", "BYDAY": f"{nth}{_ICAL_DAYS[first.weekday()]}"}
    return {}
