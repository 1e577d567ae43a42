"""Reading durations people type: `90m`, `2h`, `1h30m`, `3d`, `2 weeks`, `45 minutes` — at most
a year, which is longer than anything the bot waits for and keeps every sum of times in range."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.kernel.refusals import Refusal

_UNITS = {
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "week": "weeks",
    "weeks": "weeks",
}
_PART = re.compile(r"(\d{1,5})\s*([a-z]+)")
LONGEST = timedelta(days=366)


def parse_duration(text: str) -> timedelta:
    """A positive duration, or a refusal that shows the accepted forms."""
    cleaned = text.strip().lower().replace(",", " ").replace(" and ", " ")
    parts = _PART.findall(cleaned)
    leftover = _PART.sub("", cleaned).strip()
    if not parts or leftover or any(unit not in _UNITS for _, unit in parts):
        raise Refusal(
            f"I couldn't read “{text.strip()[:30]}” as a length of time. Use forms like "
            "`90m`, `2h`, `1h30m`, `3d` or `2 weeks`."
        )
    total = timedelta()
    for amount, unit in parts:
        total += timedelta(**{_UNITS[unit]: int(amount)})
        if total > LONGEST:  # checked part by part: thousands of parts would overflow the sum
            raise Refusal(
                f"“{text.strip()[:30]}” is more than a year. Please give a shorter length of "
                "time, like `3d` or `2 weeks`."
            )
    if total <= timedelta(0):
        raise Refusal("That length of time is zero; please give something longer, like `30m`.")
    return total


def describe(duration: timedelta) -> str:
    """`1h 30m`, `2d`, `45m`: how the bot writes durations back."""
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{days}d" if days else "",
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
    ]
    return " ".join(p for p in parts if p) or "0m"
