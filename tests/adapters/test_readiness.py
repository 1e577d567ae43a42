"""Readiness of the whole server (`staffroom run`): with Slack (HTTP mode) and Discord both
configured, /readyz — polled from the moment the health server answers — never says an adapter
is ready before it serves (Slack's port accepts, Discord's gateway session is up), says ready
only once both serve, and /healthz fails once Discord has stopped for good. Slack in Socket
Mode reports its websocket the same way."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from adapters.slack import runner as slack_runner
from bot.app import build
from bot.delivery.clock import ManualClock
from bot.runtime.config import Settings
from bot.runtime.serve import serve
from storage.engine import make_engine
from tests.adapters.discord import payloads
from tests.adapters.discord.conftest import TEACHER, eventually
from tests.adapters.discord.fake_discord import APP_ID, BOT_USER, FakeDiscord
from tests.adapters.discord.fake_gateway import FakeGateway
from tests.adapters.slack.conftest import SIGNING_SECRET, SlackRequests, command_form
from tests.adapters.slack.fake_slack import FakeSlack


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _accepts(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    return True


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, str] | None:
    try:
        async with session.get(url) as response:
            return response.status, await response.text()
    except aiohttp.ClientConnectionError:
        return None  # the health server is not listening yet


@pytest.fixture
async def fakes(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[tuple[FakeSlack, FakeDiscord, FakeGateway]]:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    slack, rest, gateway = FakeSlack(), FakeDiscord(), FakeGateway(BOT_USER, APP_ID)
    await slack.start()
    slack.add_user("U0FRAN", "Fran Hughes", admin=True)
    await rest.start()
    rest.gateway_url = await gateway.start()
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(rest.gateway_url))
    yield slack, rest, gateway
    gateway.accepting.set()
    for fake in (gateway, rest, slack):
        await fake.stop()


@pytest.fixture
def settings(sqlite_url: str, tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": sqlite_url,
            "secret": "test-secret-for-staffroom-0123456789",
            "secret_file": tmp_path / "unused.secret",
            "channel_interval": 0.0,
            "slack_bot_token": "xoxb-0000-test",
            "slack_signing_secret": SIGNING_SECRET,
            "slack_http_host": "127.0.0.1",
            "discord_token": "fake-token",
            "discord_guild_ids": [int(payloads.GUILD)],
            "discord_global_sync": False,
            "health_host": "127.0.0.1",
            **overrides,
        }
        return Settings(**values)

    return make


async def test_ready_only_once_slack_and_discord_both_serve(
    fakes: tuple[FakeSlack, FakeDiscord, FakeGateway], settings: Callable[..., Settings]
) -> None:
    slack, rest, gateway = fakes
    health_port, slack_port = _free_port(), _free_port()
    configured = settings(
        slack_api_url=slack.base_url,
        slack_http_port=slack_port,
        discord_api_url=rest.base_url,
        health_port=health_port,
    )
    gateway.accepting.clear()  # Discord connects only when the test lets it
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(configured, stop))
    readyz = f"http://127.0.0.1:{health_port}/readyz"
    answers: list[tuple[int, str]] = []
    try:
        async with aiohttp.ClientSession() as session:

            async def poll_until(done: Callable[[tuple[int, str]], bool]) -> None:
                while True:
                    answer = await _get(session, readyz)
                    if answer is not None:
                        answers.append(answer)
                        # What /readyz does not name must be serving at this moment.
                        if "Slack" not in answer[1]:
                            assert await _accepts(slack_port), answer
                        if "Discord" not in answer[1]:
                            assert rest.gateway_url and gateway.identifies, answer
                        if done(answer):
                            return
                    await asyncio.sleep(0.01)

            async with asyncio.timeout(30):
                await poll_until(lambda a: a[1] == "not ready\nDiscord: not connected\n")
                assert all(status == 503 for status, _ in answers)
                gateway.accepting.set()
                await poll_until(lambda a: a[0] == 200)
            assert answers[-1] == (200, "ready\n")

            # Both really serve: a signed Slack command and a Discord interaction are answered.
            slack_url = f"http://127.0.0.1:{slack_port}{configured.slack_http_path}"
            status, _ = await SlackRequests(session, slack_url).command(command_form("help"))
            assert status == 200
            before = len(rest.callbacks())
            help_command = payloads.interaction(2, payloads.slash(("help",)), who=TEACHER)
            await gateway.dispatch("INTERACTION_CREATE", help_command)
            await rest.wait_for("POST", r"/interactions/\d+/[^/]+/callback", before + 1)

            # Discord refuses the token: liveness fails, naming it, so the process is restarted.
            await gateway.close(4004)
            healthz = f"http://127.0.0.1:{health_port}/healthz"
            async with asyncio.timeout(10):
                while (answer := await _get(session, healthz)) and answer[0] == 200:
                    await asyncio.sleep(0.01)
            assert answer is not None and answer[0] == 503
            assert answer[1].startswith("stopped\nDiscord: stopped: Discord refused the bot token")
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(serving, 30)


async def test_socket_mode_is_ready_while_its_websocket_is_open(
    fakes: tuple[FakeSlack, FakeDiscord, FakeGateway],
    settings: Callable[..., Settings],
    clock: ManualClock,
) -> None:
    slack, _, _ = fakes
    configured = settings(
        slack_api_url=slack.base_url, slack_app_token="xapp-1-A0STAFFROOM-test", discord_token=None
    )
    app = build(configured, clock=clock, engine=make_engine(configured.database_url))
    running = await slack_runner.start(app)
    try:
        await eventually(lambda: app.readiness.problems() == [])
        await slack.stop()  # the websocket goes away
        await eventually(lambda: app.readiness.problems() == ["Slack: not connected"])
    finally:
        await running.stop()
        app.core.close()
        app.core.engine.dispose()
