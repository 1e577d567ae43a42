"""Reminders on both databases, with the clock moved by hand: they fire at the right UTC
instants across Europe/London's October and March clock changes; a restart mid-term neither
loses nor repeats any; one that fell due while the bot was down is sent late if the session
is still to come and recorded as missed if it has started."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.scheduler import run_due_timers
from bot.meetings.render import RSVP_ACTION
from storage.outbox import MISSED, OUTBOX
from storage.uow import unit_of_work
from tests.meeting_world import AISHA, TOM, TimeMachine, press, say, sessions, set_up_chemistry


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 10, 1, 8, 0, tzinfo=UTC))


@pytest.fixture
def world(app_factory: Callable[[str], Staffroom], database_url: str) -> Staffroom:
    app = app_factory(database_url)
    set_up_chemistry(app)
    return app


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def reminder_times(machine: TimeMachine) -> list[tuple[datetime, str]]:
    return [
        (d.at, d.text.splitlines()[0])
        for d in machine.log
        if d.to == "chem" and d.text.startswith("Coming up")
    ]


async def test_reminders_fire_at_the_right_instants_across_the_october_change(
    world: Staffroom, clock: ManualClock
) -> None:
    say(world, TOM, 'meeting schedule "Twilight" 2026-10-19 16:00 every week 3 times remind 2d,1h')
    machine = TimeMachine(world, clock)
    await machine.until(utc(2026, 11, 3))
    two_days, hour = "Coming up in 2d: Twilight", "Coming up in 1h: Twilight"
    assert reminder_times(machine) == [
        (utc(2026, 10, 17, 15), two_days),  # Sat 16:00 BST
        (utc(2026, 10, 19, 14), hour),  # Mon 15:00 BST, before 16:00 BST
        # Two days before Mon 26 Oct 16:00 GMT is Sat 24 Oct at 16:00 on the wall clock —
        # still BST then, so 15:00 UTC rather than 48 hours before.
        (utc(2026, 10, 24, 15), two_days),
        (utc(2026, 10, 26, 15), hour),  # 15:00 GMT
        (utc(2026, 10, 31, 16), two_days),
        (utc(2026, 11, 2, 15), hour),
    ]


async def test_reminders_fire_at_the_right_instants_across_the_march_change(
    world: Staffroom, clock: ManualClock
) -> None:
    say(world, TOM, 'meeting schedule "Twilight" 2027-03-22 16:00 every week 2 times remind 2d,1h')
    machine = TimeMachine(world, clock)
    await machine.until(utc(2027, 3, 30))
    two_days, hour = "Coming up in 2d: Twilight", "Coming up in 1h: Twilight"
    assert reminder_times(machine) == [
        (utc(2027, 3, 20, 16), two_days),
        (utc(2027, 3, 22, 15), hour),
        (utc(2027, 3, 27, 16), two_days),  # Sat 16:00 GMT, the day before the change
        (utc(2027, 3, 29, 14), hour),  # 15:00 BST, before 16:00 BST
    ]


async def test_a_restart_mid_term_neither_loses_nor_repeats_reminders(
    world: Staffroom, app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    say(world, TOM, 'meeting schedule "Twilight" 2026-10-05 16:00 every week 6 times remind 1d,1h')
    for session in sessions(world, 1):
        press(world, AISHA, RSVP_ACTION, f"{session.id}:going")
    first = TimeMachine(world, clock)
    await first.until(utc(2026, 10, 18, 14, 59))
    # The 1d reminder for Mon 19 Oct falls due; its message is queued, then the bot stops
    # before delivering it.
    clock.set(utc(2026, 10, 18, 15))
    assert run_due_timers(world.core) >= 1  # the reminder (the app's own upkeep may run too)
    world.core.close()
    clock.set(utc(2026, 10, 19, 14, 30))  # back up half an hour before the session
    second = TimeMachine(app_factory(database_url), clock)
    await second.until(utc(2026, 10, 25, 10))
    clock.set(utc(2026, 10, 26, 17))  # down across the whole of Mon 26 Oct's session
    third = TimeMachine(app_factory(database_url), clock)
    await third.until(utc(2026, 11, 12))

    log = first.log + second.log + third.log
    reminders = Counter(
        tuple(d.text.splitlines()[:2])
        for d in log
        if d.to == "chem" and d.text.startswith(("Tomorrow", "Coming up"))
    )
    assert set(reminders.values()) == {1}, reminders  # nothing sent twice
    assert len(reminders) == 10  # 6 sessions × 2 reminders, less Mon 26 Oct's two
    assert not any("26 Oct" in when for _, when in reminders)
    sent_late = {
        d.text.splitlines()[0]
        for d in second.log
        if d.at == utc(2026, 10, 19, 14, 30)
        and "weekly digest" not in d.text.splitlines()[0].lower()
    }
    assert sent_late == {
        "Tomorrow: Twilight",
        "Coming up in 1h: Twilight",
        "Twilight starts in an hour",
    }
    with unit_of_work(world.core.engine) as connection:
        missed = sorted(
            connection.execute(select(OUTBOX.c.key).where(OUTBOX.c.status == MISSED)).scalars()
        )
    session = sessions(world, 1)[3]  # Mon 26 Oct
    assert [key.split("@")[0].rsplit(":", 1)[0] for key in missed] == [
        f"reminder:{session.id}:1440",
        f"reminder:{session.id}:60",
        f"soon:{session.id}:0",
    ]
