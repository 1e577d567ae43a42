"""The server secret behind every keyed hash. It never lives in the database, so a copy of the
database alone cannot be used to test who asked an anonymous question."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from bot.runtime.config import Settings
from storage.engine import is_sqlite

MINIMUM_LENGTH = 16
"""Bytes; a shorter key makes every keyed hash guessable (an empty one, plain SHA-256)."""
_GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class SecretMissing(Exception):
    """No usable server secret: the message says what the operator should do."""


def resolve_secret(settings: Settings) -> bytes:
    """STAFFROOM_SECRET if set; with SQLite, otherwise a generated file beside the database."""
    if settings.secret is not None:
        value = settings.secret.get_secret_value().encode()
        if len(value) < MINIMUM_LENGTH:
            raise SecretMissing(
                f"STAFFROOM_SECRET must be at least {MINIMUM_LENGTH} characters long."
            )
        return value
    if not is_sqlite(settings.database_url):
        raise SecretMissing(
            "Set STAFFROOM_SECRET (a long random string, the same on every replica) when using "
            f"PostgreSQL; for example: {_GENERATE}"
        )
    return _file_secret(settings.secret_file)


def _file_secret(path: Path) -> bytes:
    if path.exists():
        value = path.read_bytes().strip()
        if len(value) < MINIMUM_LENGTH:
            raise SecretMissing(
                f"The secret file {path} holds {len(value)} bytes; the server secret must be at "
                f"least {MINIMUM_LENGTH}. If it is empty because it was never written completely, "
                "delete it and start again: a new one is generated. Otherwise put a long random "
                f"value in it, or set STAFFROOM_SECRET (for example: {_GENERATE}). With a new "
                "secret, askers lose control of the anonymous questions they have open."
            )
        return value
    value = secrets.token_urlsafe(32).encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(value)
    return value
