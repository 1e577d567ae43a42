"""The composition root: the database, clock, core, scheduler, delivery worker and the configured
platform adapters are built here from the settings (read by `bot.platforms`) and handed what
each needs; nothing changes the graph after `build`. Nothing is built at import time.

It is also the command line's only way to an engine (`open_engine`, `open_database`) and to an
adapter (the console; each platform's start and doctor check, from the one catalogue in
`bot.platforms`): adapters are imported by name when needed, so neither this module nor
`bot.cli` loads an adapter or a platform's SDK until a command uses it."""

from __future__ import annotations

import asyncio
import importlib
import logging
import secrets
import tempfile
from collections.abc import Sequence
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
from bot.platforms import PlatformAdapter
from bot.privacy.server_secret import SecretMissing, resolve_secret
from bot.privacy.upkeep import schedule_upkeep
from bot.runtime.config import Settings
from bot.runtime.diagnosis import Finding
from bot.runtime.installations import Installations, StoredInstalls
from bot.runtime.observability.readiness import Readiness
from storage import migrate
from storage.engine import is_sqlite, make_engine

log = logging.getLogger("staffroom.app")


class StartupError(Exception):
    """Something the operator must fix before the bot can start; the message says what."""


def open_engine(settings: Settings) -> Engine:
    """The engine on DATABASE_URL, its schema as it is: for `staffroom db …` (which upgrades
    it, or says how old it is) and the doctor."""
    return make_engine(settings.database_url, pool_size=max(settings.db_threads, 4))


def open_database(settings: Settings, *, upgrade_sqlite: bool = True) -> Engine:
    """The engine, with the schema current: SQLite is upgraded in place (a single-server
    install should just work); PostgreSQL must be upgraded deliberately (`staffroom db upgrade`)."""
    engine = open_engine(settings)
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
    """A running bot's parts. `adapters` are the platforms whose credentials are set, each
    expected in `readiness` until it has started and added its own check there."""

    settings: Settings
    core: Core
    worker: DeliveryWorker
    heartbeat: Heartbeat
    readiness: Readiness = field(default_factory=Readiness)
    adapters: tuple[PlatformAdapter, ...] = ()


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    senders: Sequence[ChatSender] = (),
    platforms: Sequence[PlatformAdapter] = (),
) -> Staffroom:
    """Wire the bot together from settings and the platforms read with them (of which those
    whose credentials are set become `adapters`); tests pass their own clock and engine."""
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
    adapters = tuple(platform for platform in platforms if platform.configured())
    readiness = Readiness()
    for adapter in adapters:
        readiness.expect(adapter.name)
    return Staffroom(
        settings=settings,
        core=core,
        worker=worker,
        heartbeat=heartbeat,
        readiness=readiness,
        adapters=adapters,
    )


async def check_platforms(
    settings: Settings, platforms: Sequence[PlatformAdapter]
) -> list[Finding]:
    """`staffroom doctor`'s check of each platform whose credentials are set, each able to read
    the workspaces installed through its OAuth flow from our database."""

    async def read_installs() -> StoredInstalls:
        return await stored_installs(settings)

    found: list[Finding] = []
    for platform in platforms:
        found += await platform.check(read_installs)
    return found


async def stored_installs(settings: Settings) -> StoredInstalls:
    """The installed workspaces, as the current server secret opens them, without starting the
    bot (nor generating a secret); `problem` says why they cannot be read."""
    secret = _existing_secret(settings)
    if secret is None:
        return StoredInstalls(problem="the server secret is not usable (see Secret above)")
    engine = open_engine(settings)
    try:
        if migrate.current_revision(engine) is None:
            return StoredInstalls()  # a new database: nothing is installed yet
        if migrate.needs_upgrade(engine):
            return StoredInstalls(problem="the database schema is not current (see Database above)")
        installations = Installations(engine=engine, run_in_db=asyncio.to_thread, secret=secret)
        return await installations.survey()
    except Exception as error:  # the Database check has said what; here: nothing to read
        return StoredInstalls(
            problem=f"the database cannot be read ({type(error).__name__}; see Database above)"
        )
    finally:
        engine.dispose()


def _existing_secret(settings: Settings) -> bytes | None:
    generated = settings.secret is None and is_sqlite(settings.database_url)
    if generated and not settings.secret_file.exists():
        # No secret yet, so nothing stored can be opened: a key nobody has shows exactly that,
        # where resolving the secret would generate the file.
        return secrets.token_bytes(32)
    try:
        return resolve_secret(settings)
    except SecretMissing:
        return None


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
