"""`staffroom db backup`: a consistent copy of a live SQLite database, readable by its owner
only, which restores by copying it back; with PostgreSQL it points at pg_dump."""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.console.session import ConsoleSession
from bot.cli import app as cli
from storage import networks
from storage.backup import PAGES_PER_STEP, backup_sqlite
from storage.engine import make_engine
from storage.uow import unit_of_work


async def test_backup_of_a_running_bot(
    bot: ConsoleSession, cli_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    await bot.send(":as Fran Hughes@Harbour College admin")
    await bot.send("/staffroom setup Solent Network")
    folder = tmp_path / "backups"
    folder.mkdir()
    result = CliRunner().invoke(cli, ["db", "backup", str(folder)])  # bot still connected
    assert result.exit_code == 0, result.output
    assert "Backed up " in result.output and "(readable by its owner only)" in result.output
    [copy] = folder.iterdir()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    engine = make_engine(f"sqlite:///{copy}")
    with unit_of_work(engine) as connection:
        assert [n.name for n in networks.list_networks(connection)] == ["Solent Network"]
    engine.dispose()
    again = CliRunner().invoke(cli, ["db", "backup", str(copy)])
    assert again.exit_code == 1 and "exists already" in again.output


def test_the_copy_is_private_whatever_the_umask(
    cli_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    loose = os.umask(0o000)  # an operator's shell that makes new files world-readable
    try:
        result = CliRunner().invoke(cli, ["db", "backup", str(target)])
    finally:
        os.umask(loose)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_postgresql_is_backed_up_with_pg_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://staffroom@db/staffroom")
    result = CliRunner().invoke(cli, ["db", "backup", "x.db"])
    assert result.exit_code == 2 and "pg_dump" in result.output


def test_a_large_backup_reports_its_progress_as_it_copies(sqlite_url: str, tmp_path: Path) -> None:
    """Several steps of pages for a file of a few thousand pages, each reported, ending at the
    whole file; the copy is complete."""
    live = make_engine(sqlite_url)
    with live.begin() as connection:  # about 12 MB of member-sized rows
        connection.exec_driver_sql("CREATE TABLE padding (bytes BLOB)")
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
            "INSERT INTO padding SELECT randomblob(4000) FROM n"
        )
    reported: list[tuple[int, int]] = []
    target = tmp_path / "copy.db"
    backup_sqlite(
        database_url=sqlite_url, target=target, advance=lambda *step: reported.append(step)
    )
    live.dispose()
    done = [step[0] for step in reported]
    [total] = {step[1] for step in reported}
    assert len(reported) >= 3 and total > 2 * PAGES_PER_STEP
    assert done == sorted(set(done)) and done[-1] == total
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("SELECT count(*) FROM padding").fetchone() == (3000,)
