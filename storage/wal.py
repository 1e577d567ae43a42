"""Folding SQLite's write-ahead log into the database file off the command path.

Left to itself, SQLite checkpoints inside the commit that fills the log to its threshold: that
command waits for pages to be copied and the file to be synced, a few milliseconds, and its
reply is late. The heartbeat calls `checkpoint` every second on a thread of its own and its
own connection instead; a PASSIVE checkpoint waits for no reader or writer, so commands carry
on while it copies. PostgreSQL has no such log to fold.
"""

from __future__ import annotations

from sqlalchemy import Engine


def checkpoint(engine: Engine) -> bool:
    """Copy what the WAL holds into the database file, as far as no one is reading it;
    True if every frame was copied (the next writer then starts the log afresh)."""
    if engine.dialect.name != "sqlite":
        return True
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()
    busy, logged, copied = row if row else (1, -1, 0)
    return not busy and logged == copied
