"""Delivery throughput of one and of two replica processes on one PostgreSQL database.

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        uv run python -m tests.bench.bench_replicas [--messages 2000]

Queues N due messages to 100 channels, starts the replicas (the scale-out tests' replica
process, sending over HTTP to the local fake platform), and prints messages per second from
the first delivery to the last. Replica start-up is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.engine import make_engine, normalise_url
from tests.conftest import START
from tests.scaleout.fake_platform import FakePlatform
from tests.scaleout.harness import Replicas, queue
from tests.scaleout.shared_clock import SharedClock


async def run(database_url: str, replicas: int, messages: int, folder: Path) -> float:
    platform = FakePlatform()
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
        await asyncio.sleep(0.005)
    elapsed = time.perf_counter() - (first or time.perf_counter())
    await started.stop_all()
    await platform.stop()
    return messages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    count = parser.parse_args().messages
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
                rate = asyncio.run(run(url, replicas, count, Path(folder)))
                print(f"{replicas} replica(s): {count} messages, {rate:,.0f} messages/s")
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()
