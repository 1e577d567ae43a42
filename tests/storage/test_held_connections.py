"""The database threads' own SQLite connections (`storage.uow.HeldConnections`): a unit of
work commits or leaves nothing, even when the commit itself fails, and the thread's next unit
works as before; each thread has its own connection."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from storage import migrate
from storage.engine import make_engine
from storage.uow import HeldConnections


@pytest.fixture
def held(tmp_path: Path) -> HeldConnections:
    engine = make_engine(f"sqlite:///{tmp_path / 'held.db'}")
    migrate.upgrade(engine)
    return HeldConnections(engine)


def _networks(held: HeldConnections) -> list[str]:
    with held.unit_of_work() as connection:
        return list(connection.execute(text("SELECT name FROM network ORDER BY name")).scalars())


def _add_network(connection: Connection, name: str) -> None:
    connection.execute(
        text(
            "INSERT INTO network (name, timezone, k_threshold, created_at) "
            "VALUES (:name, 'UTC', 3, '2026-12-03 09:00:00.000000')"
        ),
        {"name": name},
    )


def test_a_unit_commits_and_a_failing_one_leaves_nothing(held: HeldConnections) -> None:
    with held.unit_of_work() as connection:
        _add_network(connection, "Kept")
    with pytest.raises(RuntimeError), held.unit_of_work() as connection:
        _add_network(connection, "Dropped")
        raise RuntimeError("the handler failed")
    assert _networks(held) == ["Kept"]
    held.close()


def test_a_commit_that_fails_leaves_nothing_and_the_next_unit_works(held: HeldConnections) -> None:
    """A foreign key checked only at commit fails the commit itself; the transaction must not
    stay open on the driver, or every later command on that thread would fail."""
    with pytest.raises(Exception, match="FOREIGN KEY"), held.unit_of_work() as connection:
        connection.execute(text("PRAGMA defer_foreign_keys = ON"))
        _add_network(connection, "Orphaned")
        connection.execute(
            text(
                "INSERT INTO workspace (network_id, platform, external_id, created_at) "
                "VALUES (999, 'console', 'nowhere', '2026-12-03 09:00:00.000000')"
            )
        )
    with held.unit_of_work() as connection:
        _add_network(connection, "Next")
    assert _networks(held) == ["Next"]
    held.close()


def test_each_thread_keeps_its_own_connection(held: HeldConnections) -> None:
    seen: list[int] = []

    def twice() -> None:
        for _ in range(2):
            with held.unit_of_work() as connection:
                seen.append(id(connection.connection.dbapi_connection))

    threads = [threading.Thread(target=twice) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 4 and len(set(seen)) == 2
    held.close()
