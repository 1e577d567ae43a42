"""The whole bot behind the Discord adapter, talking to a fake Discord REST API.

`discord_bot` logs the real discord.py client in against the fake (no gateway), then takes
gateway payloads: `await discord_bot.interact(payload)` hands an INTERACTION_CREATE to the
client's real connection state — which builds a real `discord.Interaction` and dispatches it
through discord.py's command tree, dynamic items or events — and returns once everything it
set off has finished, with the fake's record of what was sent. `connected_bot` also connects
the client to a fake gateway (`fake_gateway.py`), for tests of the connection itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from pydantic import SecretStr

from adapters.discord.render import COLOURS
from adapters.discord.runner import DiscordAdapter
from adapters.discord.settings import DiscordSettings
from bot.app import Staffroom
from bot.kernel.replies import Tone
from tests.adapters.discord import payloads
from tests.adapters.discord.fake_discord import FakeDiscord, Recorded
from tests.adapters.discord.fake_gateway import FakeGateway
from tests.adapters.discord.rest_objects import APP_ID, BOT_USER
from tests.adapters.discord.sample_feature import SampleFeature

FACILITATOR = payloads.member("1800000000000000001", "Fran Hughes", manages_server=True)
TEACHER = payloads.member("1800000000000000002", "Tom Patel")
OTHER_TEACHER = payloads.member("1800000000000000003", "Aisha Khan")
_DISPATCHED = ("CommandTree-invoker", "discord-ui-", "discord.py: ", "staffroom: ")


class DiscordBot:
    """Drives the adapter with gateway payloads and reads what reached the fake Discord."""

    def __init__(self, app: Staffroom, fake: FakeDiscord, settings: dict[str, Any]) -> None:
        self.app = app
        self.fake = fake
        self.settings = DiscordSettings(_env_file=None, **{**settings, "api_url": fake.base_url})
        self.adapter: DiscordAdapter | None = None
        self.deadline = 2.0

    async def start(self) -> DiscordAdapter:
        self.adapter = DiscordAdapter(self.app, self.settings, deadline=self.deadline)
        await self.adapter.open()
        return self.adapter

    async def restart(self) -> DiscordAdapter:
        """A new process's adapter: new client, nothing remembered but the database."""
        assert self.adapter is not None
        await self.adapter.stop()
        return await self.start()

    @property
    def state(self) -> Any:
        assert self.adapter is not None
        return self.adapter.client._connection

    async def interact(self, payload: dict[str, Any]) -> list[Recorded]:
        """Dispatch an INTERACTION_CREATE; returns the requests it caused."""
        start = len(self.fake.requests)
        self.state.parsers["INTERACTION_CREATE"](payload)  # as the gateway calls it
        await settle()
        return self.fake.requests[start:]

    async def command(
        self,
        path: tuple[str, ...],
        option: tuple[str, str] | None = None,
        *,
        who: dict[str, Any] = TEACHER,
        guild: str = payloads.GUILD,
        channel: str = payloads.CHANNEL,
    ) -> list[Recorded]:
        data = payloads.slash(path, option)
        data["guild_id"] = guild
        return await self.interact(
            payloads.interaction(2, data, who=who, guild=guild, channel=channel)
        )

    async def deliver(self) -> int:
        """One pass of the outbox, as the heartbeat would run it."""
        return await self.app.worker.deliver_due()


async def eventually(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait until `condition` holds (things the gateway sets off happen on their own time)."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.01)


async def settle() -> None:
    """Wait until every task discord.py started for the dispatched payload has finished."""
    current = asyncio.current_task()
    while True:
        busy = [
            task
            for task in asyncio.all_tasks()
            if task is not current and not task.done() and task.get_name().startswith(_DISPATCHED)
        ]
        if not busy:
            return
        await asyncio.wait(busy)


def last_response(requests: list[Recorded]) -> dict[str, Any]:
    """The message of the interaction response (or follow-up) among `requests`."""
    for recorded in reversed(requests):
        if recorded.path.endswith("/callback") and recorded.json.get("data"):
            return dict(recorded.json["data"])
        if recorded.path.startswith("/webhooks/") and recorded.method == "POST":
            return dict(recorded.json)
    raise AssertionError(f"no response among {[(r.method, r.path) for r in requests]}")


def shown_text(message: dict[str, Any]) -> str:
    """All the text of a message's embeds, as Discord would show it (markdown and all)."""
    parts = []
    for embed in message.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        for field in embed.get("fields", []):
            parts += [field["name"], field["value"]]
    return "\n".join(part for part in parts if part)


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    # The adapter points discord.py at DISCORD_API_URL; put discord.py back after the test.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    fake.add_channel(payloads.CHANNEL, payloads.GUILD, "a-level-chemistry")
    yield fake
    await fake.stop()


@pytest.fixture
def discord_settings() -> dict[str, Any]:
    """Discord's settings the tests run with (by field name); a test may change them before
    `discord_bot`."""
    return {"token": SecretStr("fake-token"), "guild_ids": [int(payloads.GUILD)]}


@pytest.fixture
def sample(app: Staffroom) -> SampleFeature:
    """The test-only feature, registered into the bot before Discord builds /staffroom."""
    feature = SampleFeature()
    feature.register(app.core.registry)
    return feature


@pytest.fixture
async def discord_bot(
    app: Staffroom, fake: FakeDiscord, discord_settings: dict[str, Any], sample: SampleFeature
) -> AsyncIterator[DiscordBot]:
    bot = DiscordBot(app, fake, discord_settings)
    await bot.start()
    yield bot
    assert bot.adapter is not None
    await bot.adapter.stop()


@pytest.fixture
async def gateway(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeGateway]:
    gateway = FakeGateway(BOT_USER, APP_ID)
    fake.gateway_url = await gateway.start()
    # discord.py starts a new session (after a failed resume) at its default gateway URL.
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    yield gateway
    gateway.accepting.set()
    await gateway.stop()


@pytest.fixture
async def connected_bot(discord_bot: DiscordBot, gateway: FakeGateway) -> AsyncIterator[DiscordBot]:
    """`discord_bot`, connected through the fake gateway and ready."""
    assert discord_bot.adapter is not None
    discord_bot.adapter.connect()
    await eventually(discord_bot.adapter.client.connected)
    yield discord_bot
    await discord_bot.adapter.stop()  # before the gateway goes, so nothing reconnects


@pytest.fixture
def network_ready(discord_bot: DiscordBot) -> Callable[[], Any]:
    """Sets up a network in the test server with a school, a group linked to the channel and
    both teachers in it (all through `/staffroom` commands)."""

    async def ready() -> None:
        steps: list[tuple[tuple[str, ...], tuple[str, str] | None, dict[str, Any]]] = [
            (("setup",), ("details", "Solent Network"), FACILITATOR),
            (("school", "add"), ("name", "Ridgeway School"), FACILITATOR),
            (("group", "create"), ("details", "A-level Chemistry"), FACILITATOR),
            (("group", "link"), ("group", "A-level Chemistry"), FACILITATOR),
        ]
        for who in (TEACHER, OTHER_TEACHER):
            steps += [
                (("school", "set"), ("school", "Ridgeway School"), who),
                (("join",), ("group", "A-level Chemistry"), who),
            ]
        refused = {COLOURS[Tone.WARNING].value, COLOURS[Tone.ERROR].value}
        for path, option, who in steps:
            message = last_response(await discord_bot.command(path, option, who=who))
            assert message["embeds"][0]["color"] not in refused, shown_text(message)
        discord_bot.fake.requests.clear()

    return ready
