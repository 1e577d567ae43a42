"""The gateway connection, through a fake gateway speaking Discord's protocol to the real
discord.py client: readiness follows the connection, closes Discord allows to come back from
are resumed, and the ones it does not (4004, 4014) stop the adapter clearly — a log line, a
note to the facilitators and a failing /healthz."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.discord.runner import READINESS
from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from tests.adapters.discord import payloads
from tests.adapters.discord.conftest import DiscordBot, eventually, shown_text
from tests.adapters.discord.fake_gateway import FakeGateway


def _problems(app: Staffroom) -> list[str]:
    return app.readiness.problems()


async def test_ready_only_once_the_gateway_session_is_up(
    discord_bot: DiscordBot, gateway: FakeGateway
) -> None:
    adapter = discord_bot.adapter
    assert adapter is not None
    gateway.accepting.clear()
    adapter.connect()
    assert _problems(discord_bot.app) == [f"{READINESS}: not connected"]
    gateway.accepting.set()
    await eventually(adapter.client.connected)
    assert _problems(discord_bot.app) == []
    assert gateway.identifies[0]["intents"] == adapter.client.intents.value


TWO_SHARDS = {
    "token": SecretStr("fake-token"),
    "guild_ids": [int(payloads.GUILD)],
    "global_sync": False,
    "shard_count": 2,
}


@pytest.mark.parametrize("discord_settings", [TWO_SHARDS])
async def test_with_two_shards_ready_only_once_both_have_their_session(
    discord_bot: DiscordBot, gateway: FakeGateway
) -> None:
    adapter = discord_bot.adapter
    assert adapter is not None and adapter.client.shard_count == 2
    adapter.connect()
    await eventually(lambda: len(gateway.identifies) == 1)
    await asyncio.sleep(0.5)  # shard 0 has its session; discord.py waits 5 s before shard 1
    assert not adapter.client.connected()
    assert _problems(discord_bot.app) == [f"{READINESS}: not connected"]
    await eventually(adapter.client.connected)
    assert sorted(tuple(i["shard"]) for i in gateway.identifies) == [(0, 2), (1, 2)]


@pytest.mark.parametrize("code", [4000, 4009, 1001])
async def test_a_close_discord_allows_is_resumed_and_not_ready_meanwhile(
    connected_bot: DiscordBot, gateway: FakeGateway, code: int
) -> None:
    client = connected_bot.adapter.client  # type: ignore[union-attr]
    gateway.accepting.clear()
    await gateway.close(code)
    await eventually(lambda: not client.connected())
    assert _problems(connected_bot.app) == [f"{READINESS}: not connected"]
    gateway.accepting.set()
    await gateway.wait_for_sessions(2)
    await eventually(client.connected)
    assert len(gateway.resumes) == 1 and gateway.resumes[0]["session_id"] == "session-1"
    assert connected_bot.app.readiness.stopped_for_good() == []


async def test_an_unreachable_gateway_is_tried_again_with_backoff_until_it_is_back(
    connected_bot: DiscordBot, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    client = connected_bot.adapter.client  # type: ignore[union-attr]
    gateway.down = True
    await gateway.close(4000)
    await eventually(lambda: gateway.turned_away >= 2)  # the resume, then a first retry
    assert not client.connected()
    assert _problems(connected_bot.app) == [f"{READINESS}: not connected"]
    gateway.down = False
    await eventually(client.connected, seconds=30)  # the next retry, up to 4 s later
    assert len(gateway.identifies) == 2  # a new session, as after any failed resume
    assert connected_bot.app.readiness.stopped_for_good() == []
    retries = [r for r in caplog.records if r.getMessage().startswith("Attempting a reconnect")]
    assert retries and all(r.levelname == "WARNING" and not r.exc_info for r in retries)
    assert "after WSServerHandshakeError" in retries[0].getMessage()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_refused_token_stops_discord_clearly(
    connected_bot: DiscordBot,
    gateway: FakeGateway,
    network_ready: Callable[[], Any],
    caplog: pytest.LogCaptureFixture,
    clock: ManualClock,
) -> None:
    await network_ready()
    app = connected_bot.app
    caplog.set_level(logging.INFO)
    await gateway.close(4004)
    await eventually(lambda: bool(app.readiness.stopped_for_good()))

    (stopped,) = app.readiness.stopped_for_good()
    assert stopped.startswith(f"{READINESS}: stopped: Discord refused the bot token")
    assert "4004" in stopped and "DISCORD_TOKEN" in stopped
    assert _problems(app) == [stopped]
    (line,) = [r for r in caplog.records if "stopped for good" in r.getMessage()]
    assert line.levelno == logging.ERROR and line.exc_info is None
    # The facilitator is told by direct message what happened and what it means: the
    # notice waits in the outbox until Discord is back (here: restarted with a good token).
    await eventually(lambda: "facilitators will be told" in caplog.text)
    await connected_bot.deliver()
    assert connected_bot.fake.posts() == []
    await connected_bot.restart()
    clock.advance(timedelta(minutes=10))  # past the retry's backoff
    await connected_bot.deliver()
    (notice,) = connected_bot.fake.posts()
    text = shown_text(notice.json)
    assert "lost its connection to Discord" in text and "Discord refused the bot token" in text
    # Restarted and refused again the same day (an orchestrator retrying): told only once.
    connected_bot.adapter.connect()  # type: ignore[union-attr]
    await gateway.wait_for_sessions(2)
    await gateway.close(4004)
    await eventually(lambda: "0 facilitators will be told" in caplog.text)


async def test_disallowed_intents_stop_discord_clearly(
    discord_bot: DiscordBot, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.refuse_identify(4014)
    discord_bot.adapter.connect()  # type: ignore[union-attr]
    app = discord_bot.app
    await eventually(lambda: bool(app.readiness.stopped_for_good()))
    (stopped,) = app.readiness.stopped_for_good()
    assert "4014" in stopped and "disallowed intents" in stopped
    assert not discord_bot.adapter.client.connected()  # type: ignore[union-attr]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.exc_info for r in errors if r.name.startswith("staffroom")] == [None]
