"""The operator CLI, run as an operator would (typer's runner, a real SQLite file)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'ops.db'}")
    monkeypatch.setenv("STAFFROOM_SECRET", "cli-test-secret-0123456789")
    for name in [name for name in os.environ if name.startswith(("SLACK_", "DISCORD_"))]:
        monkeypatch.delenv(name)
    return tmp_path


def test_db_upgrade_then_status(environment: Path) -> None:
    status = runner.invoke(app, ["db", "status"])
    assert status.exit_code == 1 and "needs `staffroom db upgrade`" in status.output
    upgrade = runner.invoke(app, ["db", "upgrade"])
    assert upgrade.exit_code == 0 and "Upgraded the database" in upgrade.output
    assert runner.invoke(app, ["db", "upgrade"]).output.startswith(
        "The database is already up to date"
    )
    assert runner.invoke(app, ["db", "status"]).exit_code == 0


def test_network_create_import_and_list(environment: Path) -> None:
    created = runner.invoke(
        app, ["network", "create", "Hampshire Colleges", "--workspace", "console:console"]
    )
    assert created.exit_code == 0, created.output
    again = runner.invoke(app, ["network", "create", "hampshire colleges"])
    assert again.exit_code == 1 and "already exists" in again.output
    roster = environment / "roster.csv"
    roster.write_text(
        "kind,name,school,group,description,platform,user_id\n"
        "school,Ridgeway School,,,,,\n"
        "group,A-level Chemistry,,,,,\n"
        "leader,Tom Patel,Ridgeway School,A-level Chemistry,,console,tom\n",
        encoding="utf-8",
    )
    dry = runner.invoke(
        app, ["import", str(roster), "--network", "Hampshire Colleges", "--dry-run"]
    )
    assert (
        dry.exit_code == 0 and "Nothing was written" in dry.output and "1 new people" in dry.output
    )
    done = runner.invoke(app, ["import", str(roster), "--network", "Hampshire Colleges"])
    assert done.exit_code == 0 and "1 new people" in done.output
    listed = runner.invoke(app, ["network", "list"])
    assert "Hampshire Colleges (Europe/London) — console:console" in listed.output


def test_a_bad_roster_reports_lines_and_imports_nothing(environment: Path) -> None:
    runner.invoke(app, ["network", "create", "Net", "--workspace", "console:console"])
    roster = environment / "bad.csv"
    roster.write_text(
        "kind,name,school,group,description,platform,user_id\nschool,,,,,,\nmember,X,,,,console,x\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(roster), "--network", "Net"])
    assert result.exit_code == 1
    assert (
        "line 2" in result.output
        and "line 3" in result.output
        and "nothing was imported" in result.output
    )


def test_bad_workspace_and_timezone_are_explained(environment: Path) -> None:
    assert (
        "platform:id"
        in runner.invoke(app, ["network", "create", "N", "--workspace", "teams:1"]).output
    )
    assert (
        "Unknown time zone"
        in runner.invoke(app, ["network", "create", "N", "--timezone", "Mars/Base"]).output
    )


def test_a_misspelt_default_time_zone_stops_the_bot_with_a_suggestion(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFFROOM_TIMEZONE", "Europe/Londn")
    result = runner.invoke(app, ["network", "list"])
    assert result.exit_code == 2
    assert "Setting TIMEZONE" in result.output and "isn't a time zone I know" in result.output
    assert "Did you mean `Europe/London`" in result.output


def test_run_without_credentials_explains_and_opens_the_demo_console(environment: Path) -> None:
    result = runner.invoke(app, ["run"], input="/staffroom whoami\n")
    assert result.exit_code == 0, result.output
    assert "SLACK_BOT_TOKEN" in result.output and "DISCORD_TOKEN" in result.output
    assert "Slack (OAuth install)" in result.output and "SLACK_CLIENT_ID" in result.output
    assert "Fran Hughes" in result.output and "facilitator of the network" in result.output
    assert (environment / "staffroom-demo.db").exists()


def test_a_bad_platform_setting_stops_the_start_naming_it(
    environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_HTTP_PORT", "not-a-port")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    assert "Setting SLACK_HTTP_PORT: Input should be a valid integer" in result.output
    monkeypatch.setenv("SLACK_HTTP_PORT", "3000")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "0")
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2 and "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT" in result.output


def test_console_script_exit_code_reflects_expectations(environment: Path) -> None:
    good = environment / "good.script"
    good.write_text(":as Fran Hughes\n/staffroom help\n:expect what I can do\n", encoding="utf-8")
    bad = environment / "bad.script"
    bad.write_text("/staffroom help\n:expect something that is not there\n", encoding="utf-8")
    assert runner.invoke(app, ["console", "--demo", "--script", str(good)]).exit_code == 0
    failed = runner.invoke(app, ["console", "--demo", "--script", str(bad)])
    assert failed.exit_code == 1 and "expected to see" in failed.output


@pytest.mark.parametrize("held", [b"", b"\n", b"0123456789abcde\n"])
def test_a_secret_file_too_short_to_key_anything_stops_the_start(
    environment: Path, monkeypatch: pytest.MonkeyPatch, held: bytes
) -> None:
    monkeypatch.delenv("STAFFROOM_SECRET")
    (environment / "staffroom.secret").write_bytes(held)
    script = environment / "hello.script"
    script.write_text(":as Fran Hughes\n/staffroom help\n", encoding="utf-8")
    started = runner.invoke(app, ["console", "--script", str(script)])
    assert started.exit_code == 2
    assert "The secret file staffroom.secret holds" in started.output
    assert "must be at least 16" in started.output
    checked = runner.invoke(app, ["doctor"])
    assert "✗ Secret: not usable" in checked.output and "must be at least 16" in checked.output

    (environment / "staffroom.secret").unlink()  # as the message says: a new one is generated
    assert runner.invoke(app, ["console", "--script", str(script)]).exit_code == 0
    assert len((environment / "staffroom.secret").read_bytes()) >= 16
