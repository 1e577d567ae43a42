"""Serving on real chat platforms: start the adapters the composition root built (those whose
credentials are set), the scheduler, the delivery worker and the health server on one event
loop, and stop them cleanly on SIGINT/SIGTERM.

The health server starts first, so an orchestrator sees the process alive while it connects;
`build` expects every configured adapter by name before that, so /readyz says "starting" for
each until the adapter has started and registered its own check (under the same name)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.app import build
from bot.runtime.config import Settings
from bot.runtime.observability.metrics import Metrics
from bot.runtime.observability.server import HealthServer

if TYPE_CHECKING:
    from bot.platforms import PlatformAdapter, RunningAdapter

log = logging.getLogger("staffroom.serve")


async def serve(
    settings: Settings,
    platforms: Sequence[PlatformAdapter],
    stop: asyncio.Event | None = None,
) -> None:
    """Run until SIGINT or SIGTERM (or until `stop` is set, for tests)."""
    app = build(settings, platforms=platforms)
    heartbeat = app.heartbeat
    health: HealthServer | None = None
    if settings.health_port:
        metrics = Metrics(app.core, app.worker.stats, heartbeat)
        health = HealthServer(app.core, app.readiness, metrics)
        await health.start(settings.health_host, settings.health_port)
    for platform in platforms:
        if platform not in app.adapters:
            log.info("%s not started: its credentials are not set", platform.name)
    running: list[RunningAdapter] = []
    for adapter in app.adapters:
        running.append(await adapter.start(app))
        log.info("%s started", adapter.name)
    heartbeat.start()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)
    log.info("stopping")
    heartbeat.stop()
    for started in running:
        await started.stop()
    if health is not None:
        await health.stop()
    app.core.close()
