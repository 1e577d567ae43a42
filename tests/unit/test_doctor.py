"""`staffroom doctor` against local fakes of the Slack Web API and the Discord REST API: it
reports good credentials, rejected tokens, missing scopes, intents and an out-of-date schema,
and says what to fix. An OAuth install's checks are in `test_doctor_oauth.py`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from aiohttp import web
from sqlalchemy import text
from typer.testing import CliRunner

from adapters.slack.doctor import SLACK_SCOPES
from bot.cli import app as cli
from storage.engine import make_engine

GOOD = "good-token"


def _slack_api(scopes: str) -> web.Application:
    async def auth_test(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {GOOD}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return web.json_response(
            {"ok": True, "user": "staffroom", "team": "Solent Schools"},
            headers={"x-oauth-scopes": scopes},
        )

    async def connections_open(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer xapp-good":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return web.json_response({"ok": True, "url": "wss://example.invalid/socket"})

    application = web.Application()
    application.router.add_post("/api/auth.test", auth_test)
    application.router.add_post("/api/apps.connections.open", connections_open)
    return application


def _discord_api(flags: int) -> web.Application:
    def authorised(request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {GOOD}"

    async def me(request: web.Request) -> web.Response:
        if not authorised(request):
            return web.json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        return web.json_response({"id": "1", "username": "Staffroom"})

    async def application_me(request: web.Request) -> web.Response:
        return web.json_response({"id": "2", "flags": flags})

    application = web.Application()
    application.router.add_get("/api/v10/users/@me", me)
    application.router.add_get("/api/v10/applications/@me", application_me)
    return application


@pytest.fixture
def serve(background: asyncio.AbstractEventLoop) -> Iterator[Callable[[web.Application], str]]:
    """Runs a fake API on the background loop; its root URL."""
    loop = background
    runners: list[web.AppRunner] = []

    async def start(application: web.Application) -> str:
        runner = web.AppRunner(application)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    def run(application: web.Application) -> str:
        return asyncio.run_coroutine_threadsafe(start(application), loop).result(10)

    yield run
    for runner in runners:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)


def _doctor() -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["doctor"])
    return result.exit_code, result.output


def test_all_good(cli_env: pytest.MonkeyPatch, serve) -> None:  # type: ignore[no-untyped-def]
    slack = serve(_slack_api(",".join(sorted(SLACK_SCOPES | {"reactions:read"}))))
    discord = serve(_discord_api(flags=1 << 15))
    cli_env.setenv("SLACK_API_URL", f"{slack}/api/")
    cli_env.setenv("SLACK_BOT_TOKEN", GOOD)
    cli_env.setenv("SLACK_APP_TOKEN", "xapp-good")
    cli_env.setenv("DISCORD_API_URL", f"{discord}/api/v10")
    cli_env.setenv("DISCORD_TOKEN", GOOD)
    code, output = _doctor()
    assert code == 0, output
    assert "✓ Database: reachable, schema current" in output
    assert "✓ Slack: bot staffroom in Solent Schools" in output
    assert "✓ Slack scopes: all granted" in output
    assert "✓ Slack Socket Mode" in output
    assert "✓ Discord: bot Staffroom" in output
    assert "privileged intents enabled: Server Members" in output
    assert "What to fix" not in output


def test_bad_tokens_and_missing_scopes_say_what_to_fix(
    cli_env: pytest.MonkeyPatch,
    serve: Callable[[web.Application], str],
) -> None:
    slack = serve(_slack_api("commands,chat:write"))
    discord = serve(_discord_api(flags=1 << 18))
    cli_env.setenv("SLACK_API_URL", f"{slack}/api")
    cli_env.setenv("SLACK_BOT_TOKEN", GOOD)
    cli_env.setenv("SLACK_APP_TOKEN", "xapp-revoked")
    cli_env.setenv("DISCORD_API_URL", f"{discord}/api/v10")
    cli_env.setenv("DISCORD_TOKEN", "stale")
    code, output = _doctor()
    assert code == 1
    assert "✗ Slack scopes: missing channels:history, files:write, groups:history" in output
    assert "Bot Token Scopes" in output
    assert "✗ Slack Socket Mode: SLACK_APP_TOKEN rejected (invalid_auth)" in output
    assert "✗ Discord: DISCORD_TOKEN rejected (401)" in output
    assert "What to fix" in output

    cli_env.setenv("SLACK_BOT_TOKEN", "xoxb-wrong")
    cli_env.setenv("DISCORD_TOKEN", GOOD)
    code, output = _doctor()
    assert "✗ Slack: SLACK_BOT_TOKEN rejected (invalid_auth)" in output
    assert "Message Content is enabled but not needed" in output


def test_an_out_of_date_schema_and_bad_settings(
    cli_env: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    engine = make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '35bda41eca8e'"))
    engine.dispose()
    code, output = _doctor()
    assert code == 1
    assert "✗ Database: schema at 35bda41eca8e" in output
    assert "staffroom db upgrade" in output
    assert "! Platforms: no Slack or Discord credentials" in output

    cli_env.setenv("STAFFROOM_HEALTH_PORT", "not-a-port")
    code, output = _doctor()
    assert code == 1 and "✗ Settings: STAFFROOM_HEALTH_PORT" in output


def test_an_unreachable_database(cli_env: pytest.MonkeyPatch) -> None:
    cli_env.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    code, output = _doctor()
    assert code == 1
    assert "✗ Database: cannot connect" in output and "DATABASE_URL" in output
