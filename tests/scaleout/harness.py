"""What the scale-out tests (and the replica benchmark) share: starting and ending replica
processes, queuing messages and timers for them, counting what is left to do, and waiting for
a condition with a bound and a description of what was seen."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.delivery.outbox import Outbox
from bot.kernel.replies import Reply
from storage import timers
from storage.engine import make_engine
from storage.groups import ChannelRecord
from storage.tables import table
from storage.uow import unit_of_work
from tests.scaleout.fake_platform import FakePlatform
from tests.scaleout.http_sender import PLATFORM
from tests.scaleout.replica import TIMER_KIND
from tests.scaleout.shared_clock import SharedClock

OUTBOX = table("outbox")
TIMER = table("timer")
ROOT = Path(__file__).resolve().parents[2]
WAIT_STEPS = 3600  # × 50 ms: at most three minutes for any one wait (replicas start slowly on a busy machine)


class Replicas:
    """Starts replica processes and ends them (only those it started)."""

    def __init__(self, database_url: str, platform: FakePlatform, clock_file: Path) -> None:
        self._args = (database_url, platform.url, str(clock_file))
        self.processes: dict[str, asyncio.subprocess.Process] = {}

    async def start(self, name: str, lease: float) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.scaleout.replica", *self._args, name, str(lease), cwd=ROOT
        )
        self.processes[name] = process
        return process

    async def stop_all(self) -> None:
        for process in self.processes.values():
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
                    await process.wait()


def queue(database_url: str, now: datetime, keys: list[str], timer_refs: range = range(0)) -> None:
    """Queue a message per key (to 100 channels in turn) and a `test.post` timer per ref."""
    engine = make_engine(database_url)
    with unit_of_work(engine) as connection:
        outbox = Outbox(connection, now, None)
        for n, key in enumerate(keys):
            channel = ChannelRecord(PLATFORM, "W", f"C{n % 100}", "")
            outbox.to_channel(channel, key=key, reply=Reply.say(key), purpose="test")
        for ref in timer_refs:
            timers.add_timer(
                connection, key=f"timer:{ref}", kind=TIMER_KIND, due_at=now, ref=str(ref)
            )
    engine.dispose()


def pending(database_url: str) -> int:
    """Messages to the fake platform and test timers not yet done."""
    engine = make_engine(database_url)
    with unit_of_work(engine) as connection:
        messages = connection.execute(
            select(func.count()).where(OUTBOX.c.status == "pending", OUTBOX.c.platform == PLATFORM)
        ).scalar()
        due_timers = connection.execute(
            select(func.count()).where(TIMER.c.kind == TIMER_KIND, TIMER.c.status == "pending")
        ).scalar()
    engine.dispose()
    return int(messages or 0) + int(due_timers or 0)


def outcomes(database_url: str) -> dict[str, tuple[str, str | None]]:
    """Each message's status and recorded platform reference, by key."""
    engine = make_engine(database_url)
    with unit_of_work(engine) as connection:
        rows = connection.execute(
            select(OUTBOX.c.key, OUTBOX.c.status, OUTBOX.c.message_ref).where(
                OUTBOX.c.platform == PLATFORM
            )
        ).all()
    engine.dispose()
    return {key: (status, ref) for key, status, ref in rows}


async def until(condition: Callable[[], bool], what: Callable[[], str]) -> None:
    for _ in range(WAIT_STEPS):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting: {what()}")


async def deliver_all(
    database_url: str, platform: FakePlatform, clock: SharedClock, expected: int
) -> None:
    """Run the shared clock a second per 20 ms (backoff and Retry-After waits pass quickly)
    until the platform took `expected` posts and nothing is left to do."""

    async def tick() -> None:
        while True:
            await asyncio.sleep(0.02)
            clock.set(clock.now() + timedelta(seconds=1))

    ticking = asyncio.create_task(tick())
    try:
        await until(
            lambda: len(platform.accepted) >= expected and pending(database_url) == 0,
            lambda: f"{len(platform.accepted)} accepted, {pending(database_url)} pending",
        )
    finally:
        ticking.cancel()
