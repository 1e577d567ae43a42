"""The Slack intake process on its own: the test plays the bot's process at the other end of
the link, so it can answer early, late or never, and see exactly what the intake forwards
and what Slack gets back. Requests are real signed HTTP requests to the real process."""

from __future__ import annotations

import asyncio
import struct
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.intake import AnswerPace
from adapters.slack.intake_process import spawn_intake
from adapters.slack.link import (
    Acknowledge,
    Carried,
    Forwarded,
    Holds,
    IntakeConfig,
    Listening,
    Sync,
    Synced,
    TooLate,
    frame,
    read_frame,
)
from tests.adapters.slack.conftest import SIGNING_SECRET, SlackRequests, command_form
from tests.adapters.slack.payloads import payload

BOT_USER = "U0STAFFBOT"


@dataclass
class Link:
    """The bot's end of the link to a running intake process."""

    process: asyncio.subprocess.Process
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    slack: SlackRequests

    def send(self, message: object) -> None:
        self.writer.write(frame(message))

    async def next(self) -> object:
        return await asyncio.wait_for(read_frame(self.reader), 10)


async def start_intake(holds: Holds) -> tuple[Link, aiohttp.ClientSession]:
    process, reader, writer = await spawn_intake()
    config = IntakeConfig(
        signing_secret=SIGNING_SECRET,
        host="127.0.0.1",
        port=0,
        path="/slack/events",
        team_id="T0SCHOOLS",
        bot_user_id=BOT_USER,
        bot_id="B0STAFFBOT",
        log_level="WARNING",
        log_format="text",
        holds=holds,
    )
    writer.write(frame(config))
    listening = await asyncio.wait_for(read_frame(reader), 30)
    assert isinstance(listening, Listening)
    session = aiohttp.ClientSession()
    url = f"http://127.0.0.1:{listening.port}/slack/events"
    return Link(process, reader, writer, SlackRequests(session, url)), session


@pytest.fixture
async def link() -> AsyncIterator[Link]:
    # Commands held for up to 2 s (the tests answer well before, or not at all).
    running, session = await start_intake(Holds(command=2.0, submission=2.0))
    yield running
    await session.close()
    running.writer.close()
    await asyncio.wait_for(running.process.wait(), 10)


async def test_a_command_is_forwarded_verified_and_acknowledged_with_the_answer(
    link: Link,
) -> None:
    sending = asyncio.ensure_future(link.slack.command(command_form("help")))
    forwarded = await link.next()
    assert isinstance(forwarded, Forwarded)
    assert forwarded.kind == "command" and forwarded.body["text"] == "help"
    assert forwarded.deadline > time.monotonic()  # still being held for the answer
    answer = {"response_type": "ephemeral", "text": "Here is what I can do"}
    link.send(Acknowledge(forwarded.request_id, answer))
    assert await sending == (200, answer)


async def test_a_command_not_answered_within_its_hold_is_acknowledged_empty(
    link: Link,
) -> None:
    link.send(Holds(command=0.05, submission=2.0))
    status, ack = await link.slack.command(command_form("help"))
    assert (status, ack) == (200, None)
    assert isinstance(await link.next(), Forwarded)  # the bot's process still has it


async def test_an_answer_arriving_after_the_acknowledgement_is_handed_back(
    link: Link,
) -> None:
    link.send(Holds(command=0.05, submission=2.0))
    status, ack = await link.slack.command(command_form("help"))
    assert (status, ack) == (200, None)
    forwarded = await link.next()
    assert isinstance(forwarded, Forwarded)
    link.send(Acknowledge(forwarded.request_id, {"response_type": "ephemeral", "text": "Hi"}))
    # Slack has its acknowledgement already: the bot's process must deliver "Hi" itself.
    assert await link.next() == TooLate(forwarded.request_id)


async def test_an_answer_in_time_is_confirmed_as_carried(link: Link) -> None:
    sending = asyncio.ensure_future(link.slack.command(command_form("help")))
    forwarded = await link.next()
    assert isinstance(forwarded, Forwarded)
    answer = {"response_type": "ephemeral", "text": "Hi"}
    link.send(Acknowledge(forwarded.request_id, answer))
    assert await link.next() == Carried(forwarded.request_id)
    assert await sending == (200, answer)


async def test_a_stray_frame_is_refused_not_run(link: Link) -> None:
    link.writer.write(struct.pack("!I", 28) + b'{"type":"os.system","x":"1"}')
    link.send(Sync(3))
    assert await link.next() == Synced(3)  # still following the link
    assert link.process.returncode is None


async def test_while_the_core_is_behind_commands_are_acknowledged_at_once(link: Link) -> None:
    link.send(Holds(command=0.0, submission=2.0))
    assert await link.slack.command(command_form("help")) == (200, None)
    forwarded = await link.next()
    assert isinstance(forwarded, Forwarded) and forwarded.body["text"] == "help"


async def test_button_presses_and_events_are_acknowledged_at_once_and_forwarded(
    link: Link,
) -> None:
    status, _ = await link.slack.interaction(payload("block_actions_message"))
    assert status == 200
    status, _ = await link.slack.event(payload("message_channels"))
    assert status == 200
    kinds = [getattr(await link.next(), "kind", None) for _ in range(2)]
    assert kinds == ["action", "message"]


async def test_the_bots_own_messages_are_not_forwarded(link: Link) -> None:
    own = payload("message_channels")
    own["event"]["user"] = BOT_USER
    assert (await link.slack.event(own))[0] == 200
    link.send(Sync(1))
    assert await link.next() == Synced(1)  # nothing was forwarded before it


async def test_a_forged_request_is_refused_and_never_forwarded(link: Link) -> None:
    status, _ = await link.slack.command(command_form("help"), secret="not-the-secret")
    assert status == 401
    link.send(Sync(7))
    assert await link.next() == Synced(7)


async def test_the_intake_inherits_no_tokens_or_database_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-must-not-leak")
    monkeypatch.setenv("DATABASE_URL", "postgresql://staffroom:hunter2@db/staffroom")
    running, session = await start_intake(Holds(command=0.025, submission=2.0))
    try:
        environment = Path(f"/proc/{running.process.pid}/environ").read_bytes()
        assert b"xoxb-must-not-leak" not in environment and b"hunter2" not in environment
        assert b"PATH=" in environment
    finally:
        await session.close()
        running.writer.close()
        await running.process.wait()


async def test_the_intake_exits_when_the_bots_process_goes_away() -> None:
    running, session = await start_intake(Holds(command=0.025, submission=2.0))
    await session.close()
    running.writer.close()
    assert await asyncio.wait_for(running.process.wait(), 10) == 0


def test_a_burst_is_held_only_as_far_as_it_can_be_answered_in_time() -> None:
    pace = AnswerPace()
    now = 100.0
    for _ in range(20):  # bursts of three commands held together, answered 10 ms apart
        for place in (1, 2, 3):
            pace.timed(0.010 * place, place, now)
    assert pace.worth_holding(held=1, hold=0.025, now=now)  # answered within 20 ms
    assert not pace.worth_holding(held=2, hold=0.025, now=now)  # 30 ms: acknowledge at once


def test_after_a_quiet_second_one_command_is_held_to_learn_the_pace_afresh() -> None:
    pace = AnswerPace()
    for _ in range(20):
        pace.timed(0.035, 1, 100.0)  # every hold ran out: the core was far behind
    assert not pace.worth_holding(held=0, hold=0.025, now=100.5)
    assert pace.worth_holding(held=0, hold=0.025, now=101.5)  # one probe…
    assert not pace.worth_holding(held=1, hold=0.025, now=101.5)  # …not a second at once
    for _ in range(20):
        pace.timed(0.002, 1, 101.6)  # the core has caught up
    assert pace.worth_holding(held=0, hold=0.025, now=101.7)
