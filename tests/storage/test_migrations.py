"""Migrating an empty database gives exactly the models, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate
from storage.engine import make_engine


def test_sqlite_from_empty_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert migrate.needs_upgrade(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.differences(engine) == []
    engine.dispose()


def alembic_scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_the_revisions_read_without_alembic_are_alembics() -> None:
    """The start-up check reads the migration files itself; Alembic must agree with it."""
    scripts = alembic_scripts()
    assert migrate.head_revision() == scripts.get_current_head()
    every = {script.revision for script in scripts.walk_revisions()}
    assert all(migrate.is_known(revision) for revision in every)
    assert not migrate.is_known("0123456789ab")


def test_a_database_one_revision_behind_needs_an_upgrade(tmp_path: Path) -> None:
    previous = alembic_scripts().get_revision(migrate.head_revision()).down_revision
    assert isinstance(previous, str)
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(engine, previous)
    assert migrate.current_revision(engine) == previous
    assert migrate.needs_upgrade(engine)
    migrate.upgrade(engine)
    assert not migrate.needs_upgrade(engine)
    engine.dispose()


@pytest.mark.postgres
def test_postgresql_from_empty_matches_the_models(postgres_server: str) -> None:
    name = f"staffroom_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        engine = make_engine(
            make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
        )
        migrate.upgrade(engine)
        assert migrate.differences(engine) == []
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_sqlite_is_configured_for_concurrent_use(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000
    engine.dispose()


def test_sqlite_never_reuses_an_erased_members_id(sqlite_url: str) -> None:
    """A reused member id would make a newcomer the holder of an erased member's keyed hashes
    (their anonymous questions); every surrogate id is AUTOINCREMENT on SQLite."""
    from datetime import UTC, datetime

    from sqlalchemy import delete

    from storage import directory, networks
    from storage.directory import MEMBER

    engine = make_engine(sqlite_url)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    with engine.begin() as connection:
        network = networks.create_network(connection, name="N", timezone="Europe/London", now=now)
        first = directory.create_member(
            connection, network_id=network.id, display_name="Aisha", now=now
        )
        connection.execute(delete(MEMBER).where(MEMBER.c.id == first))
        second = directory.create_member(
            connection, network_id=network.id, display_name="Zed", now=now
        )
        tables: dict[str, str] = dict(
            connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            ).all()
        )
    engine.dispose()
    assert second > first
    assert "AUTOINCREMENT" in tables["member"] and "AUTOINCREMENT" in tables["question_reply"]
