"""Meetings through the whole bot (console adapter, real core, SQLite): scheduling by line and
by form, bad input that saves nothing, holidays, RSVPs with live counts by school, cancelling
and moving with people told, and the home view."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import Table, func, select

from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.meetings.render import RSVP_ACTION
from storage.meetings import MEETING
from storage.outbox import OUTBOX
from storage.timers import TIMER
from storage.uow import unit_of_work
from tests.meeting_world import (
    AISHA,
    TOM,
    TimeMachine,
    press,
    say,
    sessions,
    set_up_chemistry,
    text_of,
)

SETUP = (
    ":as Fran Hughes@Harbour College admin",
    "/staffroom setup Solent Network",
    "/staffroom group create A-level Chemistry",
    ":in #chem",
    "/staffroom group link A-level Chemistry",
    ":as Tom Patel@Ridgeway School",
    "/staffroom join A-level Chemistry",
    ":as Aisha Khan@Castle Hill College",
    "/staffroom join A-level Chemistry",
    ":as Ben Carter@Harbour College",
    "/staffroom join A-level Chemistry",
    ":as Chloe Evans@Ridgeway School",
    "/staffroom join A-level Chemistry",
    ":as Fran Hughes",
    "/staffroom group leader A-level Chemistry @Tom Patel",
    ":as Tom Patel",
)


@pytest.fixture
async def chem(bot: ConsoleSession) -> ConsoleSession:
    for line in SETUP:
        await bot.send(line)
    return bot


def count(bot: ConsoleSession, table: Table) -> int:
    with unit_of_work(bot.core.engine) as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def meeting_timers(bot: ConsoleSession) -> int:
    """Timers of the meetings feature (the app schedules its own upkeep and digests too)."""
    with unit_of_work(bot.core.engine) as connection:
        query = select(func.count()).select_from(TIMER).where(TIMER.c.kind.like("meeting.%"))
        return int(connection.execute(query).scalar_one())


async def test_a_leader_schedules_and_the_group_hears_of_it(chem: ConsoleSession) -> None:
    out = await chem.send(
        '/staffroom meeting schedule "Moderation twilight" 2026-12-03 16:00 for 90m at "Room 4"'
    )
    assert "Scheduled: Moderation twilight (meeting 1, A-level Chemistry)" in out
    assert "Thu 3 Dec, 16:00–17:30 GMT" in out
    assert "[Staffroom in #chem]" in out and "New meeting: Moderation twilight" in out
    await chem.send(":as Aisha Khan")
    listed = await chem.send("/staffroom meetings")
    assert "1.1 Moderation twilight — Thu 3 Dec, 16:00–17:30 · A-level Chemistry · Room 4" in listed


async def test_only_a_leader_schedules(chem: ConsoleSession) -> None:
    await chem.send(":as Aisha Khan")
    out = await chem.send('/staffroom meeting schedule "Mine" 2026-12-03 16:00')
    assert "Only a leader of A-level Chemistry" in out
    assert count(chem, MEETING) == 0


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('"Late" 2026-11-20 16:00', "has already passed"),
        ('"Late" 2026-11-23 07:59', "has already passed"),
        ('"Gap" 2027-03-28 01:30', "doesn't exist in Europe/London: the clocks go forward"),
        ('"Fold" 2027-10-31 01:30', "happens twice in Europe/London: the clocks go back"),
        (
            '"Weekly gap" 2027-03-14 01:30 every week until 2027-04-30',
            "01:30 on Sun 28 Mar 2027 doesn't exist",
        ),
        ('"Bad date" 2027-02-31 16:00', "February 2027 has 28 days"),
        ('"Link" 2026-12-03 16:00 online mailto:x@y.org', "must start with https://"),
    ],
)
async def test_bad_input_saves_nothing(chem: ConsoleSession, line: str, says: str) -> None:
    before = count(chem, OUTBOX)
    out = await chem.send(f"/staffroom meeting schedule {line}")
    assert says in out
    assert (count(chem, MEETING), meeting_timers(chem), count(chem, OUTBOX)) == (0, 0, before)


async def test_a_series_without_an_end_is_capped_and_says_so(chem: ConsoleSession) -> None:
    out = await chem.send('/staffroom meeting schedule "Weekly" 2026-12-01 16:00 every week')
    assert "No end was given, so I planned 12 sessions (to Tue 16 Feb 2027)" in out
    out = await chem.send(
        '/staffroom meeting schedule "Long" 2026-12-01 16:00 every week until 2029-01-01'
    )
    assert "at most 52 sessions" in out


async def test_holidays_are_skipped_and_the_schedule_says_so(chem: ConsoleSession) -> None:
    await chem.send(":as Fran Hughes")
    await chem.send("/staffroom holiday add Christmas 2026-12-19 2027-01-03")
    await chem.send(":as Tom Patel")
    out = await chem.send(
        '/staffroom meeting schedule "Twilight" 2026-12-10 16:00 every week 4 times'
    )
    assert "1.3 Thu 24 Dec, 16:00 — skipped: Christmas" in out
    assert "1.4 Thu 31 Dec, 16:00 — skipped: Christmas" in out
    assert "1.6 Thu 14 Jan, 16:00" in out  # four sessions held, so the series runs on
    assert "skipped: Christmas" in await chem.send("/staffroom meeting 1")


async def test_a_holiday_added_later_skips_sessions_and_tells_who_was_coming(
    chem: ConsoleSession,
) -> None:
    await chem.send('/staffroom meeting schedule "Twilight" 2026-12-03 16:00 every week 3 times')
    await chem.send(":as Aisha Khan")
    await chem.send("/staffroom meeting 1.2")
    await chem.send(":click Going")
    await chem.send(":as Fran Hughes")
    out = await chem.send("/staffroom holiday add Staff training 2026-12-10")
    assert "1 meeting session(s) now fall in a holiday and are skipped" in out
    assert "→ Aisha Khan (direct message)" in out and "falls in Staff training" in out
    assert "skipped: Staff training" in await chem.send("/staffroom meeting 1")
    out = await chem.send("/staffroom term remove Staff training")
    assert "1 skipped session(s) are back on" in out
    assert "skipped" not in await chem.send("/staffroom meeting 1")


async def test_replies_update_the_counts_by_school_in_place(chem: ConsoleSession) -> None:
    await chem.send('/staffroom meeting schedule "Twilight" 2026-12-03 16:00')
    await chem.send(":as Aisha Khan")
    out = await chem.send(":click Going")
    assert "you're down as Going for Twilight" in out
    assert "hidden until at least 3 people — 2 more needed" in out
    await chem.send(":as Ben Carter")
    await chem.send(":click Going")
    await chem.send(":as Chloe Evans")
    out = await chem.send(":click Going")
    assert "[Staffroom in #chem — updated]" in out
    # One person from each of three schools: no school's count is shown on its own.
    assert "Going 3 · Maybe 0 · Can't make it 0 — going by school: other schools 3" in out
    out = await chem.send(":click Going")
    assert "already down as Going" in out


async def test_replying_needs_membership(chem: ConsoleSession) -> None:
    await chem.send('/staffroom meeting schedule "Twilight" 2026-12-03 16:00')
    await chem.send(":as Dan Newcomer@Ridgeway School")
    out = await chem.send(":click Going")
    assert "You need to join A-level Chemistry first" in out and "Join A-level Chemistry" in out


async def test_the_form_reports_each_problem_on_its_field(chem: ConsoleSession) -> None:
    out = await chem.send("/staffroom meeting schedule")
    assert "[Form: Schedule a meeting]" in out and "date (date" in out and "time (time" in out
    await chem.send(":fill title=Twilight; date=2027-02-31; time=16:00; link=ftp://files.example/x")
    out = await chem.send(":submit")
    assert "date: “2027-02-31” isn't a date: February 2027 has 28 days." in out
    assert "link: “ftp://files.example/x” isn't a web link" in out
    await chem.send(":fill date=2026-11-20; link=")
    assert "date:" in await chem.send(":submit")  # in the past: refused on the date field
    await chem.send(
        ":fill date=2026-12-03; repeat=fortnightly; sessions=3; link=https://meet.example/x"
    )
    out = await chem.send(":submit")
    assert "Scheduled: Twilight (meeting 1, A-level Chemistry)" in out
    assert (
        'Next time, one line does the same: /staffroom meeting schedule "Twilight" 2026-12-03 '
        "16:00 for 60m every 2 weeks 3 times online https://meet.example/x remind 1d,1h "
        'group "A-level Chemistry"'
    ) in out


async def test_cancelling_tells_the_people_who_might_come(chem: ConsoleSession) -> None:
    await chem.send('/staffroom meeting schedule "Twilight" 2026-12-03 16:00 every week 3 times')
    for who, answer in (
        ("Aisha Khan", "Going"),
        ("Chloe Evans", "Maybe"),
        ("Ben Carter", "Can't make it"),
    ):
        await chem.send(f":as {who}")
        await chem.send(f":click {answer}")
    await chem.send(":as Tom Patel")
    out = await chem.send("/staffroom meeting cancel 1")
    assert "To cancel one, give its number, like /staffroom meeting cancel 1.1" in out
    out = await chem.send("/staffroom meeting cancel 1.1")
    assert "the 2 people who said they might come" in out
    assert "→ Aisha Khan (direct message)" in out and "→ Chloe Evans (direct message)" in out
    assert "Ben Carter (direct message)" not in out
    out = await chem.send(":tick 17d")
    assert "Thu 3 Dec" not in out  # its reminders were cancelled
    assert "Tomorrow: Twilight" in out and "Thu 10 Dec, 16:00" in out


async def test_moving_a_session_moves_its_reminders(chem: ConsoleSession) -> None:
    await chem.send('/staffroom meeting schedule "Twilight" 2026-12-03 16:00 remind 1h')
    out = await chem.send("/staffroom meeting move 1 2026-12-04 17:00")
    assert "Moved Twilight to Fri 4 Dec, 17:00" in out
    assert "Coming up" not in await chem.send(":tick 10d 7h")  # Thu 3 Dec 15:00 passes quietly
    out = await chem.send(":tick 1d 2h")
    assert "Coming up in 1h: Twilight" in out and "Fri 4 Dec, 17:00–18:00 GMT" in out
    assert "no sessions still to come" in await chem.send(
        "/staffroom meeting move 1 2026-12-05 17:00"
    )


async def test_home_shows_my_next_meetings_with_buttons(chem: ConsoleSession) -> None:
    await chem.send('/staffroom meeting schedule "Twilight" 2026-12-03 16:00')
    await chem.send(":as Aisha Khan")
    out = await chem.send("/staffroom home")
    assert "Your next meetings" in out and "1.1 Twilight — Thu 3 Dec, 16:00–17:00" in out
    await chem.send(":click Maybe")
    assert "you: Maybe" in await chem.send("/staffroom home")


def test_a_time_zone_the_server_does_not_know_is_ignored(app: Staffroom) -> None:
    """A platform may send a zone name this server's tzdata lacks; the person then sees the
    network's times instead of an apology on every command."""
    set_up_chemistry(app)
    say(app, TOM, 'meeting schedule "Twilight" 2026-12-03 16:00 remind none')
    on_mars = replace(AISHA, timezone="Mars/Olympus_Mons")
    assert "**Twilight** — Thu 3 Dec, 16:00–17:00 ·" in text_of(say(app, on_mars, "meetings"))
    assert "Europe/London (the network's)" in text_of(say(app, on_mars, "whoami"))
    newcomer = replace(on_mars, user_id="zed", display_name="Zed Quill")
    assert "Europe/London (the network's)" in text_of(say(app, newcomer, "whoami"))
    in_new_york = replace(AISHA, timezone="America/New_York")
    assert "**Twilight** — Thu 3 Dec, 11:00–12:00 ·" in text_of(say(app, in_new_york, "meetings"))
    assert "**Twilight** — Thu 3 Dec, 11:00–12:00 ·" in text_of(say(app, on_mars, "meetings"))


async def test_times_are_read_in_the_networks_zone_and_shown_in_each_persons(
    app: Staffroom, clock: ManualClock
) -> None:
    set_up_chemistry(app)
    say(app, TOM, 'meeting schedule "Twilight" 2026-12-03 16:00 remind none')
    in_new_york = replace(AISHA, timezone="America/New_York")
    assert "**Twilight** — Thu 3 Dec, 11:00–12:00 ·" in text_of(say(app, in_new_york, "meetings"))
    [session] = sessions(app, 1)
    press(app, in_new_york, RSVP_ACTION, f"{session.id}:going")
    machine = TimeMachine(app, clock)
    await machine.until(datetime(2026, 12, 3, 15, 30, tzinfo=UTC))
    [reminder] = [d for d in machine.log if d.to == "@aisha-khan"]
    assert "When: Thu 3 Dec, 11:00–12:00 EST" in reminder.text


def test_schools_with_fewer_than_k_going_are_pooled() -> None:
    from bot.meetings.render import _by_school

    assert (
        _by_school({"Ridgeway": 4, "Harbour": 3, "Castle": 1}, 3)
        == "Ridgeway 4, Harbour 3, a few from other schools"
    )
    assert (
        _by_school({"Ridgeway": 4, "Castle": 2, "Oakwood": 1}, 3) == "Ridgeway 4, other schools 3"
    )
