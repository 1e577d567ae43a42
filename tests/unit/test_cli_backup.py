"""`staffroom db backup`: a consistent copy of a live SQLite database, which restores by
copying it back; with PostgreSQL it points at pg_dump."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.console.session import ConsoleSession
from bot.cli import app as cli
from storage import directory
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
    [copy] = folder.iterdir()
    engine = make_engine(f"sqlite:///{copy}")
    with unit_of_work(engine) as connection:
        assert [n.name for n in directory.list_networks(connection)] == ["Solent Network"]
    engine.dispose()
    again = CliRunner().invoke(cli, ["db", "backup", str(copy)])
    assert again.exit_code == 1 and "exists already" in again.output


def test_postgresql_is_backed_up_with_pg_dump(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://staffroom@db/staffroom")
    result = CliRunner().invoke(cli, ["db", "backup", "x.db"])
    assert result.exit_code == 2 and "pg_dump" in result.output
