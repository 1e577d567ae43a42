"""The event loop the bot's processes run on: uvloop's where it is built (Linux, macOS),
asyncio's own elsewhere (Windows). The Slack intake, which only acknowledges and never waits
on a database, stays on asyncio's: measured there, uvloop changed nothing beyond noise.

Every inbound event is handed from the event loop to a database thread and back
(`bot.runtime.db_threads`). On asyncio's own loop that round trip costs about 70 µs of CPU on
one core here — a waking write to the loop's socket, two selector passes, the callbacks in
Python — against about 28 µs on uvloop, whose loop is written in C over libuv: a check-in
answer costs about 550 µs in all (README, Performance).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on a new event loop, as `asyncio.run` does."""
    try:
        import uvloop
    except ImportError:  # not built for this platform
        return asyncio.run(main)
    return uvloop.run(main)
