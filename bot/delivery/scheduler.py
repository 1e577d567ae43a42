"""Driving time: due timers are processed one per transaction, and APScheduler calls the timer
pass and the delivery pass at short intervals.

The database holds every schedule (timers and outbox rows); APScheduler keeps nothing but two
interval jobs in memory, so any number of processes can run it against one database. A timer
is locked by the transaction that processes it (`FOR UPDATE SKIP LOCKED` on PostgreSQL), and
whatever the handler queues commits with it: each timer's work happens exactly once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.kernel.dispatcher import Core
from storage import networks, outbox, timers, wal
from storage.uow import savepoint, unit_of_work

log = logging.getLogger("staffroom.scheduler")

MAX_TIMER_ATTEMPTS = 5
KEEP_SCHEDULES_EVERY = timedelta(hours=1)
TIMERS_PER_PASS = 500
CHECKPOINT_EVERY_SECONDS = 1.0


def keep_schedules(core: Core, now: datetime) -> None:
    """About hourly, let each feature make sure every network's recurring work is scheduled."""
    if not core.registry.schedule_keepers or not core.schedules_due(now, KEEP_SCHEDULES_EVERY):
        return
    with unit_of_work(core.engine) as connection:
        for network in networks.list_networks(connection):
            ctx = core.context(connection, now, network)
            for keeper in core.registry.schedule_keepers:
                keeper(ctx)


def run_due_timers(core: Core, now: datetime | None = None, *, limit: int = TIMERS_PER_PASS) -> int:
    """Process every timer due at `now` (default: the clock's now); returns how many ran."""
    now = now or core.clock.now()
    keep_schedules(core, now)
    processed = 0
    while processed < limit and run_next_timer(core, now) is not None:
        processed += 1
    return processed


def run_next_timer(core: Core, now: datetime) -> bool | None:
    """Run the next due timer. None when nothing is due; False when it failed."""
    failed: tuple[int, int, str] | None = None
    with core.unit_of_work() as connection:
        timer = timers.take_next_due(connection, now=now)
        if timer is None:
            return None
        spec = core.registry.timers.get(timer.kind)
        # The network comes first: the context's outbox files what the handler queues under it.
        network = (
            networks.get_network(connection, network_id=timer.network_id)
            if timer.network_id is not None
            else None
        )
        ctx = core.context(connection, now, network)
        if spec is None:
            timers.record_failure(
                connection, timer_id=timer.id, error=f"no handler for {timer.kind}", retry_at=None
            )
            return False
        try:
            with savepoint(connection):
                spec.handler(timer, ctx)
            timers.mark_done(connection, timer_id=timer.id, now=now)
        except Exception as error:
            log.exception("timer failed: kind=%s id=%s", timer.kind, timer.id)
            failed = (timer.id, timer.attempts, f"{type(error).__name__}: {error}")
            retry_at = (
                now + timedelta(minutes=2**timer.attempts)
                if timer.attempts + 1 < MAX_TIMER_ATTEMPTS
                else None
            )
            timers.record_failure(connection, timer_id=timer.id, error=failed[2], retry_at=retry_at)
    if failed is None:
        core.after_commit(ctx)
    return failed is None


def next_due(core: Core, platforms: list[str]) -> datetime | None:
    """When the next timer or outbox message falls due (the console moves its clock there)."""
    with unit_of_work(core.engine) as connection:
        candidates = [
            timers.next_due_at(connection),
            outbox.next_due_at(connection, platforms=platforms),
        ]
    due = [c for c in candidates if c is not None]
    return min(due) if due else None


class Nudge:
    """The doorbell the core rings after an event queued messages (from a database thread) and
    the heartbeat answers with a delivery pass. Made before both, so that neither has to be
    changed once it is built."""

    def __init__(self) -> None:
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def ring(self) -> None:
        """Ask for a delivery pass soon; safe from any thread, and a no-op until answered."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    def answer_on_this_loop(self) -> None:
        self._loop = asyncio.get_running_loop()

    async def rung(self) -> None:
        await self._wake.wait()
        self._wake.clear()


class Heartbeat:
    """Calls the timer pass and the delivery pass on intervals, plus whenever `nudge` rings;
    on SQLite, checkpoints the WAL every second."""

    def __init__(
        self,
        *,
        core: Core,
        deliver: Callable[[], Awaitable[int]],
        nudge: Nudge,
        timer_interval: float,
        delivery_interval: float,
    ) -> None:
        self._core = core
        self._deliver = deliver
        self._nudge = nudge
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._timer_interval = timer_interval
        self._delivery_interval = delivery_interval
        self._delivering = asyncio.Lock()
        self._waker: asyncio.Task[None] | None = None
        self.last_timer_pass: datetime | None = None
        self.last_delivery_pass: datetime | None = None

    async def timer_pass(self) -> None:
        """Each due timer is its own job on the database threads, so events are handled
        between them (a week's digests, say, are one timer per recipient)."""
        core = self._core
        now = core.clock.now()
        await core.run_in_db(keep_schedules, core, now)
        count = 0
        while (
            count < TIMERS_PER_PASS and await core.run_in_db(run_next_timer, core, now) is not None
        ):
            count += 1
        self.last_timer_pass = core.clock.now()
        if count:
            await self.delivery_pass()

    async def delivery_pass(self) -> None:
        async with self._delivering:
            try:
                while await self._deliver():
                    pass
            except Exception:
                log.exception("delivery pass failed")
            self.last_delivery_pass = self._core.clock.now()

    async def checkpoint_pass(self) -> None:
        """Fold SQLite's log into the database file on a thread of its own, so no command's
        commit pays for it (`storage.wal`)."""
        try:
            await asyncio.to_thread(wal.checkpoint, self._core.engine)
        except Exception:
            log.exception("WAL checkpoint failed; SQLite's own checkpoint is the backstop")

    async def _wake_loop(self) -> None:
        while True:
            await self._nudge.rung()
            await self.delivery_pass()

    def start(self) -> None:
        self._nudge.answer_on_this_loop()
        self._scheduler.add_job(
            self.timer_pass,
            "interval",
            seconds=self._timer_interval,
            id="timers",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        self._scheduler.add_job(
            self.delivery_pass,
            "interval",
            seconds=self._delivery_interval,
            id="delivery",
            max_instances=1,
            coalesce=True,
        )
        if self._core.engine.dialect.name == "sqlite":
            self._scheduler.add_job(
                self.checkpoint_pass,
                "interval",
                seconds=CHECKPOINT_EVERY_SECONDS,
                id="checkpoint",
                max_instances=1,
                coalesce=True,
            )
        self._scheduler.start()
        self._waker = asyncio.create_task(self._wake_loop())

    def stop(self) -> None:
        self._scheduler.shutdown(wait=False)
        if self._waker is not None:
            self._waker.cancel()
