"""Digest weeks: ISO weeks of local dates in the network's time zone, and reading the week a
person asks for ("last", "this", "2026-W47", "W47", or any date in it, within five years of
today)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.kernel.refusals import Refusal
from bot.parsing.dates import FORMS, check_year, take_date

_ISO = re.compile(r"^(?:(\d{4})-?)?w(\d{1,2})$")


@dataclass(frozen=True, slots=True, order=True)
class Week:
    """An ISO week: Monday `first` to Sunday `last`, local dates."""

    year: int
    number: int

    @classmethod
    def containing(cls, day: date) -> Week:
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @property
    def first(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def last(self) -> date:
        return self.first + timedelta(days=6)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    def describe(self) -> str:
        return f"week of Mon {self.first.day} {self.first:%b %Y}"

    def shifted(self, weeks: int) -> Week:
        return Week.containing(self.first + timedelta(weeks=weeks))

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The UTC instants the week starts and ends at (local midnight to local midnight);
        a week with a clock change is 167 or 169 hours long."""
        start = datetime.combine(self.first, time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        return start, end


def last_full_week(today: date) -> Week:
    return Week.containing(today - timedelta(days=7))


def week_named(text: str, today: date) -> Week | None:
    """The week `text` names, or None when it doesn't look like a week at all (it may be
    something else, like a group's name); refuses text shaped like a week that isn't one."""
    typed = " ".join(text.lower().split())
    if typed in ("last", "last week"):
        return last_full_week(today)
    if typed in ("this", "this week"):
        return Week.containing(today)
    match = _ISO.match(typed.replace(" ", ""))
    if match:
        year, number = int(match.group(1) or today.isocalendar()[0]), int(match.group(2))
        check_year(year, text.strip(), today=today)
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise Refusal(
                f"{year} has no week {number}. Weeks run from W01 to W52 (or W53), as in "
                f"`{year}-W01`."
            ) from None
        return Week(year, number)
    words = typed.split()
    found = take_date(words, 0, today=today)
    if found is None or found[1] != len(words):
        return None
    return Week.containing(found[0])


def parse_week(text: str, today: date) -> Week:
    """The week `text` names; blank is the last full week."""
    if not text.strip():
        return last_full_week(today)
    week = week_named(text, today)
    if week is None:
        raise Refusal(
            f"I couldn't read “{text.strip()[:20]}” as a week. Use `last`, `this`, an ISO week like "
            f"`2026-W47`, or a date in the week, written as {FORMS}."
        )
    return week
