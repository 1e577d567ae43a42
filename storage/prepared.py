"""Statements on the paths every command takes, compiled once per database and run straight on
the driver's cursor.

SQLAlchemy Core spends about 25 µs on each execution of even a prebuilt statement (building
the parameters, firing events, wrapping the cursor and its rows) — on SQLite ten times what
the database itself takes to answer an indexed query. A `Prepared` statement keeps what
SQLAlchemy compiled — the SQL, the order of its parameters and each column type's conversion
(instants to UTC and back, booleans) — and runs it on the connection's own driver connection,
inside the same transaction. Errors come back as SQLAlchemy's (`IntegrityError`…), with
parameters hidden as the engine hides them. On PostgreSQL, psycopg prepares a statement the
server has seen a few times, so the plan is reused there too.

Only plain statements qualify: no expanding `IN` lists, no column defaults computed in Python
(`insert_of` names every inserted column). `plan` refuses the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Connection, Insert, Table, bindparam, exc, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement
from sqlalchemy.types import TypeEngine

Convert = Callable[[Any], Any]
StatementFor = Callable[[str], ClauseElement]  # the statement for a dialect's name


@dataclass(frozen=True, slots=True)
class Plan:
    """What running the statement on one dialect needs."""

    sql: str
    names: tuple[str, ...]  # the parameters, in the order the SQL takes them
    positional: bool
    fixed: Mapping[str, Any]  # values written into the statement itself
    binders: tuple[tuple[int, Convert], ...]  # (parameter, conversion) where needed
    readers: tuple[tuple[int, Convert], ...]  # (column, conversion) where needed


class Prepared:
    """One statement, planned on first use on each kind of database."""

    def __init__(self, statement: ClauseElement | StatementFor) -> None:
        self._statement = statement
        self._plans: dict[str, Plan] = {}

    def plan(self, dialect: Dialect) -> Plan:
        found = self._plans.get(dialect.name)
        if found is None:
            found = self._plans[dialect.name] = self._make_plan(dialect)
        return found

    def _make_plan(self, dialect: Dialect) -> Plan:
        statement = (
            self._statement
            if isinstance(self._statement, ClauseElement)
            else self._statement(dialect.name)
        )
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if compiled.insert_prefetch or compiled.update_prefetch:
            raise ValueError("a prepared statement cannot fill column defaults in Python")
        binds = compiled.binds
        if any(bind.expanding for bind in binds.values()):
            raise ValueError("a prepared statement cannot take an expanding IN list")
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(binds)
        fixed = {name: bind.value for name, bind in binds.items() if not bind.required}
        binders = tuple(
            (index, bind)
            for index, name in enumerate(names)
            if (bind := _impl(binds[name].type, dialect).bind_processor(dialect)) is not None
        )
        returned = getattr(statement, "exported_columns", ())
        readers = tuple(
            (index, read)
            for index, column in enumerate(returned)
            if (read := _impl(column.type, dialect).result_processor(dialect, None)) is not None
        )
        return Plan(compiled.string, names, compiled.positional, fixed, binders, readers)

    def _execute(self, connection: Connection, params: Mapping[str, Any]) -> tuple[Plan, Any]:
        plan = self.plan(connection.dialect)
        arguments = _arguments(plan, params)
        driver = connection.connection.dbapi_connection
        assert driver is not None
        try:
            return plan, driver.execute(plan.sql, arguments)
        except connection.dialect.loaded_dbapi.Error as error:
            raise _as_sqlalchemy(connection, plan, arguments, error) from error

    def run_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
        """Run a statement that returns no rows once for each of `rows`, in one call to the
        driver; how many rows it changed in all."""
        if not rows:
            return 0
        plan = self.plan(connection.dialect)
        arguments = [_arguments(plan, row) for row in rows]
        driver = connection.connection.dbapi_connection
        assert driver is not None
        cursor = driver.cursor()
        try:
            cursor.executemany(plan.sql, arguments)  # type: ignore[arg-type]  # all one kind
        except connection.dialect.loaded_dbapi.Error as error:
            raise _as_sqlalchemy(connection, plan, arguments[0], error) from error
        count = int(cursor.rowcount)
        cursor.close()
        return count

    def first(self, connection: Connection, **params: Any) -> tuple[Any, ...] | None:
        """The first row (columns converted as SQLAlchemy would), or None."""
        plan, cursor = self._execute(connection, params)
        row = cursor.fetchone()
        cursor.close()
        return None if row is None else _read(plan, row)

    def all(self, connection: Connection, **params: Any) -> list[tuple[Any, ...]]:
        plan, cursor = self._execute(connection, params)
        rows = cursor.fetchall()
        cursor.close()
        return [_read(plan, row) for row in rows]

    def run(self, connection: Connection, **params: Any) -> int:
        """Run a statement that returns no rows; how many rows it changed."""
        _, cursor = self._execute(connection, params)
        count = int(cursor.rowcount)
        cursor.close()
        return count


def _arguments(plan: Plan, params: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
    fixed = plan.fixed
    values = [params[name] if name in params else fixed[name] for name in plan.names]
    for index, bind in plan.binders:
        value = values[index]
        if value is not None:
            values[index] = bind(value)
    return tuple(values) if plan.positional else dict(zip(plan.names, values, strict=True))


def _as_sqlalchemy(
    connection: Connection, plan: Plan, arguments: Any, error: Exception
) -> exc.StatementError:
    """The driver's error as SQLAlchemy would raise it (`IntegrityError`…), parameters hidden."""
    dialect = connection.dialect
    return exc.DBAPIError.instance(
        plan.sql,
        arguments,
        error,
        dialect.loaded_dbapi.Error,
        hide_parameters=True,
        dialect=dialect,
    )


def _impl(type_: TypeEngine[Any], dialect: Dialect) -> TypeEngine[Any]:
    # The dialect's own version of the type: SQLite's DATETIME, say, writes the microseconds
    # that the generic DateTime leaves to the driver, so values compare as SQLAlchemy's do.
    return type_.dialect_impl(dialect)


def _read(plan: Plan, row: Any) -> tuple[Any, ...]:
    if not plan.readers:
        return tuple(row)  # as the driver gives it
    values = list(row)
    for index, read in plan.readers:
        value = values[index]
        if value is not None:
            values[index] = read(value)
    return tuple(values)


def parameters(*columns: str) -> dict[str, BindParameter[Any]]:
    """An INSERT's values, each a parameter named as its column (every column given, so none
    is left to a default computed in Python)."""
    return {name: bindparam(name) for name in columns}


def insert_of(table: Table, *columns: str) -> Insert:
    """`INSERT INTO table (columns…) VALUES (…)`, each value a parameter named as its column."""
    return insert(table).values(parameters(*columns))
