"""The heartbeat's checkpoint folds SQLite's log into the database file: after it, a copy of
the file alone (without its `-wal`) holds what was committed, while the bot keeps running."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from storage import deliveries, migrate, wal
from storage.engine import make_engine
from storage.uow import unit_of_work

AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _ids_in_copy_of_file_alone(database: Path, folder: Path) -> list[str]:
    copy = folder / "copy.db"
    shutil.copyfile(database, copy)  # the file only: no -wal, no -shm
    with sqlite3.connect(copy) as connection:
        return [row[0] for row in connection.execute("SELECT delivery_id FROM platform_delivery")]


def test_a_checkpoint_leaves_committed_rows_in_the_file_itself(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    engine = make_engine(f"sqlite:///{database}")
    migrate.upgrade(engine)
    assert wal.checkpoint(engine)  # the schema is in the file
    with unit_of_work(engine) as connection:  # the bot keeps this connection open
        deliveries.first_delivery(connection, platform="slack", delivery_id="Ev1", at=AT)
    assert _ids_in_copy_of_file_alone(database, tmp_path) == []  # still only in the log
    assert wal.checkpoint(engine)
    assert _ids_in_copy_of_file_alone(database, tmp_path) == ["Ev1"]
    engine.dispose()
