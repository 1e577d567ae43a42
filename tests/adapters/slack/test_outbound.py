"""Messages the bot sends on its own, through the outbox and the Slack sender, to the fake
Slack: rate-limit storms delay without losing or repeating, permanent errors stop and tell
the facilitators, server errors back off, files upload with files_upload_v2."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.delivery.clock import ManualClock
from bot.kernel.replies import Attachment, Button, Buttons, Image, Reply, Text
from storage import networks
from storage.groups import ChannelRecord
from storage.networks import NetworkRecord
from storage.outbox import OUTBOX
from storage.uow import unit_of_work
from tests.adapters.slack.block_kit import check_message
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.fake_slack import TEAM, Failure

CHEM = ChannelRecord("slack", TEAM, "C0CHEM", "a-level-chemistry")


async def _network(bot: SlackBot) -> NetworkRecord:
    await bot.send("setup Solent Network")
    with unit_of_work(bot.app.core.engine) as connection:
        network = networks.network_for_workspace(connection, platform="slack", external_id=TEAM)
    assert network is not None
    return network


def _queue(
    bot: SlackBot, network: NetworkRecord, key: str, reply: Reply | None = None, **extra: object
) -> None:
    with bot.app.core.transaction(network) as ctx:
        ctx.outbox.to_channel(CHEM, key=key, reply=reply or Reply.say(key), purpose="test", **extra)


async def _deliver(bot: SlackBot) -> None:
    while await bot.app.worker.deliver_due():
        pass


def _statuses(bot: SlackBot) -> dict[str, str]:
    with unit_of_work(bot.app.core.engine) as connection:
        return dict(connection.execute(select(OUTBOX.c.key, OUTBOX.c.status)).all())


def _posted_texts(bot: SlackBot, channel: str = "C0CHEM") -> list[str]:
    return [p["text"] for p in bot.fake.successful("chat.postMessage") if p["channel"] == channel]


async def test_a_429_storm_delays_delivery_without_losing_or_repeating(
    slack_bot: SlackBot, clock: ManualClock
) -> None:
    network = await _network(slack_bot)
    for n in range(3):
        _queue(slack_bot, network, f"reminder {n}")
    slack_bot.fake.fail("chat.postMessage", *[Failure(status=429, retry_after=30)] * 7)
    passes = 0
    while len(_posted_texts(slack_bot)) < 3:
        await _deliver(slack_bot)
        # Nothing goes out again before Slack's Retry-After has passed.
        calls = len(slack_bot.fake.calls_to("chat.postMessage"))
        clock.advance(timedelta(seconds=29))
        await _deliver(slack_bot)
        assert len(slack_bot.fake.calls_to("chat.postMessage")) == calls
        clock.advance(timedelta(seconds=2))
        passes += 1
        assert passes < 10
    assert sorted(_posted_texts(slack_bot)) == ["reminder 0", "reminder 1", "reminder 2"]
    assert len(slack_bot.fake.calls_to("chat.postMessage")) == 3 + 7
    assert set(_statuses(slack_bot).values()) == {"sent"}


async def test_a_vanished_channel_fails_for_good_and_the_facilitator_is_told(
    slack_bot: SlackBot,
) -> None:
    network = await _network(slack_bot)
    _queue(slack_bot, network, "to a deleted channel")
    slack_bot.fake.fail("chat.postMessage", Failure(error="channel_not_found"))
    await _deliver(slack_bot)
    assert _statuses(slack_bot)["to a deleted channel"] == "failed"
    [notice] = slack_bot.fake.successful("chat.postMessage")
    assert notice["channel"] == "D0FRAN"  # Fran's conversation with the bot
    assert "channel_not_found" in notice["text"]
    assert [call["users"] for call in slack_bot.fake.calls_to("conversations.open")] == ["U0FRAN"]


async def test_a_bot_outside_a_public_channel_joins_it_and_posts(slack_bot: SlackBot) -> None:
    network = await _network(slack_bot)
    _queue(slack_bot, network, "hello")
    slack_bot.fake.fail("chat.postMessage", Failure(error="not_in_channel"))
    await _deliver(slack_bot)
    assert [c["channel"] for c in slack_bot.fake.calls_to("conversations.join")] == ["C0CHEM"]
    assert _posted_texts(slack_bot) == ["hello"]


async def test_a_private_channel_the_bot_was_removed_from_fails_for_good(
    slack_bot: SlackBot,
) -> None:
    network = await _network(slack_bot)
    _queue(slack_bot, network, "hello")
    slack_bot.fake.fail("chat.postMessage", Failure(error="not_in_channel"))
    slack_bot.fake.fail(
        "conversations.join", Failure(error="method_not_supported_for_channel_type")
    )
    await _deliver(slack_bot)
    assert set(_statuses(slack_bot).values()) == {"failed", "sent"}  # the message; Fran's notice


async def test_server_errors_back_off_then_deliver_once(
    slack_bot: SlackBot, clock: ManualClock
) -> None:
    network = await _network(slack_bot)
    _queue(slack_bot, network, "hello")
    slack_bot.fake.fail("chat.postMessage", Failure(status=500), Failure(status=503))
    await _deliver(slack_bot)
    clock.advance(timedelta(seconds=5))
    await _deliver(slack_bot)
    assert _posted_texts(slack_bot) == []
    clock.advance(timedelta(seconds=10))
    await _deliver(slack_bot)
    assert _posted_texts(slack_bot) == ["hello"]


async def test_posts_render_block_kit_and_edits_update_in_place(slack_bot: SlackBot) -> None:
    network = await _network(slack_bot)
    reply = Reply(
        (
            Text("Check-in: how is **<!everyone>** doing?"),
            Buttons((Button("Green", "checkin.answer", "1:g"),)),
        )
    )
    _queue(slack_bot, network, "checkin")
    with slack_bot.app.core.transaction(network) as ctx:
        ctx.outbox.edit(key="checkin", reply=reply, purpose="test")
    await _deliver(slack_bot)
    [posted] = slack_bot.fake.successful("chat.postMessage")
    [updated] = slack_bot.fake.successful("chat.update")
    assert (updated["channel"], updated["ts"]) == ("C0CHEM", posted["_answer"]["ts"])
    check_message(posted)
    check_message(updated)
    assert "*&lt;!everyone&gt;*" in str(updated["blocks"])


async def test_threads_and_files(slack_bot: SlackBot) -> None:
    network = await _network(slack_bot)
    chart = Reply(
        (
            Text("This week's chart"),
            Image(b"\x89PNG fake", "Activity by school", "activity.png"),
            Attachment("week.ics", b"BEGIN:VCALENDAR", "text/calendar", "Meetings"),
        )
    )
    _queue(slack_bot, network, "question")
    _queue(slack_bot, network, "chart", chart, thread_of="question")
    await _deliver(slack_bot)
    question, answer = slack_bot.fake.successful("chat.postMessage")
    assert answer["thread_ts"] == question["_answer"]["ts"]
    completed = slack_bot.fake.successful("files.completeUploadExternal")
    assert [c["channel_id"] for c in completed] == ["C0CHEM", "C0CHEM"]
    assert all(c["thread_ts"] == answer["thread_ts"] for c in completed)
    assert sorted(slack_bot.fake.uploads.values()) == [b"BEGIN:VCALENDAR", b"\x89PNG fake"]
