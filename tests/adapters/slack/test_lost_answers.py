"""Outbox messages on Slack when Slack's answer is lost or says "ratelimited": a post Slack
took before the connection closed (or whose body was cut short) is found with
`conversations.history` by the token in its metadata and recorded, not posted again, and its
files are uploaded then; one in a thread is found with `conversations.replies`; a post that
never arrived is posted once; an HTTP 200 `ratelimited` answer waits its Retry-After without
costing an attempt; and the words an unreadable answer quotes are kept out of logs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.delivery.clock import ManualClock
from bot.kernel.replies import Attachment, Reply, Text
from storage.outbox import OUTBOX
from storage.uow import unit_of_work
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.fake_slack import Failure
from tests.adapters.slack.test_outbound import _deliver, _network, _posted_texts, _queue, _statuses


def _row(bot: SlackBot, key: str) -> tuple[str, str | None, int]:
    with unit_of_work(bot.app.core.engine) as connection:
        row = connection.execute(
            select(OUTBOX.c.status, OUTBOX.c.message_ref, OUTBOX.c.attempts).where(
                OUTBOX.c.key == key
            )
        ).one()
    return row.status, row.message_ref, row.attempts


@pytest.mark.parametrize("how", ["disconnect", "cut short"])
async def test_a_post_slack_took_before_its_answer_was_lost_is_found_not_repeated(
    slack_bot: SlackBot, clock: ManualClock, how: str
) -> None:
    network = await _network(slack_bot)
    _queue(slack_bot, network, "reminder")
    slack_bot.fake.fail("chat.postMessage", Failure(lost=how))
    await _deliver(slack_bot)
    assert _statuses(slack_bot)["reminder"] == "pending"
    clock.advance(timedelta(seconds=5))
    await _deliver(slack_bot)
    [post] = slack_bot.fake.calls_to("chat.postMessage")  # no second post
    assert post["metadata"]["event_type"] == "staffroom_outbox"
    [lookup] = slack_bot.fake.calls_to("conversations.history")
    assert lookup["channel"] == "C0CHEM" and lookup["include_all_metadata"] in ("1", "true")
    assert _row(slack_bot, "reminder")[:2] == ("sent", f"C0CHEM:{post['_answer']['ts']}")


async def test_a_thread_reply_whose_answer_was_lost_is_found_in_the_thread(
    slack_bot: SlackBot, clock: ManualClock
) -> None:
    network = await _network(slack_bot)
    _queue(slack_bot, network, "question")
    await _deliver(slack_bot)
    slack_bot.fake.fail("chat.postMessage", Failure(lost="disconnect"))
    _queue(slack_bot, network, "answer", thread_of="question")
    await _deliver(slack_bot)
    clock.advance(timedelta(seconds=5))
    await _deliver(slack_bot)
    question = slack_bot.fake.successful("chat.postMessage")[0]["_answer"]["ts"]
    [lookup] = slack_bot.fake.calls_to("conversations.replies")
    assert lookup["ts"] == question
    assert _posted_texts(slack_bot) == ["question", "answer"]
    assert _row(slack_bot, "answer")[0] == "sent"


async def test_files_of_a_found_post_are_uploaded_once(
    slack_bot: SlackBot, clock: ManualClock
) -> None:
    network = await _network(slack_bot)
    chart = Reply((Text("This week"), Attachment("week.ics", b"BEGIN:VCALENDAR", "text/calendar")))
    _queue(slack_bot, network, "chart", chart)
    slack_bot.fake.fail("chat.postMessage", Failure(lost="cut short"))
    await _deliver(slack_bot)
    assert slack_bot.fake.uploads == {}  # the answer was lost before the files could go
    clock.advance(timedelta(seconds=5))
    await _deliver(slack_bot)
    assert list(slack_bot.fake.uploads.values()) == [b"BEGIN:VCALENDAR"]
    assert len(slack_bot.fake.calls_to("chat.postMessage")) == 1


async def test_a_post_that_never_arrived_is_posted_once_after_looking(
    slack_bot: SlackBot, clock: ManualClock
) -> None:
    network = await _network(slack_bot)
    _queue(slack_bot, network, "reminder")
    slack_bot.fake.fail("chat.postMessage", Failure(status=502))
    await _deliver(slack_bot)
    clock.advance(timedelta(seconds=5))
    await _deliver(slack_bot)
    assert len(slack_bot.fake.calls_to("conversations.history")) == 1
    assert _posted_texts(slack_bot) == ["reminder"]
    assert _row(slack_bot, "reminder")[0] == "sent"


async def test_a_ratelimited_answer_waits_as_asked_without_costing_an_attempt(
    slack_bot: SlackBot, clock: ManualClock
) -> None:
    network = await _network(slack_bot)
    _queue(slack_bot, network, "reminder")
    slack_bot.fake.fail("chat.postMessage", Failure(error="ratelimited", retry_after=30))
    await _deliver(slack_bot)
    clock.advance(timedelta(seconds=29))
    await _deliver(slack_bot)
    assert len(slack_bot.fake.calls_to("chat.postMessage")) == 1
    assert _row(slack_bot, "reminder") == ("pending", None, 0)
    clock.advance(timedelta(seconds=2))
    await _deliver(slack_bot)
    assert _posted_texts(slack_bot) == ["reminder"]
    assert slack_bot.fake.calls_to("conversations.history") == []  # nothing was in doubt


async def test_an_answer_cut_short_keeps_the_words_it_quoted_out_of_logs_and_the_outbox(
    slack_bot: SlackBot, clock: ManualClock, production_logs: pytest.LogCaptureFixture
) -> None:
    network = await _network(slack_bot)
    _queue(slack_bot, network, "Zebedee is struggling")
    slack_bot.fake.fail("chat.postMessage", Failure(lost="cut short"))
    await _deliver(slack_bot)
    with unit_of_work(slack_bot.app.core.engine) as connection:
        last_error = connection.execute(
            select(OUTBOX.c.last_error).where(OUTBOX.c.key == "Zebedee is struggling")
        ).scalar_one()
    assert "could not be read" in last_error and "Zebedee" not in last_error
    assert "Zebedee" not in production_logs.text
