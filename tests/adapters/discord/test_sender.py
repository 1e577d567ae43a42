"""Outbound delivery on Discord: posts, edits, files, threads and DMs through discord.py's HTTP
client, Discord's refusals mapped so the outbox retries, waits or gives up correctly, and a
post whose answer was lost retried with its nonce, so Discord returns it instead of a copy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from adapters.discord.sender import DiscordSender
from bot.delivery.clock import ManualClock
from bot.delivery.ports import Destination, PermanentFailure, RateLimited
from bot.kernel.replies import Attachment, Button, Buttons, Heading, Image, Reply, Text
from storage.groups import ChannelRecord
from storage.outbox import OUTBOX
from storage.uow import unit_of_work
from tests.adapters.discord import payloads
from tests.adapters.discord.conftest import FACILITATOR, TEACHER, DiscordBot, shown_text

HERE = Destination("discord", payloads.GUILD, payloads.CHANNEL)
POSTS = rf"/channels/{payloads.CHANNEL}/messages"


def sender_of(bot: DiscordBot) -> DiscordSender:
    assert bot.adapter is not None
    return bot.adapter.sender


async def test_a_post_is_referenced_by_server_channel_and_message_and_can_be_edited(
    discord_bot: DiscordBot,
) -> None:
    sender = sender_of(discord_bot)
    reply = Reply((Heading("RSVPs"), Text("3 going"), Buttons((Button("Going", "rsvp", "5"),))))
    ref = await sender.send(HERE, reply)
    server, channel, message_id = ref.split("/")
    assert (server, channel) == (payloads.GUILD, payloads.CHANNEL)
    (post,) = discord_bot.fake.posts()
    assert post.json["allowed_mentions"] == {"parse": []}
    assert shown_text(post.json) == "RSVPs\n3 going"

    await sender.edit(ref, Reply((Heading("RSVPs"), Text("4 going"))))
    (edit,) = discord_bot.fake.find("PATCH", rf"/channels/{channel}/messages/{message_id}")
    assert shown_text(edit.json) == "RSVPs\n4 going"
    assert edit.json["components"] == [] and edit.json["attachments"] == []
    assert edit.json["allowed_mentions"] == {"parse": []}


async def test_charts_and_files_are_uploaded_with_the_message(discord_bot: DiscordBot) -> None:
    reply = Reply(
        (
            Image(b"\x89PNG\r\n", "Check-ins by week", "checkins.png"),
            Attachment("meetings.ics", b"BEGIN:VCALENDAR\r\n", "text/calendar", "Your meetings"),
        )
    )
    await sender_of(discord_bot).send(HERE, reply)
    (post,) = discord_bot.fake.posts()
    assert post.files == [
        ("checkins.png", b"\x89PNG\r\n"),
        ("meetings.ics", b"BEGIN:VCALENDAR\r\n"),
    ]
    assert post.json["embeds"][0]["image"]["url"] == "attachment://checkins.png"
    assert [a["filename"] for a in post.json["attachments"]] == ["checkins.png", "meetings.ics"]


async def test_replies_to_a_post_go_into_a_thread_started_from_it(discord_bot: DiscordBot) -> None:
    sender = sender_of(discord_bot)
    parent = await sender.send(HERE, Reply((Heading("Paper 2 dip?"), Text("Anyone else?"))))
    parent_id = parent.split("/")[-1]
    under = Destination("discord", payloads.GUILD, payloads.CHANNEL, thread_ref=parent)

    first = await sender.send(under, Reply.say("Me too — 3 schools so far"))
    (thread,) = discord_bot.fake.find(
        "POST", rf"/channels/{payloads.CHANNEL}/messages/{parent_id}/threads"
    )
    assert thread.json["name"] == "Paper 2 dip?"
    assert first.split("/")[1] == parent_id  # the thread has its parent message's id
    await sender.send(under, Reply.say("Me too — 4 schools so far"))
    assert len(discord_bot.fake.find("POST", r"/channels/\d+/messages/\d+/threads")) == 1
    in_thread = discord_bot.fake.find("POST", rf"/channels/{parent_id}/messages")
    assert [r.json["embeds"][0]["description"] for r in in_thread if "embeds" in r.json] == [
        "Me too — 3 schools so far",
        "Me too — 3 schools so far",
        "Me too — 4 schools so far",
    ]  # the first try found no thread yet (404), the retry went into the new one


@pytest.mark.parametrize(
    ("status", "code", "where"),
    [(403, 50001, "Missing Access"), (404, 10003, "Unknown Channel")],
)
async def test_a_channel_the_bot_cannot_use_is_a_permanent_failure(
    discord_bot: DiscordBot, status: int, code: int, where: str
) -> None:
    discord_bot.fake.fail("POST", POSTS, status, code=code, message=where)
    with pytest.raises(PermanentFailure, match=where):
        await sender_of(discord_bot).send(HERE, Reply.say("Reminder"))


async def test_closed_direct_messages_are_a_permanent_failure(discord_bot: DiscordBot) -> None:
    discord_bot.fake.fail(
        "POST",
        r"/channels/\d+/messages",
        403,
        code=50007,
        message="Cannot send messages to this user",
    )
    person = Destination("discord", payloads.GUILD, user_id=TEACHER["user"]["id"])
    with pytest.raises(PermanentFailure, match="Cannot send messages"):
        await sender_of(discord_bot).send(person, Reply.say("Time to reflect"))


async def test_a_short_rate_limit_is_waited_out_by_discord_py(discord_bot: DiscordBot) -> None:
    discord_bot.fake.rate_limit("POST", POSTS, retry_after=0.01)
    await sender_of(discord_bot).send(HERE, Reply.say("Reminder"))
    assert len(discord_bot.fake.posts()) == 2  # the 429, then the message
    assert len(discord_bot.fake.messages) == 1


async def test_a_long_rate_limit_is_handed_back_to_the_outbox(discord_bot: DiscordBot) -> None:
    discord_bot.fake.rate_limit("POST", POSTS, retry_after=42.0)
    with pytest.raises(RateLimited) as limited:
        await sender_of(discord_bot).send(HERE, Reply.say("Reminder"))
    assert limited.value.retry_after == 42.0
    assert not discord_bot.fake.messages


async def test_a_post_the_bot_may_not_make_is_recorded_and_the_facilitator_told(
    discord_bot: DiscordBot, network_ready: Any
) -> None:
    await network_ready()
    discord_bot.fake.fail("POST", POSTS, 403, code=50001, message="Missing Access")
    await discord_bot.command(("whisper",), ("question", "Anyone?"))
    assert await discord_bot.deliver() == 1  # refused for good: not retried
    assert await discord_bot.deliver() == 1  # the notice, by DM, to the facilitator
    (opened,) = discord_bot.fake.find("POST", r"/users/@me/channels")
    assert opened.json == {"recipient_id": int(FACILITATOR["user"]["id"])}
    notice = discord_bot.fake.posts()[-1]
    assert "I couldn't deliver a message (sample.whisper)" in shown_text(notice.json)
    assert "Missing Access" in shown_text(notice.json)
    assert await discord_bot.deliver() == 0


@pytest.mark.parametrize("how", ["disconnect", "cut short"])
async def test_a_post_whose_answer_was_lost_is_retried_with_its_nonce_and_not_repeated(
    discord_bot: DiscordBot, clock: ManualClock, how: str
) -> None:
    here = ChannelRecord("discord", payloads.GUILD, payloads.CHANNEL, "a-level-chemistry")
    with discord_bot.app.core.transaction() as ctx:
        ctx.outbox.to_channel(here, key="reminder", reply=Reply.say("Reminder"), purpose="test")
    discord_bot.fake.lose_answer("POST", POSTS, how)
    assert await discord_bot.deliver() == 1
    clock.advance(timedelta(seconds=5))
    assert await discord_bot.deliver() == 1
    first, again = discord_bot.fake.posts()
    assert first.json["nonce"] == again.json["nonce"] and again.json["enforce_nonce"] is True
    [message] = discord_bot.fake.messages.values()  # Discord gave the first one back
    with unit_of_work(discord_bot.app.core.engine) as connection:
        status, ref = connection.execute(
            select(OUTBOX.c.status, OUTBOX.c.message_ref).where(OUTBOX.c.key == "reminder")
        ).one()
    assert (status, ref) == ("sent", f"{payloads.GUILD}/{payloads.CHANNEL}/{message['id']}")
