"""`staffroom doctor` on a Slack OAuth install (a token per workspace, no SLACK_BOT_TOKEN): it
checks what can be checked without a workspace — the install's settings, how many workspaces
are installed on the database, whether the current server secret opens each one's token, and
whether the fake Slack of the adapter tests still accepts it with the scopes the bot uses — and
says what to fix."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from adapters.slack.doctor import SLACK_SCOPES
from bot.cli import app as cli
from bot.runtime.installations import Installations, WorkspaceInstall
from storage.engine import make_engine
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.installing import CLIENT_ID, CLIENT_SECRET, STATE_SECRET
from tests.conftest import TEST_SECRET

SIGNING_SECRET = "signing-secret-for-the-doctor"


@pytest.fixture
def fake_slack(background: asyncio.AbstractEventLoop) -> Iterator[FakeSlack]:
    fake = FakeSlack()
    asyncio.run_coroutine_threadsafe(fake.start(), background).result(10)
    yield fake
    asyncio.run_coroutine_threadsafe(fake.stop(), background).result(10)


@pytest.fixture
def oauth_env(cli_env: pytest.MonkeyPatch, fake_slack: FakeSlack) -> pytest.MonkeyPatch:
    for name, value in {
        "SLACK_API_URL": fake_slack.base_url,
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_STATE_SECRET": STATE_SECRET,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    }.items():
        cli_env.setenv(name, value)
    return cli_env


def _install(url: str, team: str, token: str, scopes: frozenset[str], secret: str) -> None:
    """A workspace installed as the OAuth flow stores it, its token sealed under `secret`."""
    engine = make_engine(url)
    installations = Installations(
        engine=engine, run_in_db=asyncio.to_thread, secret=secret.encode()
    )
    install = WorkspaceInstall(
        team_id=team,
        enterprise_id=None,
        bot_id=f"B{team}",
        bot_user_id=f"U{team}",
        bot_scopes=tuple(sorted(scopes)),
        bot_token=token,
        installed_at=datetime(2026, 9, 1, tzinfo=UTC),
    )
    asyncio.run(installations.save(install))
    engine.dispose()


def _doctor() -> tuple[int, str]:
    """The exit code, and what was printed with the terminal's line wrapping undone."""
    result = CliRunner().invoke(cli, ["doctor"])
    return result.exit_code, " ".join(result.output.split())


def test_an_install_with_no_workspace_yet_says_how_to_add_one(
    oauth_env: pytest.MonkeyPatch, fake_slack: FakeSlack
) -> None:
    code, output = _doctor()
    assert code == 0, output
    assert (
        f"✓ Slack OAuth: client {CLIENT_ID}, HTTP mode on port 3000 at /slack/events, "
        "installs at /slack/install"
    ) in output
    assert "! Slack workspaces: none installed yet" in output
    assert "open /slack/install at the bot's public address and choose Add to Slack" in output
    assert "Platforms" not in output  # OAuth credentials count as Slack's
    assert fake_slack.calls_to("auth.test") == []  # no token to ask about

    oauth_env.setenv("SLACK_BOT_TOKEN", "xoxb-left-over")
    oauth_env.setenv("SLACK_REDIRECT_URI", "https://staffroom.example.org/slack/oauth_redirect")
    code, output = _doctor()
    assert "! Slack OAuth: SLACK_BOT_TOKEN is ignored" in output
    assert "open https://staffroom.example.org/slack/install and choose Add to Slack" in output
    assert fake_slack.calls_to("auth.test") == []  # the ignored token is not checked either


def test_each_installed_workspace_is_counted_opened_and_asked_of_slack(
    oauth_env: pytest.MonkeyPatch, fake_slack: FakeSlack, sqlite_url: str
) -> None:
    _install(sqlite_url, "T0GOOD", "xoxb-good", SLACK_SCOPES, TEST_SECRET)
    _install(sqlite_url, "T0NARROW", "xoxb-narrow", frozenset({"commands"}), TEST_SECRET)
    _install(sqlite_url, "T0GONE", "xoxb-gone", SLACK_SCOPES, TEST_SECRET)
    _install(sqlite_url, "T0OLD", "xoxb-old", SLACK_SCOPES, "an-earlier-server-secret-0123")
    fake_slack.oauth.revoke_token("xoxb-gone")
    code, output = _doctor()
    assert code == 1
    assert "✓ Slack workspaces: 4 installed" in output
    assert (
        "✗ Slack workspaces: 1 of 4 tokens cannot be opened with the current server secret: T0OLD"
    ) in output
    assert "put the earlier one back" in output
    assert "✓ Slack tokens: 2 accepted by Slack" in output
    assert "✗ Slack workspace T0GONE: token refused (token_revoked)" in output
    assert "✗ Slack workspace T0NARROW scopes: missing channels:history, chat:write" in output
    assert "What to fix" in output
    asked = sorted(call["_token"] for call in fake_slack.calls_to("auth.test"))
    assert asked == ["xoxb-gone", "xoxb-good", "xoxb-narrow"]


def test_a_changed_server_secret_file_is_caught_before_the_bot_starts(
    oauth_env: pytest.MonkeyPatch, sqlite_url: str, tmp_path: object
) -> None:
    _install(sqlite_url, "T0GOOD", "xoxb-good", SLACK_SCOPES, TEST_SECRET)
    oauth_env.delenv("STAFFROOM_SECRET")  # SQLite, and the secret file is not there (yet)
    code, output = _doctor()
    assert code == 1
    assert "will be generated at first start" in output
    assert "1 of 1 tokens cannot be opened with the current server secret: T0GOOD" in output


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"SLACK_STATE_SECRET": None}, "also needs SLACK_STATE_SECRET"),
        (
            {"SLACK_STATE_SECRET": "too-short"},
            "SLACK_STATE_SECRET: use at least 16 random characters",
        ),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "runs in HTTP mode: unset one of them"),
    ],
)
def test_half_an_install_or_socket_mode_is_a_settings_failure(
    oauth_env: pytest.MonkeyPatch, change: dict[str, str | None], problem: str
) -> None:
    for name, value in change.items():
        if value is None:
            oauth_env.delenv(name)
        else:
            oauth_env.setenv(name, value)
    code, output = _doctor()
    assert code == 1
    assert "✗ Settings:" in output and problem in output
    assert "Correct it in the environment or the .env file." in output
