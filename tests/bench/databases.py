"""The databases benchmarks run on: a fresh PostgreSQL database of their own on a server,
dropped afterwards, so runs never see each other's data."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.engine import normalise_url


@contextmanager
def fresh_postgres(server: str) -> Iterator[str]:
    """The URL of a new, empty database on the PostgreSQL `server`, dropped when done."""
    name = f"staffroom_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
