"""Calendar files, parsed back with icalendar: the RRULE, EXDATEs and overrides describe
exactly the sessions the bot holds (expanded independently with dateutil), the time zone is
included, the UID never changes and SEQUENCE rises with every move and cancellation."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar
from typer.testing import CliRunner

from bot.app import Staffroom
from bot.cli import app as cli
from storage.meetings import SCHEDULED
from tests.conftest import TEST_SECRET
from tests.meeting_world import FRAN, TOM, attachment_of, say, sessions, set_up_chemistry


def parsed(app: Staffroom, meeting_id: int) -> Calendar:
    reply = say(app, TOM, f"meeting ics {meeting_id}")
    attachment = attachment_of(reply)
    assert attachment.mime == "text/calendar"
    assert attachment.filename.endswith(".ics")
    return Calendar.from_ical(attachment.data)


def vevents(calendar: Calendar) -> list[Any]:
    """The calendar's events. Untyped on purpose: icalendar types every property as a union of
    all its value types, and these tests read each one as the type the standard gives it."""
    return list(calendar.walk("VEVENT"))


def starts_in(calendar: Calendar) -> set[datetime]:
    """Every start the calendar describes, the way a calendar app would expand it."""
    events = vevents(calendar)
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    start = master["DTSTART"].dt
    if "RRULE" not in master:
        return {start}
    rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=start)
    excluded = {d.dt for exdate in _as_list(master.get("EXDATE")) for d in exdate.dts}
    moved = {e["RECURRENCE-ID"].dt: e["DTSTART"].dt for e in events if "RECURRENCE-ID" in e}
    return {moved.get(day, day) for day in rule if day not in excluded}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def held(app: Staffroom, meeting_id: int) -> set[datetime]:
    return {s.starts_at for s in sessions(app, meeting_id) if s.status == SCHEDULED}


def test_a_series_with_a_holiday_a_move_and_a_cancellation(app: Staffroom) -> None:
    set_up_chemistry(app)
    say(app, FRAN, "holiday add Christmas 2026-12-19 2027-01-03")
    say(
        app,
        TOM,
        'meeting schedule "Moderation twilight" 2026-12-03 16:00 for 90m every 2 weeks '
        'until 2027-03-25 at "Ridgeway School, room 4" remind 1d,1h',
    )
    before = parsed(app, 1)
    say(app, TOM, "meeting move 1.4 2027-01-15 17:00")
    moved = parsed(app, 1)
    say(app, TOM, "meeting cancel 1.6")
    after = parsed(app, 1)

    assert starts_in(before) != starts_in(after)
    assert starts_in(after) == held(app, 1)
    assert len(held(app, 1)) == 7  # 9 sessions, one in Christmas, one cancelled
    uids = {str(e["UID"]) for c in (before, moved, after) for e in vevents(c)}
    assert len(uids) == 1
    sequences = [max(int(e["SEQUENCE"]) for e in vevents(c)) for c in (before, moved, after)]
    assert sequences == [0, 1, 2]
    zones: list[Any] = after.walk("VTIMEZONE")
    [zone] = zones
    assert str(zone["TZID"]) == "Europe/London"
    master = next(e for e in vevents(after) if "RECURRENCE-ID" not in e)
    assert master["DTSTART"].params["TZID"] == "Europe/London"
    assert str(master["LOCATION"]) == "Ridgeway School, room 4"
    assert (master["DTEND"].dt - master["DTSTART"].dt).total_seconds() == 90 * 60


def test_monthly_on_the_last_weekday_across_the_clock_change(app: Staffroom) -> None:
    set_up_chemistry(app)
    say(
        app,
        TOM,
        'meeting schedule "Heads of science" 2027-01-28 16:30 monthly on the last Thursday 6 times',
    )
    calendar = parsed(app, 1)
    assert starts_in(calendar) == held(app, 1)
    local = sorted(d.astimezone(ZoneInfo("Europe/London")) for d in held(app, 1))
    assert [(d.day, d.month, d.hour, d.minute) for d in local] == [
        (28, 1, 16, 30),
        (25, 2, 16, 30),
        (25, 3, 16, 30),
        (29, 4, 16, 30),  # BST by now, still 16:30 on the wall clock
        (27, 5, 16, 30),
        (24, 6, 16, 30),
    ]


def test_a_cancelled_one_off_meeting_says_so(app: Staffroom) -> None:
    set_up_chemistry(app)
    say(app, TOM, 'meeting schedule "Exam debrief" 2026-12-03 16:00 online https://meet.example/x')
    say(app, TOM, "meeting cancel 1")
    [event] = vevents(parsed(app, 1))
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["URL"]) == "https://meet.example/x"


def test_the_cli_prints_a_feed_for_a_whole_group(app: Staffroom, sqlite_url: str) -> None:
    set_up_chemistry(app)
    say(app, TOM, 'meeting schedule "One" 2026-12-03 16:00')
    say(app, TOM, 'meeting schedule "Two" 2026-12-10 16:00 every week 3 times')
    env = {"DATABASE_URL": sqlite_url, "STAFFROOM_SECRET": TEST_SECRET}
    result = CliRunner().invoke(cli, ["calendar", "a-level chemistry"], env=env)
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical(result.stdout)
    assert sorted(str(e["SUMMARY"]) for e in vevents(calendar)) == ["One", "Two"]
    missing = CliRunner().invoke(cli, ["calendar", "GCSE Drama"], env=env)
    assert missing.exit_code == 1
    assert "has no group called" in missing.output
