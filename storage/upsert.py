"""Insert building blocks: a row returning its new id, and the dialect-aware "insert unless it
exists" and "insert or update" behind idempotent writes (outbox keys, timers, counters)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, insert

from storage.prepared import Prepared, parameters


def dialect_insert(dialect: str, table: Table) -> Any:
    """The dialect's own INSERT, which has ON CONFLICT. Each dialect's module is imported when
    first used: an SQLite install never pays for loading PostgreSQL's."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


@cache
def _insert_ignoring(table: Table, columns: tuple[str, ...], conflict: tuple[str, ...]) -> Prepared:
    # Prepared once per table and set of columns: building a statement costs more than
    # SQLite takes to run it.
    def statement(dialect: str) -> Any:
        return (
            dialect_insert(dialect, table)
            .values(parameters(*columns))
            .on_conflict_do_nothing(index_elements=list(conflict))
            # rowcount is not reliable for INSERT on every driver (psycopg reports -1);
            # a returned row is.
            .returning(table.c[conflict[0]])
        )

    return Prepared(statement)


def insert_returning_id(connection: Connection, table: Table, **values: Any) -> int:
    """Insert one row; its new surrogate id."""
    key = connection.execute(insert(table).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def insert_ignore(
    connection: Connection, table: Table, values: Mapping[str, Any], *, conflict: Sequence[str]
) -> bool:
    """Insert `values` unless a row with the same `conflict` columns exists; True if inserted."""
    statement = _insert_ignoring(table, tuple(values), tuple(conflict))
    return statement.first(connection, **values) is not None


def insert_or_update(
    connection: Connection,
    table: Table,
    values: Mapping[str, Any],
    *,
    conflict: Sequence[str],
    update: Mapping[str, Any],
    where: ColumnElement[bool] | None = None,
) -> None:
    """Insert `values`, or on a `conflict` apply `update` (expressions may use `table.c`) —
    only to a row matching `where`, when given; other conflicting rows stay as they are."""
    statement = dialect_insert(connection.dialect.name, table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict), set_=dict(update), where=where
    )
    connection.execute(statement)
