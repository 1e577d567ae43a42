"""The one-line schedule grammar, read into a `MeetingRequest` (and written back by `to_line`):

    "Moderation twilight" 2026-12-03 16:00 for 90m every 2 weeks until 2027-03-25
        at "Ridgeway School, room 4" online https://meet.example/x remind 1d,1h

Title, date and time come first; every other clause is optional and in any order. Defaults:
60 minutes, reminders a day and an hour before. Each clause's value is read by the field
readers in `bot.meetings.request`, which the scheduling form shares.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time

from bot.kernel.refusals import Refusal
from bot.meetings.recurrence import ORDINALS, Rule, is_last_weekday, nth_of
from bot.meetings.request import (
    MeetingRequest,
    check_request,
    clean_place,
    clean_title,
    offsets_text,
    parse_length,
    parse_link,
    parse_reminders,
)
from bot.parsing.arguments import split_quoted
from bot.parsing.dates import take_date
from bot.parsing.numbers import whole_number
from bot.parsing.times import parse_time_of_day, parse_weekday, show_date
from storage.meetings import MONTHLY, WEEKLY

USAGE = (
    '`meeting schedule "Title" 2026-12-03 16:00 [for 90m] [every week | every 2 weeks | monthly] '
    '[until 2027-03-25 | 10 times] [at "Place"] [online https://…] [remind 1d,1h]`'
)
KEYWORDS = frozenset(
    {"for", "every", "weekly", "fortnightly", "monthly", "until", "at", "online", "link"}
    | {"remind", "group", "on"}
)


@dataclass
class _Reader:
    """Walks the words of one line, clause by clause."""

    words: list[str]
    today: date
    quoted: frozenset[int] = frozenset()  # the positions of words typed in quotes
    index: int = 0
    seen: set[str] = field(default_factory=set)

    def peek(self) -> str:
        """The next word, lowered to compare with keywords ("" at the end); a word typed in
        quotes comes back in them, so a group called "Every" is never read as `every`."""
        if self.index >= len(self.words):
            return ""
        word = self.words[self.index]
        return f'"{word}"' if self.index in self.quoted else word.lower()

    def take(self) -> str:
        word = self.words[self.index]
        self.index += 1
        return word

    def phrase(self, clause: str) -> str:
        """The words up to the next keyword; refuses an empty phrase."""
        start = self.index
        while self.index < len(self.words) and self.peek() not in KEYWORDS:
            self.index += 1
        if self.index == start:
            raise Refusal(f"“{clause}” needs something after it. For example: {USAGE}")
        return " ".join(self.words[start : self.index])

    def once(self, name: str) -> None:
        if name in self.seen:
            raise Refusal(f"You gave the {name} twice; please give it once.")
        self.seen.add(name)

    def date(self, clause: str) -> date:
        found = take_date(self.words, self.index, today=self.today)
        if found is None:
            raise Refusal(f"“{clause}” needs a date, like `{clause} 2027-03-25`.")
        self.index = found[1]
        return found[0]


def parse_schedule(text: str, *, today: date) -> MeetingRequest:
    """Read one line of the grammar, or refuse it saying what to type instead."""
    split = split_quoted(text)
    reader = _Reader(
        [word for word, _ in split], today, frozenset(n for n, (_, q) in enumerate(split) if q)
    )
    title_words: list[str] = []
    start: tuple[date, int] | None = None
    while reader.index < len(reader.words):
        start = take_date(reader.words, reader.index, today=today)
        if start is not None:
            break
        title_words.append(reader.take())
    if not title_words or start is None:
        raise Refusal(f"Please give a title, a date and a time, for example {USAGE}")
    title = clean_title(" ".join(title_words))
    day, reader.index = start
    request = MeetingRequest(title=title, day=day, at=_start_time(reader))
    while reader.index < len(reader.words):
        request = _clause(reader, request)
    return check_request(request)


def _start_time(reader: _Reader) -> time:
    if reader.peek() == "at":
        reader.take()
    if not reader.peek():
        raise Refusal(f"What time does it start? Add it after the date, for example {USAGE}")
    typed = reader.take()
    if reader.peek() in ("am", "pm"):
        typed += reader.take()
    return parse_time_of_day(typed)


def _clause(reader: _Reader, request: MeetingRequest) -> MeetingRequest:
    word = reader.take()
    keyword = word.lower()
    if keyword in _CLAUSES:
        return _CLAUSES[keyword](reader, request, keyword)
    if keyword.isdecimal() and reader.peek() in ("times", "sessions"):
        reader.take()
        reader.once("number of sessions")
        count = whole_number(keyword) or 0  # a number too long to be a count is refused as 0
        return replace(request, rule=replace(request.rule, count=count))
    if "://" in word:
        reader.once("link")
        return replace(request, link=parse_link(word))
    raise Refusal(f"I didn't understand “{word[:30]}”. The one-line form is {USAGE}")


def _length(reader: _Reader, request: MeetingRequest, keyword: str) -> MeetingRequest:
    reader.once("length")
    return replace(request, length=parse_length(reader.phrase(keyword)))


def _every(reader: _Reader, request: MeetingRequest, keyword: str) -> MeetingRequest:
    reader.once("repeat")
    if keyword in ("weekly", "fortnightly", "monthly"):
        unit, amount = keyword, 1
    else:
        amount = (whole_number(reader.take()) or 0) if reader.peek().isdecimal() else 1
        unit = reader.take().lower() if reader.peek() else ""
    if unit in ("week", "weeks", "weekly") and 1 <= amount <= 4:
        rule = Rule(WEEKLY, interval=amount)
    elif unit in ("fortnight", "fortnightly") and amount == 1:
        rule = Rule(WEEKLY, interval=2)
    elif unit in ("month", "months", "monthly") and amount == 1:
        rule = Rule(MONTHLY, nth=_monthly_nth(reader, request.day))
    elif unit and amount == 1 and _weekday_of(unit) is not None:
        if _weekday_of(unit) != request.day.weekday():
            raise Refusal(
                f"{show_date(request.day)} is a {request.day:%A}, so the series would meet on "
                f"{request.day:%A}s; start it on the day of the week you mean."
            )
        rule = Rule(WEEKLY)
    else:
        raise Refusal(
            "Meetings can repeat `every week`, `every 2 weeks` (up to 4), `fortnightly` or "
            f"`monthly` (on the same weekday of the month as {show_date(request.day)})."
        )
    return replace(request, rule=replace(rule, until=request.rule.until, count=request.rule.count))


def _weekday_of(word: str) -> int | None:
    try:
        return parse_weekday(word)
    except Refusal:
        return None


def _monthly_nth(reader: _Reader, day: date) -> int:
    """`on the first Thursday` after `monthly` must describe the first session's date."""
    if reader.peek() != "on":
        return nth_of(day)
    reader.take()
    if reader.peek() == "the":
        reader.take()
    ordinal = ORDINALS.get(reader.take().lower() if reader.peek() else "")
    weekday = _weekday_of(reader.take()) if reader.peek() else None
    if ordinal is None or weekday is None:
        raise Refusal("Write it like `monthly on the first Thursday` (first … fourth, or last).")
    matches = nth_of(day) == ordinal or (ordinal == -1 and is_last_weekday(day))
    if weekday != day.weekday() or not matches:
        raise Refusal(
            f"{show_date(day)} isn't the {reader.words[reader.index - 2].lower()} "
            f"{calendar.day_name[weekday]} of its month; start the series on a date that is."
        )
    return ordinal


def _until(reader: _Reader, request: MeetingRequest, keyword: str) -> MeetingRequest:
    reader.once("end date")
    return replace(request, rule=replace(request.rule, until=reader.date(keyword)))


def _place(reader: _Reader, request: MeetingRequest, keyword: str) -> MeetingRequest:
    value = reader.phrase(keyword)
    if "://" in value:
        reader.once("link")
        return replace(request, link=parse_link(value))
    reader.once("place")
    return replace(request, place=clean_place(value))


def _link(reader: _Reader, request: MeetingRequest, keyword: str) -> MeetingRequest:
    reader.once("link")
    return replace(request, link=parse_link(reader.phrase(keyword)))


def _remind(reader: _Reader, request: MeetingRequest, keyword: str) -> MeetingRequest:
    reader.once("reminders")
    return replace(request, reminders=parse_reminders(reader.phrase(keyword)))


def _group(reader: _Reader, request: MeetingRequest, keyword: str) -> MeetingRequest:
    reader.once("group")
    return replace(request, group=reader.phrase(keyword))


_CLAUSES: dict[str, Callable[[_Reader, MeetingRequest, str], MeetingRequest]] = {
    "for": _length,
    "every": _every,
    "weekly": _every,
    "fortnightly": _every,
    "monthly": _every,
    "until": _until,
    "at": _place,
    "online": _link,
    "link": _link,
    "remind": _remind,
    "group": _group,
}


def to_line(request: MeetingRequest) -> str:
    """The one line that schedules `request` (shown after using the form, for next time)."""
    parts = [_quoted(request.title), request.day.isoformat(), f"{request.at:%H:%M}"]
    parts.append(f"for {int(request.length.total_seconds() // 60)}m")
    rule = request.rule
    if rule.freq == WEEKLY:
        parts.append("every week" if rule.interval == 1 else f"every {rule.interval} weeks")
    elif rule.freq == MONTHLY:
        ordinal = next(w for w, n in ORDINALS.items() if n == (rule.nth or nth_of(request.day)))
        parts.append(f"monthly on the {ordinal} {calendar.day_name[request.day.weekday()]}")
    if rule.until is not None:
        parts.append(f"until {rule.until.isoformat()}")
    if rule.count is not None:
        parts.append(f"{rule.count} times")
    if request.place:
        parts.append(f"at {_quoted(request.place)}")
    if request.link:
        parts.append(f"online {request.link}")
    parts.append("remind " + offsets_text(request.reminders))
    if request.group:
        parts.append(f"group {_quoted(request.group)}")
    return " ".join(parts)


def _quoted(text: str) -> str:
    return f"'{text}'" if '"' in text else f'"{text}"'
