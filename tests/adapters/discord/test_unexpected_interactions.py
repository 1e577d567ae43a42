"""Interactions Staffroom cannot read or did not make, sent through the fake gateway: each gets
a short private answer, none ends the gateway connection, and none logs an error."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from adapters.discord.client import NOT_OUR_BUTTON
from adapters.discord.interactions import NOT_OUR_FORM
from adapters.discord.screening import UNREADABLE
from tests.adapters.discord import payloads
from tests.adapters.discord.conftest import TEACHER, DiscordBot, eventually, settle, shown_text
from tests.adapters.discord.fake_discord import Recorded
from tests.adapters.discord.fake_gateway import FakeGateway
from tests.adapters.discord.rest_objects import EPHEMERAL, message_payload

CALLBACK = r"/interactions/\d+/[^/]+/callback"


async def through_gateway(
    bot: DiscordBot, gateway: FakeGateway, payload: dict[str, Any]
) -> list[Recorded]:
    """Dispatch INTERACTION_CREATE over the gateway; the requests until it was answered."""
    start = len(bot.fake.requests)
    answered = len(bot.fake.find("POST", CALLBACK))
    await gateway.dispatch("INTERACTION_CREATE", payload)
    await bot.fake.wait_for("POST", CALLBACK, answered + 1)
    await settle()
    return bot.fake.requests[start:]


def private_answer(requests: list[Recorded]) -> str:
    (callback,) = [r.json for r in requests if r.path.endswith("/callback")]
    assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
    return shown_text(callback["data"])


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (3, None),  # a button press without data
        (2, None),  # a command without data
        (5, None),  # modal answers without data
        (3, {"component_type": 2}),  # a button press without its custom id
        (3, payloads.button("sr:help:")),  # a press of our button, without its message
    ],
    ids=[
        "press-without-data",
        "command-without-data",
        "modal-without-data",
        "no-custom-id",
        "no-message",
    ],
)
async def test_an_unreadable_interaction_is_answered_and_the_connection_stays(
    connected_bot: DiscordBot,
    gateway: FakeGateway,
    caplog: pytest.LogCaptureFixture,
    kind: int,
    data: dict[str, Any] | None,
) -> None:
    payload = payloads.interaction(kind, data, who=TEACHER)
    assert private_answer(await through_gateway(connected_bot, gateway, payload)) == UNREADABLE
    assert connected_bot.adapter.client.connected()  # type: ignore[union-attr]
    # The same connection still carries the next command.
    command = payloads.interaction(2, payloads.slash(("help",)), who=TEACHER)
    assert "/staffroom" in private_answer(await through_gateway(connected_bot, gateway, command))
    assert len(gateway.identifies) == 1 and gateway.resumes == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_an_interaction_without_a_type_is_logged_without_a_traceback(
    connected_bot: DiscordBot, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    payload = payloads.interaction(2, payloads.slash(("help",)), who=TEACHER)
    del payload["type"]  # nothing says which answer Discord would accept, so none is sent
    await gateway.dispatch("INTERACTION_CREATE", payload)
    await eventually(lambda: "cannot be answered" in caplog.text)
    assert connected_bot.adapter.client.connected()  # type: ignore[union-attr]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING and r.exc_info] == []


async def test_autocomplete_without_data_gets_no_suggestions_rather_than_silence(
    connected_bot: DiscordBot, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    payload = payloads.interaction(4, None, who=TEACHER)
    requests = await through_gateway(connected_bot, gateway, payload)
    (callback,) = [r.json for r in requests if r.path.endswith("/callback")]
    assert callback == {"type": 8, "data": {"choices": []}}
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    ("kind", "data", "answer"),
    [
        (3, payloads.button("legacy:42"), NOT_OUR_BUTTON),
        (5, payloads.modal_answers("legacy:42", {"title": "x"}), NOT_OUR_FORM),
    ],
    ids=["button", "form"],
)
async def test_a_custom_id_that_is_not_ours_gets_a_private_answer(
    connected_bot: DiscordBot,
    gateway: FakeGateway,
    caplog: pytest.LogCaptureFixture,
    kind: int,
    data: dict[str, Any],
    answer: str,
) -> None:
    payload = payloads.interaction(kind, data, who=TEACHER)
    if kind == 3:  # pressed on a message of another app's, or an older version's
        old_button = {"type": 2, "style": 2, "label": "Old", "custom_id": data["custom_id"]}
        components = [{"type": 1, "components": [old_button]}]
        payload["message"] = message_payload("1500000000000008888", payloads.CHANNEL, {})
        payload["message"]["components"] = components
    assert private_answer(await through_gateway(connected_bot, gateway, payload)) == answer
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_an_integer_for_a_text_option_is_taken_as_text(
    connected_bot: DiscordBot,
    gateway: FakeGateway,
    network_ready: Callable[[], Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await network_ready()
    data = payloads.slash(("join",))
    data["options"][0]["options"] = [{"type": 4, "name": "group", "value": 42}]
    payload = payloads.interaction(2, data, who=TEACHER)
    text = private_answer(await through_gateway(connected_bot, gateway, payload))
    assert "42" in text and "didn't work" not in text
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
