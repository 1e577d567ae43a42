"""Alembic environment: migrations are generated from, and checked against, SQLModel.metadata.

Staffroom runs Alembic programmatically (`storage.migrate`), passing an open connection in
`config.attributes["connection"]`; there is no alembic.ini.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers every table on the metadata)
from storage.migrate import include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite can only ALTER through table copies
    compare_type=True,
    include_name=include_name,  # full-text search objects are written by hand
)
with context.begin_transaction():
    context.run_migrations()
