"""The composition root: settings, database, clock, core, scheduler, delivery and adapters are
built here and passed down. Nothing is built at import time."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine

from bot.delivery.clock import Clock, SystemClock
from bot.delivery.ports import ChatSender
from bot.delivery.scheduler import Heartbeat, Nudge
from bot.delivery.worker import DeliveryWorker
from bot.features import build_registry
from bot.kernel.core_config import CoreConfig
from bot.kernel.dispatcher import Core
from bot.privacy.server_secret import resolve_secret
from bot.privacy.upkeep import schedule_upkeep
from bot.runtime.config import Settings
from bot.runtime.observability.readiness import Readiness
from storage import migrate
from storage.engine import is_sqlite, make_engine

log = logging.getLogger("staffroom.app")


class StartupError(Exception):
    """Something the operator must fix before the bot can start; the message says what."""


def open_database(settings: Settings, *, upgrade_sqlite: bool = True) -> Engine:
    """The engine, with the schema current: SQLite is upgraded in place (a single-server
    install should just work); PostgreSQL must be upgraded deliberately (`staffroom db upgrade`)."""
    engine = make_engine(settings.database_url, pool_size=max(settings.db_threads, 4))
    if not migrate.needs_upgrade(engine):
        return engine
    if is_sqlite(settings.database_url) and upgrade_sqlite:
        log.info("bringing the SQLite database schema up to date")
        migrate.upgrade(engine)
        return engine
    raise StartupError(
        "The database schema is not up to date. Run `staffroom db upgrade` (once, before starting "
        "the new version), then start the bot again."
    )


def db_threads(settings: Settings) -> int:
    if settings.db_threads:
        return settings.db_threads
    return 1 if is_sqlite(settings.database_url) else 4


@dataclass
class Staffroom:
    """A running bot's parts. Adapters add their readiness checks to `readiness`."""

    settings: Settings
    core: Core
    worker: DeliveryWorker
    heartbeat: Heartbeat
    readiness: Readiness = field(default_factory=Readiness)


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    senders: Sequence[ChatSender] = (),
) -> Staffroom:
    """Wire the bot together from settings (tests pass their own clock and engine)."""
    engine = engine or open_database(settings)
    clock = clock or SystemClock()
    config = CoreConfig(
        secret=resolve_secret(settings),
        default_timezone=settings.timezone,
        activity_retention_months=settings.activity_retention_months,
    )
    nudge = Nudge()
    core = Core(
        engine=engine,
        registry=build_registry(),
        clock=clock,
        config=config,
        db_threads=db_threads(settings),
        on_queued=nudge.ring,
    )
    worker = DeliveryWorker(
        engine=engine,
        senders={sender.platform: sender for sender in senders},
        clock=clock,
        run_in_db=core.run_in_db,
        channel_interval=settings.channel_interval,
        lease=timedelta(seconds=settings.delivery_lease),
        secret=config.secret,
    )
    with core.transaction() as ctx:
        schedule_upkeep(ctx.connection, ctx.now)
    heartbeat = Heartbeat(
        core=core,
        deliver=worker.deliver_due,
        nudge=nudge,
        timer_interval=settings.timer_interval,
        delivery_interval=settings.delivery_interval,
    )
    return Staffroom(settings=settings, core=core, worker=worker, heartbeat=heartbeat)
