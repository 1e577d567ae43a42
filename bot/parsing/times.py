"""Times people type and read: time of day, weekdays, time zone names, local wall-clock times
turned into UTC instants (refusing times that do not exist or happen twice at a clock change),
weekly recurrence that keeps its local time across daylight-saving changes, and display.

Everything stored is UTC; everything shown is in the reader's (or the network's) zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.kernel.refusals import Refusal
from bot.parsing.suggest import closest

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_weekday(word: str) -> int:
    """0 for Monday … 6 for Sunday; accepts full names and three-letter forms, any case."""
    lowered = word.strip().lower().rstrip("s")  # "mondays"
    for index, name in enumerate(WEEKDAYS):
        if lowered in (name, name[:3]) or (len(lowered) >= 3 and name.startswith(lowered)):
            return index
    raise Refusal(
        f"“{word.strip()[:20]}” isn't a day of the week; use Monday … Sunday (or Mon … Sun)."
    )


def parse_time_of_day(text: str) -> time:
    """`08:30`, `8.30`, `16:00`, `4pm`, `4:15pm` → a time; refuses anything else kindly."""
    typed = text.strip()
    match = _TIME.match(typed.lower())
    if match is None:
        raise Refusal(f"“{typed[:20]}” isn't a time I can read; use 24-hour `16:00` or `4pm`.")
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem:
        if not 1 <= hour <= 12:
            raise Refusal(
                f"“{typed[:20]}” isn't a valid time; with am/pm the hour is 1 to 12, as in `4pm`."
            )
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        raise Refusal(
            f"“{typed[:20]}” isn't a valid time of day; use 00:00 to 23:59, as in `16:00`."
        )
    return time(hour, minute)


@cache
def zone_names() -> frozenset[str]:
    """The IANA time zones this installation knows (from tzdata); read once, it is slow."""
    return frozenset(available_timezones())


def unknown_zone(name: str) -> str | None:
    """Why `name` isn't a time zone, with the closest names; None when it is one."""
    if name in zone_names():
        return None
    near = closest(name, zone_names())
    hint = f" Did you mean {' or '.join(f'`{zone}`' for zone in near)}?" if near else ""
    return (
        f"“{name[:40]}” isn't a time zone I know. Use a name like `Europe/London` or "
        f"`America/New_York`.{hint}"
    )


def to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a local wall-clock time, refusing ones a clock change skips or repeats."""
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise Refusal(
            f"{at:%H:%M} on {day:%a %d %b %Y} doesn't exist in {zone.key}: the clocks go forward "
            "then. Please choose another time."
        )
    other = datetime.combine(day, at, tzinfo=zone).replace(fold=1).astimezone(UTC)
    if other != instant:
        raise Refusal(
            f"{at:%H:%M} on {day:%a %d %b %Y} happens twice in {zone.key}: the clocks go back "
            "then. Please choose a time outside that hour."
        )
    return instant


def wall_clock_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Like `to_utc`, for schedules that must go on rather than refuse: a time the clocks skip
    lands just after the change, and a repeated time takes its first occurrence."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_weekly(after: datetime, weekday: int, at: time, zone: ZoneInfo) -> datetime:
    """The first instant strictly after `after` that is `weekday` at `at`, local time in `zone`.

    The local time stays the same across daylight-saving changes (08:30 stays 08:30).
    """
    local_day = after.astimezone(zone).date()
    for offset in range(8):
        day = local_day + timedelta(days=offset)
        if day.weekday() == weekday:
            candidate = wall_clock_to_utc(day, at, zone)
            if candidate > after:
                return candidate
    raise AssertionError("eight consecutive days always contain the weekday after `after`")


def show_time(instant: datetime, zone: ZoneInfo, *, with_zone: bool = False) -> str:
    """`Mon 3 Dec, 16:00` in `zone` (with the zone's abbreviation when asked)."""
    local = instant.astimezone(zone)
    text = f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
    return f"{text} {local.tzname()}" if with_zone else text


def show_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
