"""Slash commands, buttons and autocomplete, end to end: real discord.py interactions built
from gateway payloads, answered through discord.py's HTTP client to the fake Discord."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import Staffroom
from bot.delivery.ports import Destination
from bot.kernel.replies import Button, Buttons, Reply, Text
from storage import groups
from storage.activity import ACTIVITY_DAY
from storage.networks import network_for_workspace
from tests.adapters.discord import payloads
from tests.adapters.discord.conftest import (
    FACILITATOR,
    OTHER_TEACHER,
    TEACHER,
    DiscordBot,
    last_response,
    settle,
    shown_text,
)
from tests.adapters.discord.fake_discord import FakeDiscord, Recorded
from tests.adapters.discord.rest_objects import APP_ID, EPHEMERAL, message_payload
from tests.adapters.discord.sample_feature import SampleFeature
from tests.adapters.discord.test_render import pings

SECOND_CHANNEL = "1200000000000000002"
NEWCOMER = payloads.member("1800000000000000004", "Nell New")
CALLBACK = r"/interactions/\d+/[^/]+/callback"


def callbacks(requests: list[Recorded]) -> list[dict[str, Any]]:
    return [r.json for r in requests if r.path.endswith("/callback")]


def is_private(message: dict[str, Any]) -> bool:
    return bool(message.get("flags", 0) & EPHEMERAL)


async def test_a_command_is_answered_at_once_privately_with_an_embed(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    requests = await discord_bot.command(("group", "list"))
    (callback,) = callbacks(requests)
    assert callback["type"] == 4
    message = callback["data"]
    assert is_private(message)
    assert message["allowed_mentions"] == {"parse": []}
    assert message["embeds"][0]["title"] == "Subject groups in Solent Network"
    assert "A-level Chemistry" in message["embeds"][0]["description"]


async def test_a_server_without_a_network_is_told_how_to_set_one_up(
    discord_bot: DiscordBot,
) -> None:
    requests = await discord_bot.command(("group", "list"), guild=payloads.OTHER_GUILD)
    message = last_response(requests)
    assert is_private(message)
    assert "isn't part of a Staffroom network yet" in shown_text(message)
    assert "/staffroom setup <network name>" in shown_text(message)


async def test_only_someone_who_manages_the_server_can_set_it_up(
    discord_bot: DiscordBot,
) -> None:
    teacher = await discord_bot.command(("setup",), ("details", "Solent Network"), who=TEACHER)
    assert "Only a workspace admin" in shown_text(last_response(teacher))
    admin = await discord_bot.command(("setup",), ("details", "Solent Network"), who=FACILITATOR)
    assert "Welcome to Solent Network" in shown_text(last_response(admin))


async def test_an_anonymous_question_is_answered_privately_and_posted_by_the_bot(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    question = "Has anyone seen a dip in Paper 2? @everyone @here <@&1900000000000000001> <@1800000000000000003>"
    requests = await discord_bot.command(("whisper",), ("question", question), who=TEACHER)
    assert await discord_bot.deliver() == 1
    responses = callbacks(discord_bot.fake.requests) + discord_bot.fake.followups()
    assert [c["type"] for c in callbacks(requests)] == [4]
    assert all(is_private(r.get("data", r)) for r in responses)  # no "Tom used /staffroom"
    assert "posted anonymously" in shown_text(last_response(requests))
    (post,) = discord_bot.fake.posts()
    assert post.path == f"/channels/{payloads.CHANNEL}/messages"
    assert post.json["allowed_mentions"] == {"parse": []}
    shown = shown_text(post.json)
    assert "Has anyone seen a dip in Paper 2?" in shown
    assert not pings(shown)
    assert "Tom" not in shown and "Patel" not in shown


async def test_nothing_logged_names_the_asker_or_repeats_the_question(
    app: Staffroom,
    fake: FakeDiscord,
    discord_settings: dict[str, Any],
    sample: SampleFeature,
    production_logs: pytest.LogCaptureFixture,
) -> None:
    bot = DiscordBot(app, fake, discord_settings)
    await bot.start()
    await bot.command(("setup",), ("details", "Solent Network"), who=FACILITATOR)
    await bot.command(("group", "create"), ("details", "Physics"), who=FACILITATOR)
    await bot.command(("group", "link"), ("group", "Physics"), who=FACILITATOR)
    await bot.command(("whisper",), ("question", "Is Paper 2 harder this year?"), who=TEACHER)
    await bot.deliver()
    assert bot.adapter is not None
    await bot.adapter.stop()
    assert fake.posts()  # the question went out…
    assert any(r.name.startswith("staffroom") for r in production_logs.records)  # logs were on
    assert "Paper 2" not in production_logs.text
    assert TEACHER["user"]["id"] not in production_logs.text and "Tom" not in production_logs.text


async def test_a_command_discord_still_offers_but_the_bot_no_longer_has_is_explained(
    discord_bot: DiscordBot,
) -> None:
    requests = await discord_bot.command(("retired",))
    message = last_response(requests)
    assert is_private(message) and "/staffroom help" in shown_text(message)


async def test_a_public_reply_is_a_visible_response_that_still_cannot_ping(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    requests = await discord_bot.command(
        ("group", "link"), ("group", "A-level Chemistry"), who=FACILITATOR, channel=SECOND_CHANNEL
    )
    (callback,) = callbacks(requests)
    assert callback["type"] == 4 and not is_private(callback["data"])
    assert callback["data"]["allowed_mentions"] == {"parse": []}


async def test_a_slow_command_is_deferred_privately_then_followed_up(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    requests = await discord_bot.command(("roundup",))
    assert [(c["type"], c["data"]["flags"]) for c in callbacks(requests)] == [(5, EPHEMERAL)]
    (followup,) = [r for r in requests if r.path.startswith(f"/webhooks/{APP_ID}/")]
    assert followup.method == "POST" and is_private(followup.json)
    assert "Here is the digest." in shown_text(followup.json)


async def test_a_public_reply_to_a_deferred_command_is_posted_by_the_bot(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    requests = await discord_bot.command(("roundup",), ("public", "public"))
    assert [c["type"] for c in callbacks(requests)] == [5]
    kinds = [(r.method, r.path.split("/")[1]) for r in requests]
    assert kinds == [("POST", "interactions"), ("DELETE", "webhooks"), ("POST", "channels")]
    assert "Here is the digest." in shown_text(requests[-1].json)


async def test_when_the_core_is_slower_than_the_deadline_the_answer_follows_a_deferral(
    discord_bot: DiscordBot, network_ready: Any, sample: SampleFeature
) -> None:
    await network_ready()
    assert discord_bot.adapter is not None
    discord_bot.adapter.interactions.deadline = 0.05
    answering = asyncio.create_task(discord_bot.command(("dawdle",)))
    (deferral,) = await discord_bot.fake.wait_for("POST", CALLBACK)
    assert (deferral.json["type"], deferral.json["data"]["flags"]) == (5, EPHEMERAL)
    assert not discord_bot.fake.followups()  # the core is still working…
    sample.release.set()  # …until now
    await answering
    (followup,) = discord_bot.fake.followups()
    assert "Done at last." in shown_text(followup) and is_private(followup)


def _group_id(discord_bot: DiscordBot, name: str) -> int:
    with discord_bot.app.core.engine.connect() as connection:
        network = network_for_workspace(connection, platform="discord", external_id=payloads.GUILD)
        assert network is not None
        group = groups.find_group(connection, network_id=network.id, name_key=name.lower())
        assert group is not None
        return group.id


async def test_a_button_sent_before_a_restart_works_after_it(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    await discord_bot.command(("school", "set"), ("school", "Ridgeway School"), who=NEWCOMER)
    group_id = _group_id(discord_bot, "A-level Chemistry")
    assert discord_bot.adapter is not None
    invitation = Reply((Text("Join us!"), Buttons((Button("Join", "group.join", str(group_id)),))))
    ref = await discord_bot.adapter.sender.send(
        Destination("discord", payloads.GUILD, payloads.CHANNEL), invitation
    )
    posted = discord_bot.fake.messages[ref.split("/")[-1]]
    custom_id = posted["components"][0]["components"][0]["custom_id"]
    assert custom_id == f"sr:group.join:{group_id}"

    await discord_bot.restart()
    press = payloads.interaction(3, payloads.button(custom_id), who=NEWCOMER, message=posted)
    requests = await discord_bot.interact(press)
    (callback,) = callbacks(requests)
    assert callback["type"] == 4 and is_private(callback["data"])
    assert "Welcome to **A-level Chemistry**" in shown_text(callback["data"])


def message_with_button(custom_id: str) -> dict[str, Any]:
    """A message of the bot's carrying one button, as a component interaction includes it."""
    button = {"type": 2, "style": 2, "label": "Press", "custom_id": custom_id}
    components = [{"type": 1, "components": [button]}]
    return message_payload("1500000000000009999", payloads.CHANNEL, {"components": components})


async def test_a_slow_button_is_deferred_without_a_trace_then_answered(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    custom_id = "sr:sample.tally:12"
    message = message_with_button(custom_id)
    requests = await discord_bot.interact(
        payloads.interaction(3, payloads.button(custom_id), who=TEACHER, message=message)
    )
    assert [c["type"] for c in callbacks(requests)] == [6]
    (followup,) = discord_bot.fake.followups()
    assert not is_private(followup)  # the core made this reply public
    assert "Tallied 12 for everyone to see." in shown_text(followup)


async def test_a_button_on_an_unknown_action_is_answered_kindly(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    message = message_with_button("sr:gone.away:1")
    requests = await discord_bot.interact(
        payloads.interaction(3, payloads.button("sr:gone.away:1"), who=TEACHER, message=message)
    )
    assert "no longer does anything" in shown_text(last_response(requests))


async def test_group_names_are_suggested_as_they_are_typed(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    await discord_bot.command(("group", "create"), ("details", "GCSE Chemistry"), who=FACILITATOR)
    await discord_bot.command(("group", "create"), ("details", "GCSE Drama"), who=FACILITATOR)
    requests = await discord_bot.interact(
        payloads.interaction(4, payloads.focused(("join",), "group", "chem"), who=TEACHER)
    )
    (callback,) = callbacks(requests)
    assert callback["type"] == 8
    assert [c["value"] for c in callback["data"]["choices"]] == [
        "A-level Chemistry",
        "GCSE Chemistry",
    ]


async def test_school_names_are_suggested_and_nothing_for_a_server_without_a_network(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    focused = payloads.focused(("school", "set"), "school", "ridge")
    requests = await discord_bot.interact(payloads.interaction(4, focused, who=TEACHER))
    assert [c["value"] for c in callbacks(requests)[0]["data"]["choices"]] == ["Ridgeway School"]
    elsewhere = payloads.interaction(4, focused, who=TEACHER, guild=payloads.OTHER_GUILD)
    assert callbacks(await discord_bot.interact(elsewhere))[0]["data"]["choices"] == []


async def test_any_command_can_be_typed_whole_with_run(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    typing = payloads.interaction(
        4, payloads.focused(("run",), "command", "group inf"), who=TEACHER
    )
    suggested = callbacks(await discord_bot.interact(typing))[0]["data"]["choices"]
    assert [c["value"] for c in suggested] == ["group info"]
    naming = payloads.interaction(
        4, payloads.focused(("run",), "command", "group info a-l"), who=TEACHER
    )
    suggested = callbacks(await discord_bot.interact(naming))[0]["data"]["choices"]
    assert [c["value"] for c in suggested] == ["group info A-level Chemistry"]
    requests = await discord_bot.command(("run",), ("command", "group info A-level Chemistry"))
    assert "2 from 1 school" in shown_text(last_response(requests))


async def test_commands_are_registered_in_the_configured_server_at_start(
    discord_bot: DiscordBot,
) -> None:
    (sync,) = discord_bot.fake.find("PUT", r"/applications/\d+/guilds/\d+/commands")
    assert sync.path == f"/applications/{APP_ID}/guilds/{payloads.GUILD}/commands"
    (command,) = sync.json
    assert command["name"] == "staffroom"
    assert {option["name"] for option in command["options"]} >= {"help", "setup", "group", "run"}
    assert not discord_bot.fake.find("PUT", r"/applications/\d+/commands")


async def test_unknown_messages_are_ignored_and_the_channel_count_needs_a_member(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    other = SECOND_CHANNEL
    discord_bot.state.parse_guild_create(
        payloads.guild_create(
            payloads.GUILD, [(payloads.CHANNEL, "a-level-chemistry"), (other, "general")]
        )
    )
    for channel, author, bot in [
        (payloads.CHANNEL, TEACHER, False),
        (payloads.CHANNEL, OTHER_TEACHER, False),
        (payloads.CHANNEL, TEACHER, False),
        (payloads.CHANNEL, TEACHER, True),  # a bot's post is not activity
        (other, TEACHER, False),  # nor is a post in a channel no group uses
    ]:
        discord_bot.state.parse_message_create(
            payloads.message_create(payloads.GUILD, channel, author, bot=bot)
        )
        await settle()
    with discord_bot.app.core.engine.connect() as connection:
        counts = sorted(row.messages for row in connection.execute(select(ACTIVITY_DAY.c.messages)))
    assert counts == [1, 2]
