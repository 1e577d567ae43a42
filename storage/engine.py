"""Engine set-up for the two supported databases.

SQLite (the embedded default) gets WAL, a busy timeout, foreign keys and `BEGIN IMMEDIATE`
transactions, so concurrent writers queue instead of failing on a lock upgrade. PostgreSQL is
reached through psycopg 3; plain `postgresql://` and `postgres://` URLs are accepted.

Both hide statement parameters from logs and from the text of database errors: a failed insert
must not write a member's words (or an anonymous question) into the log with its traceback.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 10_000


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
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        hide_parameters=True,
    )


def _sqlite_engine(url: str) -> Engine:
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
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        # Straight to the driver: this runs once per event, on the hot path.
        connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")

    return engine
