"""The adapter's estimate of how soon the core can answer a command handed to it now."""

from __future__ import annotations

import asyncio

import pytest

from adapters.slack.pace import CorePace
from bot.kernel.dispatcher import Outcome
from bot.kernel.events import Actor, Command, Place
from tests.adapters.slack import trial_feature
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.fake_slack import TEAM

FRAN = Actor("slack", TEAM, "U0FRAN", "Fran Hughes")


async def test_the_expected_wait_follows_the_core_and_the_commands_ahead(
    slack_bot: SlackBot,
) -> None:
    core = slack_bot.app.core
    pace = CorePace(core)
    for _ in range(300):  # the core reports each event it handled, with its duration
        for listener in core.outcome_listeners:
            listener(Outcome("Command", "help", "ok", 0.010))
    assert pace.expected_wait() == pytest.approx(0.010)
    gate = trial_feature.hold_command(core.registry)
    held = asyncio.ensure_future(pace.handle(Command(FRAN, Place("slack", TEAM), "trial hold")))
    await asyncio.sleep(0)  # the command is handed to the core, which is busy with it
    assert pace.expected_wait() == pytest.approx(0.020)  # the next one waits behind it
    gate.set()
    reply = await held
    assert reply is not None and "Released." in str(reply.blocks)
    assert pace.waiting == 0
