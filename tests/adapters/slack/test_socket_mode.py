"""Socket Mode: with SLACK_APP_TOKEN set the bot opens a websocket (to the fake Slack here),
acknowledges a slash command (with its answer when the core is ready in time), and
acknowledges events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from adapters.slack import runner
from adapters.slack.runner import RunningSlack
from adapters.slack.settings import SlackSettings
from bot.app import Staffroom
from tests.adapters.slack.block_kit import check_message
from tests.adapters.slack.conftest import command_form
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.payloads import payload


@pytest.fixture
async def socket_bot(
    app: Staffroom, slack_settings: Callable[..., SlackSettings]
) -> AsyncIterator[RunningSlack]:
    settings = slack_settings(app_token="xapp-1-A0STAFFROOM-test", signing_secret=None)
    running = await runner.start(app, settings)
    yield running
    await running.stop()


def _slash_command(envelope_id: str, form: dict[str, str]) -> dict[str, object]:
    return {
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": form,
    }


async def test_a_command_over_the_socket_is_answered_in_its_acknowledgement(
    socket_bot: RunningSlack, fake_slack: FakeSlack
) -> None:
    assert socket_bot.port is None  # no HTTP server in Socket Mode
    [opened] = fake_slack.calls_to("apps.connections.open")
    assert opened["_token"] == "xapp-1-A0STAFFROOM-test"  # the app token opens the socket
    # First contact: acknowledged at once, answered through the response_url after users.info.
    first = command_form("help", response_url=fake_slack.response_url("first"))
    ack = await fake_slack.push(_slash_command("0b6a5f4e-first", first))
    assert ack == {"envelope_id": "0b6a5f4e-first"}
    await socket_bot.adapter.drain()
    [answer] = fake_slack.responses_to("first")
    assert "what I can do" in str(answer["blocks"])
    # Known now, and the core answers within the budget: the answer rides on the ack.
    socket_bot.adapter.command_budget = 10.0
    ack = await fake_slack.push(
        _slash_command("57d6a792-4d35-4d0b-b6aa-3361493e1caf", command_form("help"))
    )
    assert ack["envelope_id"] == "57d6a792-4d35-4d0b-b6aa-3361493e1caf"
    check_message(ack["payload"])
    assert "what I can do" in str(ack["payload"]["blocks"])


async def test_an_event_over_the_socket_is_acknowledged(
    socket_bot: RunningSlack, fake_slack: FakeSlack
) -> None:
    ack = await fake_slack.push(
        {
            "envelope_id": "dbdd0ef3-1543-4f94-bfb4-133d0e6c1545",
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
            "payload": payload("app_home_opened"),
        }
    )
    assert ack["envelope_id"] == "dbdd0ef3-1543-4f94-bfb4-133d0e6c1545"
    await socket_bot.adapter.drain()
    [published] = fake_slack.calls_to("views.publish")
    assert published["user_id"] == "U0TOM"


async def test_an_uninstall_over_the_socket_tells_the_operator_the_token_is_void(
    socket_bot: RunningSlack, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    removed = payload("app_uninstalled", team_id="T0SCHOOLS")
    ack = await fake_slack.push(
        {"envelope_id": "e-removed", "type": "events_api", "payload": removed}
    )
    assert ack["envelope_id"] == "e-removed"
    await socket_bot.adapter.drain()
    assert "workspace T0SCHOOLS removed the app; SLACK_BOT_TOKEN is void" in caplog.text
