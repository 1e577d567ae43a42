"""Calendar files (RFC 5545) for a meeting or a whole group, built with `icalendar`.

A series is one VEVENT with DTSTART in the meeting's time zone (a VTIMEZONE is included), an
RRULE ending at its last session, EXDATEs for sessions skipped or cancelled, and an override
VEVENT (RECURRENCE-ID) for each session moved. The UID never changes; SEQUENCE rises with each
move or cancellation, so calendar apps replace what they imported before.

`icalendar` is imported when a file is built: loading it costs every command that loads the
features (the console, a digest) a few hundredths of a second.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.meetings.recurrence import ical_rule, rule_of
from storage.meeting_sessions import SessionRecord
from storage.meetings import SCHEDULED, MeetingRecord

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//Staffroom//Meetings//EN"
MIME = "text/calendar"


def filename_for(title: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "meeting"
    return f"{stem}.ics"


def build_calendar(
    meetings: Sequence[tuple[MeetingRecord, Sequence[SessionRecord]]], *, name: str, now: datetime
) -> bytes:
    """A VCALENDAR holding every meeting given, with the time zones they use."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    days: list[date] = [now.date()]
    for meeting, sessions in meetings:
        if not sessions:
            continue
        for event in _events(meeting, sessions, now):
            calendar.add_component(event)
        days += [sessions[0].original_start.date(), sessions[-1].starts_at.date()]
    # Time-zone rules from a year before the first session to a year after the last.
    calendar.add_missing_timezones(
        first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366)
    )
    return bytes(calendar.to_ical())


def _event(meeting: MeetingRecord, now: datetime, starts: datetime, ends: datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    description = f"{meeting.group_name} — scheduled in Staffroom (meeting {meeting.id})"
    if meeting.link:
        event.add("url", meeting.link)
        description += f"\nJoin online: {meeting.link}"
    event.add("description", description)
    if meeting.place:
        event.add("location", meeting.place)
    return event


def _events(
    meeting: MeetingRecord, sessions: Sequence[SessionRecord], now: datetime
) -> list[Event]:
    zone = ZoneInfo(meeting.timezone)
    held = [s for s in sessions if s.status == SCHEDULED]

    def event_at(session: SessionRecord, starts: datetime) -> Event:
        length = session.ends_at - session.starts_at
        return _event(meeting, now, starts.astimezone(zone), starts.astimezone(zone) + length)

    if len(sessions) == 1:
        event = event_at(sessions[0], sessions[0].starts_at)
        event.add("status", "CONFIRMED" if held else "CANCELLED")
        return [event]
    first, last = sessions[0], sessions[-1]
    # The master describes the rule, so it starts when the first session was first planned.
    master = event_at(first, first.original_start)
    rule = ical_rule(rule_of(meeting), first.original_start.astimezone(zone).date())
    master.add("rrule", {**rule, "UNTIL": last.original_start.astimezone(UTC)})
    excluded = [s.original_start.astimezone(zone) for s in sessions if s.status != SCHEDULED]
    if excluded:
        master.add("exdate", excluded)
    master.add("status", "CONFIRMED" if held else "CANCELLED")
    events = [master]
    for session in held:
        if session.starts_at != session.original_start:
            override = event_at(session, session.starts_at)
            override.add("recurrence-id", session.original_start.astimezone(zone))
            override.add("status", "CONFIRMED")
            events.append(override)
    return events
