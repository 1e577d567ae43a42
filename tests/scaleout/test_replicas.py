"""Scale-out on PostgreSQL, with real processes: two replicas on one database deliver a burst
of 1,000 due messages exactly once while the platform fails a fifth of the calls; a replica
killed (SIGKILL) in the middle of sending leaves its claimed messages to the other, which
sends them as soon as the lease runs out — not before, and not twice.

The replicas share a clock through a file, so the test moves time for both; all waiting is
bounded, and every wait fails with a description of what was seen.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.delivery.outbox import Outbox
from bot.delivery.worker import MAX_ATTEMPTS
from bot.kernel.replies import Reply
from storage import timers
from storage.engine import make_engine
from storage.groups import ChannelRecord
from storage.tables import table
from storage.uow import unit_of_work
from tests.conftest import START
from tests.scaleout.fake_platform import FakePlatform, fails
from tests.scaleout.http_sender import PLATFORM
from tests.scaleout.replica import TIMER_KIND
from tests.scaleout.shared_clock import SharedClock

pytestmark = pytest.mark.postgres
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


@pytest.fixture
async def platform() -> AsyncIterator[FakePlatform]:
    fake = FakePlatform()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def clock(tmp_path: Path) -> SharedClock:
    shared = SharedClock(tmp_path / "clock")
    shared.set(START)
    return shared


@pytest.fixture
async def replicas(
    postgres_url: str, platform: FakePlatform, clock: SharedClock, tmp_path: Path
) -> AsyncIterator[Replicas]:
    started = Replicas(postgres_url, platform, tmp_path / "clock")
    yield started
    await started.stop_all()


def _queue(database_url: str, now: datetime, keys: list[str], timer_refs: range = range(0)) -> None:
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


def _pending(database_url: str) -> int:
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


async def _until(condition: Callable[[], bool], what: Callable[[], str]) -> None:
    for _ in range(WAIT_STEPS):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"gave up waiting: {what()}")


async def test_two_replicas_deliver_a_burst_exactly_once_despite_failures(
    postgres_url: str, platform: FakePlatform, clock: SharedClock, replicas: Replicas
) -> None:
    platform.failure_rate = 0.2
    keys = [f"burst:{n}" for n in range(800)]
    expected = keys + [f"timer-post:{ref}" for ref in range(200)]
    # The failures are fixed in advance; none makes a message give up.
    assert all(
        sum(1 for attempt in range(MAX_ATTEMPTS) if fails(text, attempt, 0.2)) < MAX_ATTEMPTS
        for text in expected
    )
    _queue(postgres_url, START, keys, range(200))
    await replicas.start("A", lease=3600)
    await replicas.start("B", lease=3600)

    async def tick() -> None:  # backoff and Retry-After waits pass quickly
        while True:
            await asyncio.sleep(0.02)
            clock.set(clock.now() + timedelta(seconds=1))

    ticking = asyncio.create_task(tick())
    try:
        await _until(
            lambda: len(platform.accepted) >= len(expected) and _pending(postgres_url) == 0,
            lambda: f"{len(platform.accepted)} accepted, {_pending(postgres_url)} pending",
        )
    finally:
        ticking.cancel()

    delivered = Counter(text for text, _ in platform.accepted)
    assert sorted(delivered) == sorted(expected)
    assert max(delivered.values()) == 1
    by_replica = Counter(replica for _, replica in platform.accepted)
    assert by_replica["A"] > 0 and by_replica["B"] > 0, by_replica
    failed_calls = sum(platform.calls.values()) - len(platform.accepted)
    assert failed_calls > 0.15 * len(expected)


async def test_a_killed_replicas_messages_are_sent_by_the_other_once_its_lease_runs_out(
    postgres_url: str, platform: FakePlatform, clock: SharedClock, replicas: Replicas
) -> None:
    lease = timedelta(seconds=30)
    platform.hold_replica = "A"
    keys = [f"kill:{n}" for n in range(200)]
    _queue(postgres_url, START, keys)
    doomed = await replicas.start("A", lease=lease.total_seconds())
    await _until(lambda: platform.held > 0, lambda: "replica A never called the platform")
    engine = make_engine(postgres_url)
    with unit_of_work(engine) as connection:
        claimed = {
            row.key
            for row in connection.execute(
                select(OUTBOX.c.key).where(OUTBOX.c.lease_owner.like(f"%:{doomed.pid}:%"))
            )
        }
    assert claimed, "replica A claimed nothing"
    os.kill(doomed.pid, signal.SIGKILL)
    await doomed.wait()

    await replicas.start("B", lease=lease.total_seconds())
    others = len(keys) - len(claimed)
    await _until(
        lambda: len(platform.accepted) == others,
        lambda: f"B delivered {len(platform.accepted)} of the {others} unclaimed",
    )
    # B keeps working (it delivers new messages) but leaves A's leased ones alone…
    _queue(postgres_url, clock.now(), ["later:1", "later:2"])
    await _until(
        lambda: len(platform.accepted) == others + 2,
        lambda: f"B delivered {len(platform.accepted) - others} of 2 later messages",
    )
    assert claimed.isdisjoint(text for text, _ in platform.accepted)

    # …until the lease runs out; then it sends them, once each.
    expiry = START + lease + timedelta(seconds=1)
    clock.set(expiry)
    await _until(
        lambda: len(platform.accepted) == len(keys) + 2,
        lambda: f"{len(platform.accepted)} of {len(keys) + 2} delivered after the lease",
    )
    delivered = Counter(text for text, _ in platform.accepted)
    assert set(delivered) == set(keys) | {"later:1", "later:2"}
    assert max(delivered.values()) == 1
    assert {replica for _, replica in platform.accepted} == {"B"}
    with unit_of_work(engine) as connection:
        sent_at = connection.execute(
            select(func.max(OUTBOX.c.sent_at)).where(OUTBOX.c.key.in_(claimed))
        ).scalar()
    engine.dispose()
    assert sent_at == expiry  # at the first moment the lease allowed
