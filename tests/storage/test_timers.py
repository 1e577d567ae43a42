"""Timers on both databases: due work runs once, with what it queues; failures roll back
and retry later; a cancelled timer can be scheduled again; the daily upkeep survives a day
that failed for good; concurrent passes never run the same timer twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.scheduler import run_due_timers
from bot.kernel.context import Context
from bot.kernel.registry import TimerSpec
from bot.kernel.replies import Reply
from bot.privacy.upkeep import DAILY_UPKEEP
from storage import networks, timers
from storage.groups import ChannelRecord
from storage.outbox import OUTBOX
from storage.timers import TIMER, TimerRecord
from storage.uow import unit_of_work

CHANNEL = ChannelRecord("console", "w", "c1", "")


@pytest.fixture
def app(app_factory: Callable[[str], Staffroom], database_url: str) -> Staffroom:
    app = app_factory(database_url)
    calls: list[str] = []

    def announce(timer: TimerRecord, ctx: Context) -> None:
        calls.append(timer.ref)
        ctx.outbox.to_channel(
            CHANNEL, key=f"announce:{timer.ref}", reply=Reply.say(timer.ref), purpose="test"
        )
        if timer.ref.startswith("broken"):
            raise RuntimeError("handler failed")
        if timer.ref.startswith("clashing"):  # a statement the database refuses
            ctx.connection.execute(insert(TIMER).values(key=timer.key, kind="x", due_at=ctx.now))

    app.core.registry.timer(TimerSpec("test.announce", announce))
    app.calls = calls  # type: ignore[attr-defined]
    return app


def _add(app: Staffroom, ref: str, due_in: timedelta) -> None:
    with app.core.transaction() as ctx:
        timers.add_timer(
            ctx.connection,
            key=f"test:{ref}",
            kind="test.announce",
            due_at=ctx.now + due_in,
            ref=ref,
        )


def _queued(app: Staffroom) -> list[str]:
    with unit_of_work(app.core.engine) as connection:
        return sorted(connection.execute(select(OUTBOX.c.key)).scalars())


def test_due_timers_run_once_and_later_ones_wait(app: Staffroom, clock: ManualClock) -> None:
    _add(app, "now", timedelta(0))
    _add(app, "now", timedelta(0))  # the same key is scheduled once
    _add(app, "later", timedelta(hours=1))
    assert run_due_timers(app.core) == 1
    assert run_due_timers(app.core) == 0
    clock.advance(timedelta(hours=1))
    assert run_due_timers(app.core) == 1
    assert app.calls == ["now", "later"]  # type: ignore[attr-defined]
    assert _queued(app) == ["announce:later", "announce:now"]


def test_a_failing_timer_leaves_nothing_behind_and_is_retried_later(
    app: Staffroom, clock: ManualClock
) -> None:
    _add(app, "broken", timedelta(0))
    run_due_timers(app.core)
    assert _queued(app) == []
    assert run_due_timers(app.core) == 0  # not retried at once
    clock.advance(timedelta(minutes=2))
    run_due_timers(app.core)
    assert app.calls == ["broken", "broken"]  # type: ignore[attr-defined]
    with unit_of_work(app.core.engine) as connection:
        attempts = connection.execute(
            select(TIMER.c.attempts).where(TIMER.c.key == "test:broken")
        ).scalar()
    assert attempts == 2


def test_a_timer_whose_statement_the_database_refuses_is_retried_later(
    app: Staffroom, clock: ManualClock
) -> None:
    # On PostgreSQL the refused statement aborts the transaction: only what the handler did
    # is undone, and the failure is still recorded.
    _add(app, "clashing", timedelta(0))
    _add(app, "after", timedelta(0))
    assert run_due_timers(app.core) == 2
    assert _queued(app) == ["announce:after"]
    clock.advance(timedelta(minutes=2))
    run_due_timers(app.core)
    assert app.calls == ["clashing", "after", "clashing"]  # type: ignore[attr-defined]


async def test_the_heartbeat_runs_every_due_timer_in_its_pass(app: Staffroom) -> None:
    for n in range(3):
        _add(app, f"beat{n}", timedelta(0))
    _add(app, "tomorrow", timedelta(days=1))
    await app.heartbeat.timer_pass()
    assert sorted(app.calls) == ["beat0", "beat1", "beat2"]  # type: ignore[attr-defined]


def test_cancelled_timers_do_not_run(app: Staffroom) -> None:
    _add(app, "gone", timedelta(0))
    with app.core.transaction() as ctx:
        assert timers.cancel_timers(ctx.connection, kind="test.announce", ref="gone") == 1
    assert run_due_timers(app.core) == 0


def test_a_cancelled_timer_scheduled_again_under_its_key_runs(
    app: Staffroom, clock: ManualClock
) -> None:
    _add(app, "again", timedelta(hours=1))
    with app.core.transaction() as ctx:
        timers.cancel_timers(ctx.connection, kind="test.announce", ref="again")
    _add(app, "again", timedelta(minutes=30))
    _add(app, "again", timedelta(hours=2))  # scheduled now, so left as it is
    clock.advance(timedelta(minutes=30))
    assert run_due_timers(app.core) == 1
    _add(app, "again", timedelta(0))  # done: the same key does not run twice
    assert run_due_timers(app.core) == 0
    assert app.calls == ["again"]  # type: ignore[attr-defined]


def test_the_daily_upkeep_comes_back_the_next_day_after_failing_for_good(
    app: Staffroom, clock: ManualClock
) -> None:
    with app.core.transaction() as ctx:
        networks.create_network(ctx.connection, name="Net", timezone="Europe/London", now=ctx.now)

    def upkeeps() -> dict[str, str]:
        with unit_of_work(app.core.engine) as connection:
            rows = connection.execute(
                select(TIMER.c.key, TIMER.c.status).where(TIMER.c.kind == DAILY_UPKEEP)
            )
            return {row.key: row.status for row in rows}

    [today] = upkeeps()
    with app.core.transaction() as ctx:  # as five failed attempts leave it
        ctx.connection.execute(
            update(TIMER).where(TIMER.c.key == today).values(status=timers.FAILED)
        )
    clock.advance(timedelta(days=1))
    run_due_timers(app.core)  # the keeper queues the next day's
    assert sorted(upkeeps().values()) == [timers.FAILED, timers.PENDING]
    clock.advance(timedelta(days=1))
    run_due_timers(app.core)
    assert sorted(upkeeps().values()) == [timers.DONE, timers.FAILED, timers.PENDING]


def test_concurrent_passes_run_each_timer_exactly_once(app: Staffroom) -> None:
    for n in range(40):
        _add(app, f"t{n}", timedelta(0))
    passes = [threading.Thread(target=run_due_timers, args=(app.core,)) for _ in range(4)]
    for thread in passes:
        thread.start()
    for thread in passes:
        thread.join()
    assert sorted(app.calls) == sorted(f"t{n}" for n in range(40))  # type: ignore[attr-defined]
    with unit_of_work(app.core.engine) as connection:
        assert connection.execute(select(func.count()).select_from(OUTBOX)).scalar() == 40
