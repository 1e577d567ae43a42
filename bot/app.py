"""The composition root: settings, database, clock, core, scheduler, delivery and adapters are
built here and passed down. Nothing is built at import time.

It is also the command line's only way to an adapter (the console, each platform's doctor
checks): adapters are imported by name when needed, so neither this module nor `bot.cli` loads
an adapter or a platform's SDK until a command uses it."""

from __future__ import annotations

import importlib
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from bot.delivery.clock import Clock, ManualClock, SystemClock
from bot.delivery.ports import ChatSender
from bot.delivery.scheduler import Heartbeat, Nudge
from bot.delivery.worker import DeliveryWorker
from bot.features import build_registry
from bot.kernel.core_config import CoreConfig
from bot.kernel.dispatcher import Core
from bot.privacy.server_secret import resolve_secret
from bot.privacy.upkeep import schedule_upkeep
from bot.runtime.config import Settings
from bot.runtime.diagnosis import PlatformCheck
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


# (the adapter module whose `check` tests a platform's credentials, whether one is set): Slack's
# is checked whenever a bot token is set, even one missing its way to receive events.
DOCTORS: tuple[tuple[str, Callable[[Settings], bool]], ...] = (
    ("adapters.slack.doctor", lambda settings: settings.slack_bot_token is not None),
    ("adapters.discord.doctor", Settings.discord_configured),
)


def platform_checks(settings: Settings) -> list[PlatformCheck]:
    """`staffroom doctor`'s check of each platform whose credentials are set."""
    checks: list[PlatformCheck] = []
    for module_name, is_set in DOCTORS:
        if is_set(settings):
            checks.append(importlib.import_module(module_name).check)
    return checks


async def open_console(
    settings: Settings,
    *,
    demo: bool,
    script: Path | None,
    clock: ManualClock,
    welcome: Sequence[str],
) -> int:
    """The bot in a terminal, played by the console adapter: `script`'s lines, or what is typed
    after `welcome` is shown. The exit code: 0 unless a script's expectation failed."""
    from rich.console import Console

    from bot.demo.demo_network import ensure_demo

    repl = importlib.import_module("adapters.console.repl")
    session_module = importlib.import_module("adapters.console.session")
    app = build(settings, clock=clock)
    if demo:
        ensure_demo(app.core)
    terminal = Console(highlight=False)
    files = Path(tempfile.gettempdir()) / "staffroom-files"
    session = session_module.ConsoleSession(app, clock, terminal, files)
    if demo:
        await session.send(":as Fran Hughes")
        await session.send(":in #a-level-chemistry")
    if script is None:
        for text in welcome:
            terminal.print(text)
        code: int = await repl.run_interactive(session)
    else:
        code = await repl.run_script(session, script)
    app.core.close()
    return code
