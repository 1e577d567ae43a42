"""What anonymous questions look like to everyone: which commands leaders and members are shown,
no message the core builds carries mention syntax, and a long thread shows its latest replies."""

from __future__ import annotations

import pytest

from adapters.console.sender import ConsoleSender
from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from bot.kernel.registry import Audience
from bot.kernel.reply_codec import encode_reply
from bot.questions.limits import REPLIES_PER_DAY
from tests.fakes import Recorder
from tests.unit.question_world import ask, set_up_network


@pytest.fixture
async def network(bot: ConsoleSession) -> ConsoleSession:
    return await set_up_network(bot)


def test_leader_and_member_help_lists_the_right_commands(app: Staffroom) -> None:
    audiences = {spec.name: spec.audience for spec in app.core.registry}
    assert audiences["question hide"] == Audience.LEADER
    assert audiences["network questions"] == Audience.FACILITATOR


@pytest.fixture
def delivered(bot: ConsoleSession) -> Recorder:
    """Every reply the console's sender is given from now on (set up before the network)."""
    recorder = Recorder(ConsoleSender(bot))
    bot.worker.add_sender(recorder)
    return recorder


async def test_no_message_the_core_builds_contains_mention_syntax(
    delivered: Recorder, network: ConsoleSession
) -> None:
    await ask(network, extra="; notify=yes")
    for who in ("Tom Patel", "Olu Oak@Oakwood Academy", "Priya Shah@Ridgeway School"):
        await network.send(f":as {who}")
        await network.send(":click Me too")
    await network.send(":as Tom Patel")
    await network.send(":click Reply")
    await network.send(":fill reply=Same here.")
    await network.send(":submit")
    payloads = [encode_reply(reply) for reply in delivered.replies]
    assert len(payloads) >= 4
    assert any("Same here." in payload for payload in payloads)
    for payload in payloads:
        for mention in ("<@", "<!", "@everyone", "@here", "<#"):
            assert mention not in payload


async def test_a_long_thread_shows_its_latest_replies_and_says_how_many_more(
    network: ConsoleSession,
) -> None:
    await ask(network)
    await network.send(":as Tom Patel")
    for n in range(1, 23):
        if n % REPLIES_PER_DAY == 1 and n > 1:
            await network.send(":tick 1d")  # one person's replies a day are limited
        await network.send(":click Reply")
        await network.send(f":fill reply=Reply number {n}.")
        await network.send(":submit")
    out = await network.send("/staffroom question #1")
    assert "2 earlier replies are in the thread" in out
    assert "Reply number 3." in out and "Reply number 22." in out
    assert "Reply number 2." not in out
