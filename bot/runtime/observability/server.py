"""The health server: a small aiohttp application on its own port.

- `/healthz`: the process is up, its event loop answers and no adapter has stopped for good
  (liveness); 503 naming the adapter if one has, so that an orchestrator restarts the process.
- `/readyz`: the database is reachable with the schema this version expects (or a newer one,
  during a rolling upgrade), and every configured adapter is serving (each has registered its
  check and the check passes); 503 with the reasons if not.
- `/metrics`: Prometheus exposition.
"""

from __future__ import annotations

import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import Engine

from bot.kernel.dispatcher import Core
from bot.runtime.observability.metrics import Metrics
from bot.runtime.observability.readiness import Readiness
from storage import migrate

log = logging.getLogger("staffroom.health")


def database_problem(engine: Engine, head: str | None) -> str | None:
    """Why the database is not ready, or None (database thread)."""
    try:
        current = migrate.current_revision(engine)
    except Exception as error:
        return f"database unreachable ({type(error).__name__})"
    if current == head or (current is not None and not migrate.is_known(current)):
        # A newer version has upgraded the schema during a rolling upgrade: keep serving.
        return None
    return f"database schema at {current or 'nothing'}, expected {head}: run `staffroom db upgrade`"


class HealthServer:
    """Serves /healthz, /readyz and /metrics for one running bot."""

    def __init__(self, core: Core, readiness: Readiness, metrics: Metrics) -> None:
        self._core = core
        self._readiness = readiness
        self._metrics = metrics
        self._head = migrate.head_revision()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        application = web.Application()
        application.router.add_get("/healthz", self.healthz)
        application.router.add_get("/readyz", self.readyz)
        application.router.add_get("/metrics", self.metrics)
        self._application = application

    async def healthz(self, request: web.Request) -> web.Response:
        stopped = self._readiness.stopped_for_good()
        if stopped:
            return web.Response(status=503, text="stopped\n" + "\n".join(stopped) + "\n")
        return web.Response(text="ok\n")

    async def readyz(self, request: web.Request) -> web.Response:
        problems = self._readiness.problems()
        database = await self._core.run_in_db(database_problem, self._core.engine, self._head)
        if database is not None:
            problems.insert(0, database)
        if problems:
            return web.Response(status=503, text="not ready\n" + "\n".join(problems) + "\n")
        return web.Response(text="ready\n")

    async def metrics(self, request: web.Request) -> web.Response:
        body = await self._metrics.render()
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def start(self, host: str, port: int) -> None:
        """Listen on host:port (port 0 picks a free one; `self.port` tells which)."""
        self._runner = web.AppRunner(self._application, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        log.info("health server on %s:%s (/healthz, /readyz, /metrics)", host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
