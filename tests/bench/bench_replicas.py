"""Delivery throughput of one and of two replica processes on one PostgreSQL database.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        uv run python -m tests.bench.bench_replicas [--messages 2000] [--lost-rate 0.2]

Queues N due messages to 100 channels, starts the replicas (the scale-out tests' replica
process, sending over HTTP to the local fake platform), and prints messages per second from
the first delivery until every message is recorded. Replica start-up is not counted. With
`--lost-rate`, the platform takes that share of posts and loses the answer (connection
closed, body cut short, answer too slow); the shared clock then runs a second per 20 ms so
that retries come quickly, and the lost answers, look-ups and duplicates are printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.engine import make_engine, normalise_url
from tests.conftest import START
from tests.scaleout.fake_platform import FakePlatform
from tests.scaleout.harness import Replicas, pending, queue
from tests.scaleout.shared_clock import SharedClock


async def run(
    database_url: str, replicas: int, messages: int, folder: Path, lost_rate: float
) -> str:
    platform = FakePlatform(lost_rate=lost_rate)
    await platform.start()
    clock = SharedClock(folder / f"clock-{replicas}")
    clock.set(START)
    queue(database_url, START, [f"bench:{n}" for n in range(messages)])
    started = Replicas(database_url, platform, folder / f"clock-{replicas}")
    for n in range(replicas):
        await started.start(f"R{n}", lease=600)
    first: float | None = None
    while len(platform.accepted) < messages:
        if first is None and platform.accepted:
            first = time.perf_counter()
        if lost_rate:  # backoff waits pass quickly
            clock.set(clock.now() + timedelta(seconds=0.25))
        await asyncio.sleep(0.005)
    while pending(database_url):  # lost answers are recorded once found
        clock.set(clock.now() + timedelta(seconds=1))
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - (first or time.perf_counter())
    await started.stop_all()
    await platform.stop()
    figures = f"{messages} messages, {messages / elapsed:,.0f} messages/s"
    if lost_rate:
        duplicates = len(platform.accepted) - len({text for text, _ in platform.accepted})
        figures += (
            f"; {sum(platform.lost.values())} answers lost, {platform.lookups} look-ups, "
            f"{duplicates} duplicates"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--lost-rate", type=float, default=0.0)
    arguments = parser.parse_args()
    count, lost_rate = arguments.messages, arguments.lost_rate
    server = normalise_url(os.environ["TEST_DATABASE_URL"])
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with tempfile.TemporaryDirectory() as folder:
        for replicas in (1, 2):
            name = f"staffroom_bench_{uuid.uuid4().hex[:8]}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(server).set(database=name).render_as_string(hide_password=False)
            engine = make_engine(url)
            migrate.upgrade(engine)
            engine.dispose()
            try:
                figures = asyncio.run(run(url, replicas, count, Path(folder), lost_rate))
                print(f"{replicas} replica(s): {figures}")
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()
