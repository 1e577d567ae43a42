"""Shared fixtures: databases (SQLite always; PostgreSQL when TEST_DATABASE_URL is set), a
hand-moved clock, the wired-up bot, the console session as an errbot-style test bot, and
logging configured as the server configures it.

PostgreSQL tests run in a database created for this run and dropped after it, so runs never
see each other's data; between tests its tables are emptied.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from adapters.console.session import ConsoleSession
from bot.app import Staffroom, build
from bot.delivery.clock import ManualClock
from bot.runtime.config import Settings
from bot.runtime.logs import CARRY_MEMBER_TEXT, NOISY, configure_logging
from storage import migrate
from storage.engine import make_engine, normalise_url

TEST_SECRET = "test-secret-for-staffroom-0123456789"
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday morning in term


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once from empty; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()  # closing the last connection folds the WAL into the file
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "staffroom.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("set TEST_DATABASE_URL to run the PostgreSQL half of the storage tests")
    return normalise_url(url)


@pytest.fixture(scope="session")
def postgres_database(postgres_server: str) -> Iterator[str]:
    """A database of its own for this test run, migrated once, dropped at the end."""
    name = f"staffroom_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_database: str) -> str:
    engine = make_engine(postgres_database)
    tables = ", ".join(f'"{t.name}"' for t in _data_tables())
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_database


def _data_tables() -> list:
    from sqlmodel import SQLModel

    return list(SQLModel.metadata.sorted_tables)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[[str], Settings]:
    def make(url: str) -> Settings:
        return Settings(
            database_url=url,
            secret=TEST_SECRET,
            channel_interval=0.0,
            secret_file=tmp_path / "unused.secret",
        )

    return make


@pytest.fixture
def app_factory(
    settings_for: Callable[[str], Settings], clock: ManualClock
) -> Iterator[Callable[[str], Staffroom]]:
    built: list[Staffroom] = []

    def make(url: str) -> Staffroom:
        app = build(settings_for(url), clock=clock, engine=make_engine(url))
        built.append(app)
        return app

    yield make
    for app in built:
        app.core.close()
        app.core.engine.dispose()


@pytest.fixture
def app(app_factory: Callable[[str], Staffroom], sqlite_url: str) -> Staffroom:
    return app_factory(sqlite_url)


@pytest.fixture
async def bot(app: Staffroom, clock: ManualClock, tmp_path: Path) -> AsyncIterator[ConsoleSession]:
    """The whole bot behind the console adapter: `await bot.send(line)` returns what it said."""
    console = Console(file=io.StringIO(), width=200, color_system=None, highlight=False)
    yield ConsoleSession(app, clock, console, tmp_path / "files")


@pytest.fixture
def production_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Logging configured as the server configures it, at DEBUG, captured."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    caplog.set_level(logging.DEBUG)
    configure_logging("DEBUG", "json", stream=io.StringIO())
    root.addHandler(caplog.handler)
    yield caplog
    root.handlers[:], _ = saved
    root.setLevel(saved[1])
    for held in (*CARRY_MEMBER_TEXT, *NOISY):
        logging.getLogger(held).setLevel(logging.NOTSET)
