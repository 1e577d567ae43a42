"""Weekly check-ins: the local time holds across Europe/London's clock changes (last Sundays of
March and October), holidays are skipped with a word to the leader, an occurrence missed while
the bot was down is not opened late, and a late answer is told when the next round opens."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from adapters.console.session import ConsoleSession
from bot.delivery.clock import ManualClock
from storage import calendar
from storage.uow import unit_of_work
from tests.unit.checkin_world import play, set_up_group

POSTED = "[Staffroom in #chem]\n  Check-in · A-level Chemistry"  # a new round message


async def set_up(bot: ConsoleSession) -> None:
    await set_up_group(bot)
    await bot.send(":as Tom Patel")


def add_holiday(bot: ConsoleSession, clock: ManualClock, first: date, last: date) -> None:
    """A holiday in the network's calendar (no command sets one yet)."""
    with unit_of_work(bot.core.engine) as connection:
        calendar.add_period(
            connection,
            network_id=1,
            kind=calendar.HOLIDAY,
            name="Half term",
            starts_on=first,
            ends_on=last,
            now=clock.now(),
        )


async def tick_to(bot: ConsoleSession, clock: ManualClock, instant: datetime) -> str:
    minutes = int((instant - clock.now()).total_seconds() // 60)
    return await bot.send(f":tick {minutes}m")


class TestSpring:
    @pytest.fixture
    def clock(self) -> ManualClock:
        return ManualClock(datetime(2027, 3, 16, 9, 0, tzinfo=UTC))  # Tuesday, GMT

    async def test_monday_0830_stays_0830_after_the_clocks_go_forward(
        self, bot: ConsoleSession, clock: ManualClock
    ) -> None:
        await set_up(bot)
        out = await bot.send("/staffroom checkin every Monday 08:30 How was last week?")
        assert "The first opens Mon 22 Mar, 08:30" in out
        assert POSTED not in await tick_to(bot, clock, datetime(2027, 3, 22, 8, 29, tzinfo=UTC))
        opened = await bot.send(":tick 1m")
        assert POSTED in opened and "until Wed 24 Mar, 08:30" in opened
        # Clocks go forward on Sunday 28 March: 08:30 BST is 07:30 UTC.
        assert POSTED not in await tick_to(bot, clock, datetime(2027, 3, 29, 7, 29, tzinfo=UTC))
        opened = await bot.send(":tick 1m")
        assert POSTED in opened and "Check-in · A-level Chemistry" in opened
        assert "until Wed 31 Mar, 08:30" in opened


class TestAutumn:
    @pytest.fixture
    def clock(self) -> ManualClock:
        return ManualClock(datetime(2026, 10, 13, 9, 0, tzinfo=UTC))  # Tuesday, BST

    async def test_monday_0830_stays_0830_after_the_clocks_go_back(
        self, bot: ConsoleSession, clock: ManualClock
    ) -> None:
        await set_up(bot)
        await bot.send("/staffroom checkin every Monday 08:30 How was last week? closing in 1d")
        assert POSTED in await tick_to(bot, clock, datetime(2026, 10, 19, 7, 30, tzinfo=UTC))
        # Clocks go back on Sunday 25 October: 08:30 GMT is 08:30 UTC.
        assert POSTED not in await tick_to(bot, clock, datetime(2026, 10, 26, 8, 29, tzinfo=UTC))
        assert POSTED in await bot.send(":tick 1m")

    async def test_a_holiday_is_skipped_and_the_leader_told(
        self, bot: ConsoleSession, clock: ManualClock
    ) -> None:
        await set_up(bot)
        add_holiday(bot, clock, date(2026, 10, 26), date(2026, 10, 30))
        await bot.send("/staffroom checkin every Monday 08:30 How was last week? closing in 1d")
        await tick_to(bot, clock, datetime(2026, 10, 25, 12, 0, tzinfo=UTC))
        out = await tick_to(bot, clock, datetime(2026, 10, 26, 9, 0, tzinfo=UTC))
        assert POSTED not in out
        assert "→ Tom Patel (direct message)" in out
        assert "was skipped: Half term. The next one opens Mon 2 Nov, 08:30" in out
        schedules = await bot.send("/staffroom checkin schedules A-level Chemistry")
        assert "next Mon 2 Nov, 08:30" in schedules
        assert POSTED in await tick_to(bot, clock, datetime(2026, 11, 2, 8, 30, tzinfo=UTC))

    async def test_the_first_occurrence_in_a_holiday_is_announced_as_skipped(
        self, bot: ConsoleSession, clock: ManualClock
    ) -> None:
        await set_up(bot)
        add_holiday(bot, clock, date(2026, 10, 19), date(2026, 10, 23))
        out = await bot.send("/staffroom checkin every Monday 08:30 How was last week?")
        assert "The first opens Mon 26 Oct, 08:30 (Mon 19 Oct, 08:30 is skipped: Half term)" in out


class TestWinter:
    async def test_an_occurrence_missed_while_the_bot_was_down_is_not_opened_late(
        self, bot: ConsoleSession, clock: ManualClock
    ) -> None:
        await set_up(bot)  # Monday 23 November, 08:00 UTC
        await bot.send("/staffroom checkin every Tuesday 09:00 How is it going?")
        clock.set(datetime(2026, 11, 24, 18, 0, tzinfo=UTC))  # nothing ran all day
        out = await bot.send(":now")
        assert POSTED not in out
        assert "was missed: the bot was offline at the time. The next one opens Tue 1 Dec" in out

    async def test_a_late_answer_is_told_when_the_next_round_opens(
        self, bot: ConsoleSession, clock: ManualClock
    ) -> None:
        await set_up(bot)
        await bot.send("/staffroom checkin every Monday 08:30 How is it going? closing in 1d")
        assert POSTED in await bot.send(":tick 30m")
        await bot.send(":tick 1d")
        out = await play(bot, ":as Aisha Khan@Harbour College", ":click Got it")
        assert "check-in closed Tue 24 Nov, 08:30" in out
        assert "The next one opens Mon 30 Nov, 08:30" in out

    async def test_the_weekly_round_replaces_a_round_still_open(
        self, bot: ConsoleSession, clock: ManualClock
    ) -> None:
        await set_up(bot)
        await bot.send("/staffroom checkin open A one-off")
        await bot.send("/staffroom checkin every Monday 08:30 The weekly one")
        out = await bot.send(":tick 30m")
        assert "check-in “A one-off” has closed" in out and "“The weekly one”" in out

    async def test_stopping_a_cadence_cancels_its_next_round(
        self, bot: ConsoleSession, clock: ManualClock
    ) -> None:
        await set_up(bot)
        await bot.send("/staffroom checkin every Monday 08:30 Weekly")
        duplicate = await bot.send("/staffroom checkin every monday 8:30am Again")
        assert "already has a check-in every Monday at 08:30" in duplicate
        listed = await bot.send("/staffroom checkin schedules A-level Chemistry")
        assert "#1" in listed and "Stop #1" in listed
        assert "Stopped the weekly check-in #1" in await bot.send(":click Stop #1")
        assert POSTED not in await bot.send(f":tick {timedelta(days=8).days}d")
        assert "no weekly check-ins" in await bot.send(
            "/staffroom checkin schedules A-level Chemistry"
        )
