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

import aiohttp
import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from adapters.discord.settings import DiscordSettings
from adapters.slack import runner as slack_runner
from adapters.slack.settings import SlackSettings
from bot.app import Staffroom
from bot.platforms import CATALOGUE, PlatformAdapter
from bot.runtime.config import Settings
from bot.runtime.serve import serve
from tests.adapters.discord import payloads
from tests.adapters.discord.conftest import TEACHER, eventually
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.fake_gateway import FakeGateway
from tests.adapters.discord.rest_objects import APP_ID, BOT_USER
from tests.adapters.slack.conftest import SlackRequests, command_form
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
async def discord_fakes(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[tuple[FakeDiscord, FakeGateway]]:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    rest, gateway = FakeDiscord(), FakeGateway(BOT_USER, APP_ID)
    await rest.start()
    rest.gateway_url = await gateway.start()
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(rest.gateway_url))
    yield rest, gateway
    gateway.accepting.set()
    await gateway.stop()
    await rest.stop()


async def test_ready_only_once_slack_and_discord_both_serve(
    discord_fakes: tuple[FakeDiscord, FakeGateway],
    slack_settings: Callable[..., SlackSettings],
    settings_for: Callable[[str], Settings],
    sqlite_url: str,
) -> None:
    rest, gateway = discord_fakes
    health_port, slack_port = _free_port(), _free_port()
    configured = settings_for(sqlite_url).model_copy(
        update={"health_host": "127.0.0.1", "health_port": health_port}
    )
    slack = slack_settings(http_port=slack_port)
    discord_settings = DiscordSettings(
        _env_file=None, token="fake-token", api_url=rest.base_url, guild_ids=[int(payloads.GUILD)]
    )
    entries = {entry.name: entry for entry in CATALOGUE}
    platforms = [
        PlatformAdapter(entries["Slack"], slack),
        PlatformAdapter(entries["Discord"], discord_settings),
    ]
    gateway.accepting.clear()  # Discord connects only when the test lets it
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(configured, platforms, stop))
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
            slack_url = f"http://127.0.0.1:{slack_port}{slack.http_path}"
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
    app: Staffroom, fake_slack: FakeSlack, slack_settings: Callable[..., SlackSettings]
) -> None:
    socket_mode = slack_settings(app_token="xapp-1-A0STAFFROOM-test", signing_secret=None)
    running = await slack_runner.start(app, socket_mode)
    try:
        await eventually(lambda: app.readiness.problems() == [])
        await fake_slack.stop()  # the websocket goes away
        await eventually(lambda: app.readiness.problems() == ["Slack: not connected"])
    finally:
        await running.stop()
