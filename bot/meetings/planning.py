"""Turning a `MeetingRequest` into sessions: expand the rule into local dates, make each a UTC
instant at the meeting's wall-clock time (refusing times a clock change skips or repeats),
mark holidays as skipped, and stop at the end asked for — or at a cap, saying so.

Pure apart from the holiday lookup, which is passed in, so nothing is written until every
session has been checked: a bad date in week 9 refuses the whole series.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.kernel.refusals import Refusal
from bot.meetings.recurrence import local_dates
from bot.meetings.request import MAX_SESSIONS, MeetingRequest
from bot.parsing.times import show_date, show_time, to_utc
from storage.meeting_sessions import NewSession
from storage.meetings import SCHEDULED, SKIPPED

DEFAULT_SESSIONS = 12
HolidayLookup = Callable[[date], str | None]


@dataclass(frozen=True, slots=True)
class Plan:
    """The sessions to create, and why the series stops where it does if it was capped."""

    sessions: tuple[NewSession, ...]
    capped: str = ""

    @property
    def held(self) -> int:
        return sum(1 for s in self.sessions if s.status == SCHEDULED)


def plan_sessions(
    request: MeetingRequest, *, zone: ZoneInfo, now: datetime, holiday_on: HolidayLookup
) -> Plan:
    """Every session of the request, or a refusal naming the first one that can't be."""
    rule = request.rule
    limit = rule.count or (MAX_SESSIONS if rule.until else DEFAULT_SESSIONS)
    sessions: list[NewSession] = []
    held = 0
    days = local_dates(request.day, rule)
    for day in days:
        starts = to_utc(day, request.at, zone)
        if not sessions and starts <= now:
            raise Refusal(
                f"{show_time(starts, zone)} ({show_date(day)}) has already passed. "
                "Please choose a date and time still to come."
            )
        holiday = holiday_on(day)
        sessions.append(
            NewSession(
                number=len(sessions) + 1,
                starts_at=starts,
                ends_at=starts + request.length,
                status=SKIPPED if holiday else SCHEDULED,
                note=(holiday or "")[:60],
            )
        )
        held += holiday is None
        if held >= limit or len(sessions) >= MAX_SESSIONS:  # holiday sessions count too
            break
    if not held:
        raise Refusal(
            "Every session would fall in a holiday or between terms, so none would happen. "
            "`/staffroom term list` shows the calendar; please choose other dates."
        )
    last = show_date(sessions[-1].starts_at.astimezone(zone).date())
    capped = ""
    if rule.repeats and rule.until is None and rule.count is None:
        capped = (
            f"No end was given, so I planned {DEFAULT_SESSIONS} sessions (to {last}). Add "
            "`until <date>` or `<N> times` to choose the end."
        )
    elif (rule.until is not None or held < limit) and next(days, None) is not None:
        capped = (
            f"A series can have at most {MAX_SESSIONS} sessions, holidays included, so it "
            f"stops on {last}."
        )
    return Plan(tuple(sessions), capped)
