"""The server secret behind every keyed hash. It never lives in the database, so a copy of the
database alone cannot be used to test who asked an anonymous question."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.config import Settings
from storage.engine import is_sqlite


class SecretMissing(Exception):
    pass


def resolve_secret(settings: Settings) -> bytes:
    """STAFFROOM_SECRET if set; with SQLite, otherwise a generated file beside the database."""
    if settings.secret is not None:
        value = settings.secret.get_secret_value().encode()
        if len(value) < 16:
            raise SecretMissing("STAFFROOM_SECRET must be at least 16 characters long.")
        return value
    if not is_sqlite(settings.database_url):
        raise SecretMissing(
            "Set STAFFROOM_SECRET (a long random string, the same on every replica) when using "
            "PostgreSQL; for example: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return _file_secret(settings.secret_file)


def _file_secret(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    value = secrets.token_urlsafe(32).encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(value)
    return value
