"""The unit of work: one database transaction per inbound event or timer.

It commits only when the block finishes without an exception, so a failed event never leaves
half its writes behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Connection]:
    """Yield a connection inside a transaction; commit on success, roll back on error."""
    with engine.connect() as connection, connection.begin():
        yield connection
