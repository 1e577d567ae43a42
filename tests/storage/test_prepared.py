"""Statements run straight on the driver (`storage.prepared`) write and read exactly what
SQLAlchemy would, on both databases: instants stored in the same form (so a message due now is
sent in order with the others, and compared right), booleans, the caller's transaction, and
errors the dispatcher recognises (a double click retried, not an apology)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from storage.prepared import Prepared, insert_of
from storage.tables import table
from storage.uow import unit_of_work

DELIVERY = table("platform_delivery")
AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
_insert = Prepared(insert_of(DELIVERY, "platform", "delivery_id", "seen_at"))
_seen = Prepared(
    select(DELIVERY.c.delivery_id, DELIVERY.c.seen_at)
    .where(DELIVERY.c.seen_at <= DELIVERY.c.seen_at)  # every row, through a typed column
    .order_by(DELIVERY.c.seen_at, DELIVERY.c.delivery_id)
)


def test_instants_are_stored_as_sqlalchemy_stores_them(engine: Engine) -> None:
    """A row written by SQLAlchemy at 08:00:00.5 sorts after one written straight at 08:00
    and before one at 08:00:01 — which only holds if both wrote the same format."""
    with unit_of_work(engine) as connection:
        _insert.run(connection, platform="slack", delivery_id="straight-0800", seen_at=AT)
        connection.execute(
            insert(DELIVERY).values(
                platform="slack",
                delivery_id="sqlalchemy-08005",
                seen_at=AT + timedelta(milliseconds=500),
            )
        )
        _insert.run(
            connection,
            platform="slack",
            delivery_id="straight-0801",
            seen_at=AT + timedelta(seconds=1),
        )
    with unit_of_work(engine) as connection:
        rows = _seen.all(connection)
        ours = connection.execute(
            select(DELIVERY.c.delivery_id, DELIVERY.c.seen_at).order_by(DELIVERY.c.seen_at)
        ).all()
    assert [name for name, _ in rows] == ["straight-0800", "sqlalchemy-08005", "straight-0801"]
    assert [tuple(row) for row in ours] == rows
    assert rows[0][1] == AT and rows[0][1].tzinfo is not None  # read back aware, in UTC


def test_a_naive_instant_is_refused_as_sqlalchemy_refuses_it(engine: Engine) -> None:
    with pytest.raises(ValueError, match="naive"), unit_of_work(engine) as connection:
        _insert.run(connection, platform="slack", delivery_id="x", seen_at=AT.replace(tzinfo=None))


def test_a_duplicate_is_sqlalchemy_s_integrity_error_and_rolls_back_with_the_transaction(
    engine: Engine,
) -> None:
    with pytest.raises(IntegrityError), unit_of_work(engine) as connection:
        _insert.run(connection, platform="slack", delivery_id="twice", seen_at=AT)
        _insert.run(connection, platform="slack", delivery_id="twice", seen_at=AT)
    with unit_of_work(engine) as connection:
        assert _seen.all(connection) == []  # the first insert went with the failed transaction


def test_an_insert_that_needs_python_defaults_is_refused_when_planned(engine: Engine) -> None:
    """Leaving out a column whose default SQLAlchemy computes would silently store NULL."""
    outbox = table("outbox")
    partial = Prepared(insert_of(outbox, "key", "payload"))
    with pytest.raises(ValueError, match="defaults"):
        partial.plan(engine.dialect)
