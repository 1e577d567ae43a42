"""At DEBUG the Slack libraries log every payload they receive and every request they make —
member text, and who did an anonymous act. Whatever level the operator configures, the bot's
logging keeps them (and aiohttp, and discord.py) at WARNING: the Slack adapter runs at DEBUG,
in Socket Mode and in HTTP mode; someone asks an anonymous question through it, someone else
replies, the asker's sealed notice opens a DM to them — and neither the question's text nor
the asker's user id (or DM channel id) reaches any log record."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from adapters.slack import runner
from adapters.slack.settings import SlackSettings
from bot.app import Staffroom
from bot.questions.catalogue import CATEGORIES
from tests.adapters.slack.conftest import SlackRequests, command_form
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.payloads import payload

MARK = "Quokka"  # in the anonymous question
ASKER = "U0AISHA"

Send = Callable[[str, dict[str, Any]], Awaitable[object]]
"""Delivers a Slack payload of a kind ("command" or "interaction") to the running bot."""


@pytest.fixture(params=["socket", "http"])
async def send(
    request: pytest.FixtureRequest,
    production_logs: pytest.LogCaptureFixture,
    app: Staffroom,
    slack_settings: Callable[..., SlackSettings],
    fake_slack: FakeSlack,
) -> AsyncIterator[Send]:
    """The whole bot with Slack started (after logging is set to DEBUG) in one of its modes."""
    socket = request.param == "socket"
    settings = (
        slack_settings(app_token="xapp-1-A0STAFFROOM-test", signing_secret=None)
        if socket
        else slack_settings()
    )
    running = await runner.start(app, settings)
    envelopes = itertools.count(1)
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{running.port}{settings.http_path}"
        signed = SlackRequests(session, url)

        async def deliver(kind: str, body: dict[str, Any]) -> object:
            answer: object
            if "response_url" in body:  # answers go to the fake, not to hooks.slack.com
                body = {**body, "response_url": fake_slack.response_url()}
            if socket:
                envelope_type = "slash_commands" if kind == "command" else "interactive"
                envelope = {
                    "envelope_id": f"envelope-{next(envelopes)}",
                    "type": envelope_type,
                    "accepts_response_payload": True,
                    "payload": body,
                }
                answer = await fake_slack.push(envelope)
            elif kind == "command":
                answer = await signed.command(body)
            else:
                answer = await signed.interaction(body)
            await running.settle()
            while await app.worker.deliver_due():
                pass
            return answer

        yield deliver
    await running.stop()


def _submission(user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    body = payload("view_submission")
    body["user"]["id"] = user
    body["view"] = {**view, "state": {"values": values}}
    return body


ASKED = {
    "question": {"value": {"type": "plain_text_input", "value": f"Is {MARK} grading fair?"}},
    "category": {
        "value": {"type": "static_select", "selected_option": {"value": CATEGORIES[0].value}}
    },
    "notify": {"value": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}},
}
REPLIED = {"reply": {"value": {"type": "plain_text_input", "value": "Same here."}}}


def _reply_button(fake_slack: FakeSlack) -> dict[str, Any]:
    for call in fake_slack.successful("chat.postMessage"):
        for block in call.get("blocks") or []:
            for element in block.get("elements", []):
                if str(element.get("action_id", "")).startswith("question.reply"):
                    return dict(element)
    raise AssertionError("the question was not posted with a Reply button")


async def test_an_anonymous_ask_leaves_no_trace_in_the_logs_at_debug(
    send: Send, fake_slack: FakeSlack, production_logs: pytest.LogCaptureFixture
) -> None:
    for line in (
        "setup Solent Network",
        "school add Ridgeway School",
        "group create A-level Chemistry",
        "group link A-level Chemistry",
    ):
        await send("command", command_form(line))
    for user in (ASKER, "U0TOM"):
        for line in ("school Ridgeway School", "join A-level Chemistry"):
            await send("command", command_form(line, user=user))

    await send("command", command_form("ask", user=ASKER))
    await send(
        "interaction", _submission(ASKER, fake_slack.successful("views.open")[-1]["view"], ASKED)
    )
    button = _reply_button(fake_slack)
    press = payload("block_actions_message")
    press["actions"][0].update(action_id=button["action_id"], value=button["value"])
    await send("interaction", press)  # Tom presses Reply
    await send(
        "interaction",
        _submission("U0TOM", fake_slack.successful("views.open")[-1]["view"], REPLIED),
    )

    opened = fake_slack.successful("conversations.open")
    assert opened and opened[-1]["users"] == ASKER, "the asker was told of the reply"
    records = [*production_logs.get_records("setup"), *production_logs.records]
    assert any(record.name == "staffroom.slack" for record in records), "no logs caught"
    for record in records:
        line = f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        assert MARK not in line and "0AISHA" not in line, line  # user or DM channel id
