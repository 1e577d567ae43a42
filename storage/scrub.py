"""Scrubbing the database files after the bot detaches or erases something.

A unit of work that unties data from a person (a check-in round closing, a question resolved
or hidden, a draft discarded, a quota count expiring, an erasure) calls `scrub_after_commit`
with the tables it touched. Once its transaction has committed and the connection goes back to
the pool, SQLite folds the WAL into the database file and truncates it to nothing
(`secure_delete` is always on, so the freed bytes in the file are already zeros), and
PostgreSQL rewrites the touched tables (`VACUUM FULL`) so no dead row version keeps the old
values. An erasure names no table: it reaches every table that holds personal data (the member,
whatever points at a member, the question tables and the outbox).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlmodel import SQLModel

from storage.tables import table

log = logging.getLogger("staffroom.storage")

_PENDING = "staffroom.scrub"

_PERSONAL = "*"
# Tables whose physical order must not be the order rows arrived in: rewritten in key order.
_KEY_ORDERED = {"question_metoo": "question_metoo_pkey"}


def scrub_after_commit(connection: Connection, *tables: str) -> None:
    """Ask for the files to be scrubbed of what this unit of work removed, once it commits;
    no table named means every table holding personal data (an erasure)."""
    pending: set[str] = connection.info.setdefault(_PENDING, set())
    pending.update(tables or (_PERSONAL,))


def pending(connection: Connection) -> bool:
    """Whether the connection's unit of work asked for a scrub not yet run."""
    return bool(connection.info.get(_PENDING))


def install(engine: Engine, *, sqlite: bool) -> None:
    """Scrub whenever a connection that asked for it returns to the pool (after its commit)."""
    scrub = _checkpoint if sqlite else _vacuum

    @event.listens_for(engine, "checkin")
    def _scrub_on_checkin(dbapi_connection: Any, record: Any) -> None:
        tables = record.info.pop(_PENDING, None)
        if tables and dbapi_connection is not None:
            scrub(dbapi_connection, sorted(tables))


def _checkpoint(dbapi_connection: Any, tables: list[str]) -> None:
    # TRUNCATE waits (busy timeout) for readers of older pages, copies every frame into the
    # file and cuts the WAL to zero bytes, so no old page image survives in it.
    busy, _, _ = dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        log.warning(
            "a WAL checkpoint after a detaching operation was blocked; the next one retries"
        )


def _personal_tables() -> list[str]:
    """The member table, every table pointing at it, the question tables and the outbox."""
    table("member")  # every table is in the metadata once the tables package is loaded
    return [
        name
        for name, held in SQLModel.metadata.tables.items()
        if name in ("member", "outbox")
        or name.startswith("question")
        or any(key.column.table.name == "member" for key in held.foreign_keys)
    ]


def _vacuum(dbapi_connection: Any, tables: list[str]) -> None:
    # A plain VACUUM marks dead row versions free but leaves their bytes in the page; FULL
    # writes the table afresh. It cannot run inside a transaction; the connection is idle
    # once it is checked in.
    try:
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            if _PERSONAL in tables:
                tables = sorted(set(tables) - {_PERSONAL} | set(_personal_tables()))
            cursor.execute("VACUUM FULL " + ", ".join(f'"{name}"' for name in tables))
            for name, key in _KEY_ORDERED.items():
                if name in tables:
                    cursor.execute(f'CLUSTER "{name}" USING "{key}"')
    except Exception:
        log.exception("VACUUM after a detaching operation failed; the next one makes it good")
    finally:
        dbapi_connection.autocommit = False
