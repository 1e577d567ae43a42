"""A meeting as asked for — `MeetingRequest` — and the readers of its fields (title, place,
length, link, reminders), shared by the one-line grammar and the scheduling form, with the
checks that span fields. Pure: the checks that need the clock or the calendar happen when the
meeting is planned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from urllib.parse import urlsplit

from bot.kernel.refusals import Refusal
from bot.meetings.recurrence import Rule
from bot.parsing.durations import describe, parse_duration
from bot.parsing.names import clean_name
from bot.parsing.times import show_date

MAX_LENGTH = timedelta(hours=12)
MAX_REMINDER = timedelta(days=28)
MAX_REMINDERS = 4
MAX_SESSIONS = 52
TITLE_LIMIT = 100
PLACE_LIMIT = 200
LINK_LIMIT = 300
DEFAULT_LENGTH = timedelta(minutes=60)
DEFAULT_REMINDERS = (timedelta(days=1), timedelta(hours=1))
_OFFSET = re.compile(r"\d+\s*[a-z]+(?:\d+\s*[a-z]+)*")


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    """A meeting as asked for, before it is checked against the clock and the calendar."""

    title: str
    day: date
    at: time
    length: timedelta = DEFAULT_LENGTH
    rule: Rule = field(default_factory=Rule)
    place: str = ""
    link: str = ""
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS
    group: str = ""


def clean_title(text: str) -> str:
    return clean_name(text, what="meeting title", limit=TITLE_LIMIT, example="Moderation twilight")


def clean_place(text: str) -> str:
    if not text.strip():
        return ""
    return clean_name(text, what="place", limit=PLACE_LIMIT, example="Ridgeway School, room 4")


def parse_length(text: str) -> timedelta:
    """How long the meeting lasts: more than zero, at most 12 hours."""
    length = parse_duration(text)
    if length > MAX_LENGTH:
        raise Refusal(
            f"A meeting can last at most 12 hours; “{text.strip()[:20]}” is {describe(length)}. "
            "For a longer event, schedule each day as its own meeting."
        )
    return length


def parse_link(text: str) -> str:
    """An online meeting link; only http(s) links with a host are accepted."""
    link = text.strip()
    if not link:
        return ""
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in link:
        raise Refusal(
            f"“{link[:60]}” isn't a web link I can share: online links must start with "
            "`https://` (or `http://`). Paste the full link from your browser."
        )
    if len(link) > LINK_LIMIT:
        raise Refusal(f"That link is {len(link)} characters long; the most I keep is {LINK_LIMIT}.")
    return link


def parse_reminders(text: str) -> tuple[timedelta, ...]:
    """`1d,1h`, `2 days and 30 minutes`, `none`: offsets before the start, latest first."""
    lowered = text.strip().lower()
    if lowered in ("none", "no", "off", "never"):
        return ()
    leftover = _OFFSET.sub(" ", lowered).replace(",", " ").replace(" and ", " ").split()
    if leftover:
        raise Refusal(
            f"Reminders come before the meeting starts, written like `remind 1d,1h` (a day and "
            f"an hour before) or `remind 30m`; I couldn't read “{' '.join(leftover)[:20]}” in "
            f"“{text.strip()[:40]}”. A reminder can't be after the start."
        )
    offsets = sorted({parse_duration(part) for part in _OFFSET.findall(lowered)}, reverse=True)
    if not offsets:
        raise Refusal("Please say when to remind people, like `remind 1d,1h`, or `remind none`.")
    if len(offsets) > MAX_REMINDERS:
        raise Refusal(f"At most {MAX_REMINDERS} reminders, please — people stop reading them.")
    if offsets[0] > MAX_REMINDER:
        raise Refusal(
            "The earliest reminder can be 4 weeks before the meeting, like `remind 4w,1d` (four "
            "weeks before, and again a day before)."
        )
    return tuple(offsets)


def check_request(request: MeetingRequest) -> MeetingRequest:
    """Checks between clauses: an end needs a repeat, and comes after the start."""
    rule = request.rule
    if (rule.until or rule.count) and not rule.repeats:
        raise Refusal(
            "An end (`until …` or `N times`) only makes sense for a repeating meeting; add "
            "`every week`, `every 2 weeks` or `monthly`, or leave the end out."
        )
    if rule.until is not None and rule.until < request.day:
        raise Refusal(
            f"The series ends ({show_date(rule.until)}) before it starts ({show_date(request.day)})."
        )
    if rule.count is not None and not 1 <= rule.count <= MAX_SESSIONS:
        raise Refusal(
            f"A series can have 1 to {MAX_SESSIONS} sessions; say how many like `10 times`, or "
            "give the last date with `until 2027-07-16`."
        )
    return request


def offsets_text(offsets: tuple[timedelta, ...]) -> str:
    """`1d,1h` (or `none`), as `parse_reminders` reads it."""
    return ",".join(describe(offset).replace(" ", "") for offset in offsets) or "none"
