"""Online backups of a SQLite database (`staffroom db backup`): SQLite's backup API copies the
live file consistently while the bot keeps writing. The copy holds everything the bot knows
about every member, so only its owner may read it (mode 0600), from the moment it exists.
PostgreSQL is backed up with pg_dump instead (the README's operator guide).

The copy is made a few megabytes at a time so that whoever asked can be told how far it has
got. A backup made in steps restarts whenever another process changes the database between
two steps, which a busy bot would do all the time; holding one read transaction on the live
file for the whole copy keeps every step on the same snapshot (in WAL mode the bot goes on
writing meanwhile), so the copy is as consistent as a one-step backup and never restarts.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.engine import normalise_url

BACKUP_MODE = 0o600
PAGES_PER_STEP = 1024  # 4 MB at SQLite's usual page size


class BackupError(Exception):
    """A backup that cannot be made, and why."""


def backup_sqlite(
    *, database_url: str, target: Path, advance: Callable[[int, int], None] | None = None
) -> Path:
    """Copy the SQLite database at `database_url` into the new file `target` (which must not
    exist yet); returns the database file copied. `advance` is told (pages copied, pages in
    all) after each step."""
    source = make_url(normalise_url(database_url)).database
    if not source or not Path(source).exists():
        raise BackupError(f"There is no SQLite database at {source!r} (DATABASE_URL).")
    try:
        # Created empty with its final mode first, so the copy is never readable by others.
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, BACKUP_MODE)
    except FileExistsError:
        raise BackupError(f"{target} exists already; give a new file name.") from None
    os.close(descriptor)
    os.chmod(target, BACKUP_MODE)  # the umask may have taken bits away; it can't add any
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.execute("BEGIN")
        live.execute("SELECT count(*) FROM sqlite_master")  # takes the snapshot the copy reads
        live.backup(copy, pages=PAGES_PER_STEP, progress=_step_reporter(advance))
        live.rollback()
    return Path(source)


def _step_reporter(advance: Callable[[int, int], None] | None) -> Callable[[int, int, int], None]:
    """sqlite3's progress callback (status, pages remaining, pages in all) as (done, total)."""

    def reported(status: int, remaining: int, total: int) -> None:
        if advance is not None:
            advance(total - remaining, total)

    return reported
