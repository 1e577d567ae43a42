"""One replica of the bot for the scale-out tests, run as its own process:
`python -m tests.scaleout.replica DATABASE_URL PLATFORM_URL CLOCK_FILE NAME LEASE_SECONDS`.

It is the real bot (build, core, timers, delivery worker) with the shared clock and an HTTP
sender to the fake platform, running timer and delivery passes until SIGTERM. A test timer
kind, `test.post`, queues one message per timer, so timers are shown to run once too.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot.app import build
from bot.delivery.scheduler import run_due_timers
from bot.kernel.context import Context
from bot.kernel.registry import TimerSpec
from bot.kernel.replies import Reply
from bot.runtime import event_loop
from bot.runtime.config import Settings
from storage.engine import make_engine
from storage.groups import ChannelRecord
from storage.timers import TimerRecord
from tests.conftest import TEST_SECRET
from tests.scaleout.http_sender import PLATFORM, HttpChatSender
from tests.scaleout.shared_clock import SharedClock

TIMER_KIND = "test.post"


def post_for_timer(timer: TimerRecord, ctx: Context) -> None:
    channel = ChannelRecord(PLATFORM, "W", f"T{int(timer.ref) % 50}", "")
    key = f"timer-post:{timer.ref}"
    ctx.outbox.to_channel(channel, key=key, reply=Reply.say(key), purpose="test")


async def main(
    database_url: str, platform_url: str, clock_file: str, name: str, lease: str
) -> None:
    settings = Settings(
        database_url=database_url,
        secret=TEST_SECRET,
        channel_interval=0.0,
        delivery_lease=float(lease),
        db_threads=2,
    )
    app = build(settings, clock=SharedClock(Path(clock_file)), engine=make_engine(database_url))
    app.core.registry.timer(TimerSpec(TIMER_KIND, post_for_timer))
    sender = HttpChatSender(platform_url, name)
    app.worker.add_sender(sender)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    while not stop.is_set():
        ran = await app.core.run_in_db(run_due_timers, app.core)
        delivered = await app.worker.deliver_due()
        if not ran and not delivered:
            await asyncio.sleep(0.02)
    await sender.close()
    app.core.close()


if __name__ == "__main__":
    event_loop.run(main(*sys.argv[1:6]))
