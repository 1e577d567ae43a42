"""Starting on Discord: settings, where `/staffroom` is registered, and what a refused
registration does (it is logged; the rest of the bot still works)."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from adapters.discord import runner
from adapters.discord.client import intents, invite_permissions, invite_url
from adapters.discord.settings import DiscordSettings
from bot.app import Staffroom
from bot.platforms import read_adapters
from tests.adapters.discord.conftest import DiscordBot, last_response, shown_text
from tests.adapters.discord.fake_discord import FakeDiscord
from tests.adapters.discord.rest_objects import APP_ID
from tests.adapters.discord.sample_feature import SampleFeature


def test_server_and_shard_settings_are_read_from_comma_separated_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCORD_GUILD_IDS", "1100000000000000001, 1100000000000000002")
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("DISCORD_SHARD_IDS", "0,2")
    settings = DiscordSettings(_env_file=None)
    assert settings.guild_ids == [1100000000000000001, 1100000000000000002]
    assert (settings.shard_count, settings.shard_ids) == (4, [0, 2])
    assert not settings.syncs_globally()


@pytest.mark.parametrize(
    ("shards", "problem"),
    [
        ({"DISCORD_SHARD_IDS": "0"}, "needs DISCORD_SHARD_COUNT"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "2"}, "from 0 to 1"),
    ],
)
def test_shards_that_cannot_exist_are_refused(
    monkeypatch: pytest.MonkeyPatch, shards: dict[str, str], problem: str
) -> None:
    for name, value in shards.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=problem):
        DiscordSettings(_env_file=None)


def test_no_privileged_intent_is_asked_for() -> None:
    wanted = intents()
    assert wanted.guilds and wanted.guild_messages
    assert not (wanted.message_content or wanted.members or wanted.presences)


def test_the_server_starts_discord_through_this_adapter_with_its_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DISCORD_TOKEN", "from-the-environment")
    (discord,) = [platform for platform in read_adapters() if platform.name == "Discord"]
    module, _, function = discord.entry.start.partition(":")
    assert getattr(importlib.import_module(module), function) is runner.start
    assert isinstance(discord.settings, DiscordSettings) and discord.configured()


async def test_with_no_server_named_the_command_is_registered_globally(
    app: Staffroom, fake: FakeDiscord, sample: SampleFeature
) -> None:
    bot = DiscordBot(app, fake, {"token": SecretStr("fake-token"), "guild_ids": []})
    await bot.start()
    (sync,) = fake.find("PUT", r"/applications/\d+/commands")
    assert sync.path == f"/applications/{APP_ID}/commands"
    assert sync.json[0]["name"] == "staffroom"
    assert sync.json[0]["contexts"] == [0]  # servers only: a DM names no network
    assert not fake.find("PUT", r"/applications/\d+/guilds/\d+/commands")
    assert bot.adapter is not None
    await bot.adapter.stop()


async def test_the_adapter_talks_to_the_discord_api_url_it_is_given(
    app: Staffroom, fake: FakeDiscord, discord_settings: dict[str, Any], sample: SampleFeature
) -> None:
    settings = DiscordSettings(_env_file=None, **discord_settings, api_url=fake.base_url + "/")
    adapter = runner.DiscordAdapter(app, settings)
    await adapter.open()  # logs in and registers /staffroom: only the fake can have answered
    assert fake.find("GET", "/users/@me")
    assert fake.find("PUT", r"/applications/\d+/guilds/\d+/commands")
    await adapter.stop()


async def test_a_refused_registration_is_logged_and_the_bot_still_answers(
    app: Staffroom,
    fake: FakeDiscord,
    discord_settings: dict[str, Any],
    sample: SampleFeature,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.fail(
        "PUT",
        r"/applications/\d+/guilds/\d+/commands",
        400,
        code=50035,
        message="Invalid Form Body",
    )
    bot = DiscordBot(app, fake, discord_settings)
    with caplog.at_level(logging.ERROR, logger="staffroom.discord"):
        await bot.start()
    assert "Discord refused /staffroom in server" in caplog.text
    requests = await bot.command(("help",))
    assert "what I can do" in shown_text(last_response(requests))
    assert bot.adapter is not None
    await bot.adapter.stop()


async def test_every_message_and_response_defaults_to_no_mentions(discord_bot: DiscordBot) -> None:
    assert discord_bot.adapter is not None
    allowed = discord_bot.adapter.client.allowed_mentions
    assert allowed is not None and allowed.to_dict() == {"parse": []}


def test_the_invitation_asks_for_the_documented_minimal_permissions() -> None:
    permissions = invite_permissions()
    assert permissions.value == 309237763072
    assert not (permissions.mention_everyone or permissions.administrator)
    assert not (permissions.manage_messages or permissions.manage_guild)
    url = invite_url(int(APP_ID))
    assert "permissions=309237763072" in url and "scope=bot+applications.commands" in url
    guide = (Path(__file__).parents[3] / "deploy" / "discord" / "README.md").read_text()
    assert "permissions=309237763072" in guide


def test_a_replica_runs_only_its_own_shards(app: Staffroom) -> None:
    settings = DiscordSettings(_env_file=None, shard_count=4, shard_ids=[1, 3])
    client = runner.DiscordAdapter(app, settings).client
    assert (client.shard_count, client.shard_ids) == (4, [1, 3])


def test_a_shard_count_without_shard_ids_is_warned_about(
    app: Staffroom, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="staffroom.discord"):
        runner.DiscordAdapter(app, DiscordSettings(_env_file=None, shard_count=2))
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "DISCORD_SHARD_IDS is not set" in warning.getMessage()
    assert "without DISCORD_TOKEN" in warning.getMessage()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="staffroom.discord"):
        runner.DiscordAdapter(app, DiscordSettings(_env_file=None, shard_count=2, shard_ids=[0]))
    assert "connects shards [0] of 2" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
