"""One bot process for the exactly-once test: it runs the timer pass and the delivery pass, a
few items at a time, against a shared database until there is nothing left to do, recording
every message it sends as a line in a shared file.

Run as `python -m tests.storage.reminder_worker URL INSTANT OUT_FILE READY_DIR NAME`; it waits
until every process named in READY_DIR has started, so that they really run side by side.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from datetime import datetime
from functools import partial
from pathlib import Path

from bot.app import build
from bot.delivery.clock import ManualClock
from bot.delivery.ports import Destination
from bot.delivery.scheduler import run_due_timers
from bot.delivery.worker import DeliveryWorker
from bot.kernel.replies import Reply
from bot.runtime.config import Settings
from storage.engine import make_engine

PROCESSES = 2
SECRET = "test-secret-for-staffroom-0123456789"


class FileSender:
    """A `ChatSender` that appends `name<TAB>channel<TAB>text` for each message it sends."""

    platform = "console"

    def __init__(self, path: Path, name: str) -> None:
        self._path = path
        self._name = name
        self._refs = itertools.count(1)

    async def send(self, destination: Destination, reply: Reply) -> str:
        line = f"{self._name}\t{destination.channel}\t{reply.fallback_text()}\n"
        with self._path.open("a", encoding="utf-8") as out:  # O_APPEND: whole lines, no mixing
            out.write(line)
        return f"{self._name}-{next(self._refs)}"

    async def edit(self, message_ref: str, reply: Reply) -> None:
        raise AssertionError("no edits expected")


async def work(url: str, instant: datetime, out: Path, ready: Path, name: str) -> None:
    clock = ManualClock(instant)
    settings = Settings(
        database_url=url,
        secret=SECRET,
        channel_interval=0.0,
        secret_file=out.parent / "unused.secret",
    )
    app = build(settings, clock=clock, engine=make_engine(url))
    worker = DeliveryWorker(
        engine=app.core.engine,
        senders={"console": FileSender(out, name)},
        clock=clock,
        run_in_db=app.core.run_in_db,
        batch=5,
        channel_interval=0,
    )
    (ready / name).touch()
    deadline = time.monotonic() + 60
    while len(list(ready.iterdir())) < PROCESSES and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    idle = 0
    while idle < 3:
        ran = await app.core.run_in_db(partial(run_due_timers, app.core, limit=5))
        delivered = await worker.deliver_due()
        idle = 0 if ran or delivered else idle + 1
    app.core.close()
    app.core.engine.dispose()


if __name__ == "__main__":
    url, instant, out, ready, name = sys.argv[1:6]
    asyncio.run(work(url, datetime.fromisoformat(instant), Path(out), Path(ready), name))
