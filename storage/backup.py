"""Online backups of a SQLite database (`staffroom db backup`): SQLite's backup API copies the
live file consistently while the bot keeps writing. The copy holds everything the bot knows
about every member, so only its owner may read it (mode 0600), from the moment it exists.
PostgreSQL is backed up with pg_dump instead (the README's operator guide).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.engine import normalise_url

BACKUP_MODE = 0o600


class BackupError(Exception):
    """A backup that cannot be made, and why."""


def backup_sqlite(*, database_url: str, target: Path) -> Path:
    """Copy the SQLite database at `database_url` into the new file `target` (which must not
    exist yet); returns the database file copied."""
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
        live.backup(copy)
    return Path(source)
