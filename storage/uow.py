"""The unit of work: one database transaction per inbound event or timer.

It commits only when the block finishes without an exception, so a failed event never leaves
half its writes behind. `HeldConnections` is the inbound events' way in: on a SQLite file each
database thread keeps its own connection instead of taking one from the pool per event.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from storage import scrub


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Connection]:
    """Yield a connection inside a transaction; commit on success, roll back on error."""
    with engine.connect() as connection, connection.begin():
        yield connection


@contextmanager
def savepoint(connection: Connection) -> Iterator[None]:
    """Undo the block's writes if it raises, and only those: the transaction goes on. Issued
    on the driver, as `HeldConnections` begins: SQLAlchemy's `begin_nested` took about 210 µs
    just to begin, as much as the rest of a timer that finds nothing to do."""
    driver = connection.connection.dbapi_connection
    assert driver is not None
    driver.execute("SAVEPOINT block")
    try:
        yield
    except BaseException:
        driver.execute("ROLLBACK TO SAVEPOINT block")
        driver.execute("RELEASE SAVEPOINT block")
        raise
    driver.execute("RELEASE SAVEPOINT block")


class HeldConnections:
    """Units of work on a connection each thread keeps, where that is safe.

    Checking a connection out of the pool and back costs about 60 µs, a sixth of a check-in
    answer. A SQLite file's connection cannot be dropped under us, so each thread keeps one.
    A PostgreSQL connection can (a restart, an idle timeout), and only the pool's pre-ping at
    checkout notices before a command fails; there every unit takes one from the pool. A unit
    that asked for the files to be scrubbed gives its connection back to the pool afterwards,
    which is where the scrub runs (`storage.scrub`).
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._hold = engine.dialect.name == "sqlite"
        self._local = threading.local()
        self._held: list[Connection] = []
        self._lock = threading.Lock()

    @contextmanager
    def unit_of_work(self) -> Iterator[Connection]:
        """Yield a connection inside a transaction; commit on success, roll back on error."""
        if not self._hold:
            with unit_of_work(self._engine) as connection:
                yield connection
            return
        connection = self._connection()
        driver = connection.connection.dbapi_connection
        assert driver is not None
        # The transaction is the driver's own: SQLAlchemy's begin and commit, with their
        # events, cost about 30 µs, and most units run only prepared statements on the
        # driver. A statement run through SQLAlchemy begins its transaction inside this one
        # (the "begin" hook in `storage.engine` then issues no BEGIN), and ends with it.
        driver.execute("BEGIN IMMEDIATE")
        try:
            yield connection
            (connection if connection.in_transaction() else driver).commit()
        except BaseException:
            # A failed commit (a full disk, a deferred constraint) leaves SQLAlchemy's transaction to be rolled
            # back, and the driver's open too.
            connection.rollback()
            if driver.in_transaction:
                driver.rollback()
            raise
        finally:
            if scrub.pending(connection):
                self._release(connection)

    def _connection(self) -> Connection:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is None or connection.closed or connection.invalidated:
            connection = self._local.connection = self._engine.connect()
            with self._lock:
                self._held.append(connection)
        return connection

    def _release(self, connection: Connection) -> None:
        self._local.connection = None
        with self._lock:
            self._held.remove(connection)
        connection.close()

    def close(self) -> None:
        """Close every thread's connection (once those threads have stopped)."""
        with self._lock:
            held, self._held = self._held, []
        for connection in held:
            connection.close()
