"""A delivery the platform repeats (Slack retries an Events API event it thinks was lost) is
handled once, even when the retry reaches another replica: on both databases, two bots share
one database as two replicas would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.scheduler import run_due_timers
from bot.kernel.events import Actor, ChannelActivity, Command, Place
from bot.privacy.upkeep import DELIVERY_MEMORY
from storage.tables import table
from storage.uow import unit_of_work

ACTIVITY_DAY = table("activity_day")
FRAN = Actor("slack", "T0SCHOOLS", "U0FRAN", "Fran Hughes", is_workspace_admin=True)
TOM = Actor("slack", "T0SCHOOLS", "U0TOM", "Tom Patel")
CHEMISTRY = Place("slack", "T0SCHOOLS", channel="C0CHEM", channel_name="a-level-chemistry")
DIRECT = Place("slack", "T0SCHOOLS", channel="D0TOM", is_direct=True)


async def _linked(app: Staffroom) -> None:
    for actor, line in (
        (FRAN, "setup Solent Network"),
        (FRAN, "school add Ridgeway School"),
        (FRAN, "school add Oakwood Academy"),
        (FRAN, "group create A-level Chemistry"),
        (FRAN, "group link A-level Chemistry"),
        (TOM, "school Ridgeway School"),
        (TOM, "join A-level Chemistry"),
    ):
        await app.core.handle(Command(actor, CHEMISTRY, line))


def _messages(app: Staffroom) -> int:
    with unit_of_work(app.core.engine) as connection:
        total = connection.execute(select(func.coalesce(func.sum(ACTIVITY_DAY.c.messages), 0)))
        return int(total.scalar_one())


async def test_a_repeated_message_is_counted_once_whichever_replica_gets_it(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    first, second = app_factory(database_url), app_factory(database_url)
    await _linked(first)
    posted = ChannelActivity(TOM, CHEMISTRY, clock.now(), delivery="Ev0MSG1")
    await first.core.handle(posted)
    await second.core.handle(posted)  # Slack's retry, answered by the other replica
    assert _messages(first) == 1
    await second.core.handle(ChannelActivity(TOM, CHEMISTRY, clock.now(), delivery="Ev0MSG2"))
    assert _messages(first) == 2


async def test_a_repeated_direct_message_command_runs_once(
    app_factory: Callable[[str], Staffroom], database_url: str
) -> None:
    first, second = app_factory(database_url), app_factory(database_url)
    await _linked(first)
    moving = Command(TOM, DIRECT, "school Oakwood Academy", delivery="Ev0DM1")
    assert "Oakwood Academy" in str(await first.core.handle(moving))
    assert await second.core.handle(moving) is None  # no second answer, nothing done twice


async def test_delivery_ids_are_forgotten_by_the_daily_upkeep_after_a_day(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    app = app_factory(database_url)
    await _linked(app)
    posted = ChannelActivity(TOM, CHEMISTRY, clock.now(), delivery="Ev0MSG1")
    await app.core.handle(posted)
    clock.set(clock.now() + DELIVERY_MEMORY + timedelta(days=1))
    assert run_due_timers(app.core) >= 1  # the daily upkeep
    await app.core.handle(posted)  # a day later the id means nothing any more
    assert _messages(app) == 2
