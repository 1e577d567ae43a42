"""Engine set-up for the two supported databases.

SQLite (the embedded default) gets WAL, a busy timeout, foreign keys and `BEGIN IMMEDIATE`
transactions, so concurrent writers queue instead of failing on a lock upgrade. Its files are
private (created 0600, and SQLite gives the `-wal` and `-shm` files the database's mode),
deleted content is overwritten with zeros (`secure_delete`) and the WAL is kept small
(`journal_size_limit`) and folded into the file by the heartbeat (`storage.wal`), not by the
command that happens to fill it; `storage.scrub` truncates it after detaching operations. PostgreSQL is
reached through psycopg 3; plain `postgresql://` and `postgres://` URLs are accepted.
Both hide statement parameters from error messages: they may be text members wrote, and a
failed statement's error is logged.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from storage import scrub

SQLITE_BUSY_TIMEOUT_MS = 10_000
# After a checkpoint the WAL is cut back to this size instead of staying as large as it grew.
SQLITE_WAL_LIMIT_BYTES = 1 << 20
# SQLite folds the WAL into the file itself only once it reaches this many pages: a running bot
# does it every second off the command path (`storage.wal`), so this is the backstop for a
# process without a heartbeat (the command line) rather than a cost one command in a few
# hundred pays.
SQLITE_AUTOCHECKPOINT_PAGES = 10_000
PRIVATE_FILE_MODE = 0o600


def normalise_url(url: str) -> str:
    """Pick our drivers for URLs written the way operators usually write them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalise_url(url)).get_backend_name() == "sqlite"


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """Build the engine for `url` with the settings each database needs."""
    url = normalise_url(url)
    if is_sqlite(url):
        return _sqlite_engine(url)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        hide_parameters=True,
    )
    scrub.install(engine, sqlite=False)
    return engine


def make_private(database: str | None) -> None:
    """Create the SQLite file (and tighten it and its companions) so only its owner reads it,
    whatever the umask; in-memory databases have no file."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE_MODE))
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if file.exists() and stat.S_IMODE(file.stat().st_mode) & 0o077:
            file.chmod(PRIVATE_FILE_MODE)


def _sqlite_engine(url: str) -> Engine:
    make_private(make_url(url).database)
    # Every unit of work ends in COMMIT or ROLLBACK itself, so the pool's extra rollback on
    # return would only cost time on the hot path.
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        pool_reset_on_return=None,
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself (pysqlite's own
        # deferred BEGIN would make two writers deadlock on the lock upgrade).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA journal_size_limit={SQLITE_WAL_LIMIT_BYTES}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        driver = connection.connection.dbapi_connection
        if not driver.in_transaction:  # else begun on the driver (`storage.uow`)
            driver.execute("BEGIN IMMEDIATE")

    scrub.install(engine, sqlite=True)
    return engine
