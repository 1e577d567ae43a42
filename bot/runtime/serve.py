"""Serving on real chat platforms: start the configured adapters, the scheduler, the delivery
worker and the health server on one event loop, and stop them cleanly on SIGINT/SIGTERM.

The health server starts first, so an orchestrator sees the process alive while it connects;
every configured adapter is expected by name before that, so /readyz says "starting" for each
until the adapter has started and registered its own check (under the same name)."""

from __future__ import annotations

import asyncio
import importlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.app import Staffroom, StartupError, build
from bot.runtime.config import Settings
from bot.runtime.observability.metrics import Metrics
from bot.runtime.observability.server import HealthServer

log = logging.getLogger("staffroom.serve")


class RunningAdapter(Protocol):
    """What an adapter's `start` returns: something to stop at shutdown."""

    async def stop(self) -> None: ...


AdapterStarter = Callable[[Staffroom], Awaitable[RunningAdapter]]

# (platform, whether its credentials are set, "module:function" that starts it)
PLATFORMS: tuple[tuple[str, Callable[[Settings], bool], str], ...] = (
    ("Slack", Settings.slack_configured, "adapters.slack.runner:start"),
    ("Discord", Settings.discord_configured, "adapters.discord.runner:start"),
)


def _starter(path: str) -> AdapterStarter | None:
    module_name, _, function = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None
    starter: AdapterStarter = getattr(module, function)
    return starter


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT or SIGTERM (or until `stop` is set, for tests)."""
    app = build(settings)
    heartbeat = app.heartbeat
    configured = [(name, path) for name, is_set, path in PLATFORMS if is_set(settings)]
    for name, _ in configured:
        app.readiness.expect(name)
    health: HealthServer | None = None
    if settings.health_port:
        metrics = Metrics(app.core, app.worker.stats, heartbeat)
        health = HealthServer(app.core, app.readiness, metrics)
        await health.start(settings.health_host, settings.health_port)
    running: list[RunningAdapter] = []
    for name, _, path in PLATFORMS:
        if (name, path) not in configured:
            log.info("%s not started: its credentials are not set", name)
            continue
        starter = _starter(path)
        if starter is None:
            raise StartupError(f"{name} credentials are set, but this build has no {name} adapter.")
        running.append(await starter(app))
        log.info("%s started", name)
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
    for adapter in running:
        await adapter.stop()
    if health is not None:
        await health.stop()
    app.core.close()
