"""Retention on both databases: the daily upkeep deletes per-day activity detail older than the
retention period (whole weeks), keeps weekly aggregates for every week, and erasing a member
later leaves those aggregates as they were."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.scheduler import run_due_timers
from bot.privacy.upkeep import DAILY_UPKEEP, months_before
from storage import activity, activity_weeks, directory, groups, networks, timers
from storage.tables import table
from storage.uow import unit_of_work

ACTIVITY_DAY = table("activity_day")
FIRST_DAY = date(2025, 7, 7)  # a Monday, sixteen months before the tests' clock


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 24), 13, date(2025, 10, 24)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


@given(st.dates(min_value=date(2001, 1, 1)), st.integers(min_value=0, max_value=240))
def test_months_before_lands_in_the_right_month(day: date, months: int) -> None:
    earlier = months_before(day, months)
    assert (day.year * 12 + day.month) - (earlier.year * 12 + earlier.month) == months
    # The same day of the month, or the last day of a shorter month.
    assert earlier.day == day.day or (
        earlier.day < day.day and (earlier + timedelta(days=1)).month != earlier.month
    )
    assert activity_weeks.week_of(earlier).weekday() == 0
    assert (
        activity_weeks.week_of(earlier) <= earlier < activity_weeks.week_of(earlier) + timedelta(7)
    )


def _history(app: Staffroom) -> tuple[int, int, int, int]:
    """A network with one group and two members, each active twice a week for 16 months."""
    with app.core.transaction() as ctx:
        c = ctx.connection
        network = networks.create_network(c, name="Net", timezone="Europe/London", now=ctx.now)
        school = directory.add_school(
            c, network_id=network.id, name="Ridgeway", name_key="ridgeway", now=ctx.now
        )
        group = groups.create_group(
            c, network_id=network.id, name="Drama", name_key="drama", description="", now=ctx.now
        )
        ada, bo = (
            directory.create_member(
                c, network_id=network.id, display_name=name, now=ctx.now, school_id=school.id
            )
            for name in ("Ada", "Bo")
        )
        day = FIRST_DAY
        while day < ctx.now.date():
            for member, offset, messages in ((ada, 0, 2), (ada, 2, 1), (bo, 2, 3)):
                activity.count_message(
                    c,
                    network_id=network.id,
                    group_id=group.id,
                    member_id=member,
                    school_id=school.id,
                    day=day + timedelta(days=offset),
                    messages=messages,
                )
            day += timedelta(days=7)
    return network.id, group.id, ada, bo


def _weeks(app: Staffroom, network_id: int) -> dict[date, tuple[int, int]]:
    weeks = activity_weeks.ACTIVITY_WEEK
    with unit_of_work(app.core.engine) as connection:
        rows = connection.execute(
            select(weeks.c.week, weeks.c.messages, weeks.c.active_members).where(
                weeks.c.network_id == network_id
            )
        )
        return {row.week: (row.messages, row.active_members) for row in rows}


def test_old_detail_goes_and_weekly_totals_stay(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    app = app_factory(database_url)
    network_id, _, ada, _ = _history(app)
    upkeep_at = datetime(2026, 11, 24, 2, 30, tzinfo=clock.now().tzinfo)
    clock.set(upkeep_at)
    assert run_due_timers(app.core) == 1

    cutoff = date(2025, 10, 20)  # the Monday of the week 13 months before 24 Nov 2026
    with unit_of_work(app.core.engine) as connection:
        oldest = connection.execute(select(func.min(ACTIVITY_DAY.c.day))).scalar()
        assert timers.pending_timers(connection, kind=DAILY_UPKEEP, ref="")[0].due_at == (
            upkeep_at + timedelta(days=1)
        )
    assert oldest == cutoff

    weeks = _weeks(app, network_id)
    assert min(weeks) == FIRST_DAY
    assert len(weeks) == (date(2026, 11, 23) - FIRST_DAY).days // 7
    assert set(weeks.values()) == {(6, 2)}

    with unit_of_work(app.core.engine) as connection:
        activity_weeks.fold_member_detail(connection, member_id=ada)
        activity_weeks.roll_up_recent(connection, network_id=network_id)
        left = connection.execute(
            select(func.count()).where(ACTIVITY_DAY.c.member_id == ada)
        ).scalar()
    assert left == 0
    assert set(_weeks(app, network_id).values()) == {(6, 2)}


def test_the_upkeep_runs_once_a_day_however_many_times_the_bot_starts(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    first = app_factory(database_url)
    app_factory(database_url)  # a second replica, or a restart, schedules the same day's run
    clock.advance(timedelta(days=3))
    assert run_due_timers(first.core) == 1  # one run, which schedules the next day after now
