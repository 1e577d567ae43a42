"""The Slack adapter in HTTP mode, end to end, for what is not a command: button presses, the
App Home, direct messages to the bot, channel activity and Slack's URL check."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from adapters.slack.forms import FormOrigin
from storage.activity import ACTIVITY_DAY
from storage.uow import unit_of_work
from tests.adapters.slack import trial_feature
from tests.adapters.slack.block_kit import check_message, check_view
from tests.adapters.slack.conftest import SlackBot, linked_network
from tests.adapters.slack.payloads import payload

# --- buttons and the App Home ---------------------------------------------------------------


def _button(blocks: list[dict], action: str) -> dict:
    return next(
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(action)
    )


async def test_a_button_press_is_answered_privately_through_its_response_url(
    slack_bot: SlackBot,
) -> None:
    await linked_network(slack_bot)
    await slack_bot.send("school Ridgeway School", user="U0AISHA")
    card = await slack_bot.ask("group info A-level Chemistry", user="U0AISHA")
    button = _button(card["blocks"], "group.join")
    press = payload("block_actions_message", response_url=slack_bot.fake.response_url("press"))
    press["user"]["id"] = "U0AISHA"
    press["actions"][0].update(action_id=button["action_id"], value=button["value"])
    status, _ = await slack_bot.slack.interaction(press)
    await slack_bot.settle()
    assert status == 200
    [answer] = slack_bot.fake.responses_to("press")
    assert answer["response_type"] == "ephemeral" and not answer["replace_original"]
    check_message(answer)
    assert "Welcome to *A-level Chemistry*" in str(answer["blocks"])
    mine = await slack_bot.ask("whoami", user="U0AISHA")
    assert "A-level Chemistry" in str(mine)


async def test_the_app_home_shows_my_groups_and_its_buttons_answer_in_a_modal(
    slack_bot: SlackBot,
) -> None:
    await linked_network(slack_bot)
    await slack_bot.slack.event(payload("app_home_opened"))
    await slack_bot.settle()
    [published] = slack_bot.fake.calls_to("views.publish")
    assert published["user_id"] == "U0TOM"
    check_view(published["view"])
    assert "A-level Chemistry" in str(published["view"]["blocks"])
    button = _button(published["view"]["blocks"], "home.groups")
    press = payload("block_actions_home")
    press["actions"][0]["action_id"] = button["action_id"]
    await slack_bot.slack.interaction(press)
    await slack_bot.settle()
    [shown] = slack_bot.fake.calls_to("views.open")
    assert shown["trigger_id"] == press["trigger_id"]
    check_view(shown["view"])
    assert "Subject groups in Solent Network" in str(shown["view"]["blocks"])
    assert len(slack_bot.fake.calls_to("views.publish")) == 2  # the home tab is refreshed


async def test_the_app_home_before_any_network_says_how_to_start(slack_bot: SlackBot) -> None:
    await slack_bot.slack.event(payload("app_home_opened"))
    await slack_bot.settle()
    [published] = slack_bot.fake.calls_to("views.publish")
    check_view(published["view"])
    assert "/staffroom setup" in str(published["view"])


async def test_the_messages_tab_is_not_the_home(slack_bot: SlackBot) -> None:
    await slack_bot.slack.event(payload("app_home_opened_messages"))
    await slack_bot.settle()
    assert slack_bot.fake.calls_to("views.publish") == []


async def test_a_direct_message_to_the_bot_is_a_command(slack_bot: SlackBot) -> None:
    await linked_network(slack_bot)
    im = payload("message_im")
    im["event"]["text"] = "whoami"
    await slack_bot.slack.event(im)
    await slack_bot.settle()
    [answer] = [
        p for p in slack_bot.fake.successful("chat.postMessage") if p["channel"] == "D0TOMBOT"
    ]
    check_message(answer)
    assert "Ridgeway School" in str(answer["blocks"])


# --- channel activity -----------------------------------------------------------------------


def _messages_counted(bot: SlackBot) -> int:
    with unit_of_work(bot.app.core.engine) as connection:
        return int(
            connection.execute(
                select(func.coalesce(func.sum(ACTIVITY_DAY.c.messages), 0))
            ).scalar_one()
        )


async def test_a_retried_event_is_counted_once(slack_bot: SlackBot) -> None:
    await linked_network(slack_bot)
    message = payload("message_channels")
    assert (await slack_bot.slack.event(message))[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await slack_bot.slack.event(message, headers=retry))[0] == 200
    await slack_bot.settle()
    assert _messages_counted(slack_bot) == 1
    await slack_bot.slack.event({**message, "event_id": "Ev0MSGCHAN02"})
    await slack_bot.settle()
    assert _messages_counted(slack_bot) == 2


@pytest.mark.parametrize(
    "name", ["message_changed", "message_bot", "message_channel_join", "member_joined_channel"]
)
async def test_edits_bots_and_joins_are_not_counted(slack_bot: SlackBot, name: str) -> None:
    await linked_network(slack_bot)
    event = payload(name)
    if "user" in event["event"]:
        event["event"]["user"] = "U0TOM"  # a member of the linked group, whose messages count
    assert (await slack_bot.slack.event(event))[0] == 200
    await slack_bot.settle()
    assert _messages_counted(slack_bot) == 0


async def test_the_text_of_a_message_is_stored_nowhere(slack_bot: SlackBot) -> None:
    await linked_network(slack_bot)
    message = payload("message_channels")
    message["event"]["text"] = "Our results dipped badly this year"
    await slack_bot.slack.event(message)
    await slack_bot.settle()
    assert _messages_counted(slack_bot) == 1
    with unit_of_work(slack_bot.app.core.engine) as connection:
        tables = [
            row[0]
            for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        ]
        for table in tables:
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                assert "dipped" not in str(row)


async def test_slack_can_verify_the_request_url(slack_bot: SlackBot) -> None:
    """What Slack sends when an admin pastes the Request URL into the app's settings."""
    challenge = {
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    status, body = await slack_bot.slack.event(challenge)
    assert status == 200 and body == {"challenge": challenge["challenge"]}


async def test_a_form_opened_from_the_app_home_answers_inside_its_modal(
    slack_bot: SlackBot,
) -> None:
    trial_feature.register(slack_bot.app.core.registry)
    await linked_network(slack_bot)
    press = payload("block_actions_home")
    press["actions"][0].update(action_id="trial.open#0")
    await slack_bot.slack.interaction(press)
    await slack_bot.settle()
    [opened] = slack_bot.fake.calls_to("views.open")
    check_view(opened["view"])
    assert FormOrigin.decode(opened["view"]["private_metadata"]).channel is None
    submission = trial_feature.submission(opened["view"], day="2026-12-03")
    status, answer = await slack_bot.slack.interaction(submission)
    assert status == 200 and answer["response_action"] == "update"
    check_view(answer["view"])
    assert "Scheduled *Moderation* on 03 December" in str(answer["view"]["blocks"])
