"""Reading calendar dates people type: `2026-12-03`, `3/12/2026`, `3 Dec 2026`, `3rd December`.

Dates that do not exist (31 February) are refused with the month's real length; numeric dates
that read differently day-first and month-first (03/04/2027) are refused with both readings
and the unambiguous way to write it; so are years more than five from today's (a typing
mistake, and far enough out to break the date sums that follow). `take_date` reads a date from
the start of a list of words (one to three of them), for grammars that have more after it.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date

from bot.kernel.refusals import Refusal

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?,?$")
_YEAR = re.compile(r"^\d{4}$")
FORMS = "`2026-12-03` (year-month-day), `3 Dec 2026` or `25/12/2026` (day first)"
YEARS_AROUND = 5


def check_year(year: int, typed: str, *, today: date) -> None:
    """Refuses a year more than `YEARS_AROUND` years before or after today's."""
    if abs(year - today.year) > YEARS_AROUND:
        raise Refusal(
            f"“{typed[:40]}” is too far from now: I can work with dates from "
            f"{today.year - YEARS_AROUND} to {today.year + YEARS_AROUND}. Please check the year; "
            f"dates look like `{today.year}-12-03` or `3 Dec {today.year}`."
        )


def _checked(year: int, month: int, day: int, typed: str, today: date) -> date:
    check_year(year, typed, today=today)
    if not 1 <= month <= 12:
        raise Refusal(
            f"“{typed}” has no month {month}; months go from 1 to 12. Write dates as {FORMS}."
        )
    length = calendar.monthrange(year, month)[1]
    if not 1 <= day <= length:
        raise Refusal(
            f"“{typed}” isn't a date: {calendar.month_name[month]} {year} has {length} days."
        )
    return date(year, month, day)


def _numeric(match: re.Match[str], typed: str, today: date) -> date:
    first, second, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    day_first_ok = 1 <= second <= 12
    month_first_ok = 1 <= first <= 12
    if day_first_ok and month_first_ok and first != second:
        as_day_first = _checked(year, second, first, typed, today)
        as_month_first = _checked(year, first, second, typed, today)
        raise Refusal(
            f"“{typed}” could be {as_day_first.day} {as_day_first:%B %Y} (day first, as in the UK) "
            f"or {as_month_first.day} {as_month_first:%B %Y} (month first, as in the US). I read "
            f"it day first, but to be sure please write it as `{as_day_first.isoformat()}` "
            f"(year-month-day) or `{as_day_first.day} {as_day_first:%b %Y}`."
        )
    if day_first_ok:
        return _checked(year, second, first, typed, today)
    return _checked(year, first, second, typed, today)


def _named(words: Sequence[str], today: date) -> date | None:
    """`3 Dec 2026`, `3rd December`, `Dec 3 2026` (the year defaults to the next such date)."""
    if len(words) not in (2, 3):
        return None
    lowered = [w.lower().rstrip(",.") for w in words]
    if lowered[0] in MONTHS:  # "Dec 3 2026"
        lowered[0], lowered[1] = lowered[1], lowered[0]
    day_match, month = _DAY.match(lowered[0]), MONTHS.get(lowered[1])
    if day_match is None or month is None:
        return None
    typed = " ".join(words)
    if len(words) == 3:
        if not _YEAR.match(lowered[2]):
            return None
        return _checked(int(lowered[2]), month, int(day_match.group(1)), typed, today)
    day = int(day_match.group(1))
    for year in (today.year, today.year + 1):
        if 1 <= day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
    _checked(today.year, month, day, typed, today)  # refuses days the month never has
    raise Refusal(f"“{typed}” isn't a date in the coming year. Write dates as {FORMS}.")


def parse_date(text: str, *, today: date) -> date:
    """One date, in any of the accepted forms, or a refusal that shows them."""
    words = text.split()
    found = take_date(words, 0, today=today)
    if found is None or found[1] != len(words):
        raise Refusal(f"I couldn't read “{text.strip()[:40]}” as a date. Write dates as {FORMS}.")
    return found[0]


def take_date(words: Sequence[str], start: int, *, today: date) -> tuple[date, int] | None:
    """Read a date from `words[start:]`; returns it and the index after it, or None if the
    words there don't look like a date. Refuses a date-shaped word that isn't a real date."""
    if start >= len(words):
        return None
    word = words[start].strip().rstrip(",")
    iso = _ISO.match(word)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return _checked(year, month, day, word, today), start + 1
    numeric = _NUMERIC.match(word)
    if numeric:
        return _numeric(numeric, word, today), start + 1
    for length in (3, 2):
        if start + length <= len(words):
            named = _named(words[start : start + length], today)
            if named is not None:
                return named, start + length
    return None
