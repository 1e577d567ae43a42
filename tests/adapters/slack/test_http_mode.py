"""The Slack adapter in HTTP mode, end to end: signed requests over real HTTP to the running
aiohttp server and bolt app, the core on SQLite, and slack_sdk talking to the fake Slack."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select, text

from adapters.slack.forms import FormOrigin
from storage.activity import ACTIVITY_DAY
from storage.uow import unit_of_work
from tests.adapters.slack import trial_feature
from tests.adapters.slack.block_kit import check_message, check_view
from tests.adapters.slack.conftest import SlackBot, command_form
from tests.adapters.slack.fake_slack import Failure
from tests.adapters.slack.payloads import payload


async def _network(bot: SlackBot) -> None:
    """Fran (a workspace admin) sets up a network with a group linked to #a-level-chemistry."""
    for line in (
        "setup Solent Network",
        "school add Ridgeway School",
        "group create A-level Chemistry — practicals",
        "group link A-level Chemistry",
    ):
        status, _ = await bot.slack.command(command_form(line))
        assert status == 200
    await bot.slack.command(command_form("school Ridgeway School", user="U0TOM"))
    await bot.slack.command(command_form("join A-level Chemistry", user="U0TOM"))
    await bot.settle()


def _said(body: object) -> str:
    return str(body)


# --- requests Slack did not sign -------------------------------------------------------------


async def test_forged_signature_is_refused(slack_bot: SlackBot) -> None:
    status, _ = await slack_bot.slack.command(command_form("setup Solent"), secret="not-the-secret")
    assert status == 401
    status, _ = await slack_bot.slack.event(payload("message_channels"), secret="not-the-secret")
    assert status == 401
    assert slack_bot.fake.calls_to("users.info") == []


async def test_a_request_older_than_five_minutes_is_refused(slack_bot: SlackBot) -> None:
    status, _ = await slack_bot.slack.command(command_form("help"), timestamp=time.time() - 301)
    assert status == 401


# --- commands -------------------------------------------------------------------------------


async def test_a_command_is_answered_in_the_acknowledgement(slack_bot: SlackBot) -> None:
    status, body = await slack_bot.slack.command(command_form("help"))
    assert status == 200 and body["response_type"] == "ephemeral"
    check_message(body)
    assert "what I can do" in _said(body["blocks"])


async def test_who_may_set_up_comes_from_users_info_looked_up_once(slack_bot: SlackBot) -> None:
    _, refused = await slack_bot.slack.command(command_form("setup Solent Network", user="U0TOM"))
    assert "Only a workspace admin" in _said(refused)
    _, welcome = await slack_bot.slack.command(command_form("setup Solent Network"))
    assert "Welcome to Solent Network" in _said(welcome)
    _, me = await slack_bot.slack.command(command_form("whoami"))
    assert "Fran Hughes" in _said(me)
    looked_up = [call["user"] for call in slack_bot.fake.calls_to("users.info")]
    assert sorted(looked_up) == ["U0FRAN", "U0TOM"]


async def test_member_text_echoed_back_cannot_ping(slack_bot: SlackBot) -> None:
    _, body = await slack_bot.slack.command(command_form("<!channel> <@U0TOM> & co"))
    check_message(body)
    assert "&lt;!channel&gt;" in _said(body)


async def test_a_public_answer_is_posted_as_the_bot(slack_bot: SlackBot) -> None:
    await slack_bot.slack.command(command_form("setup Solent Network"))
    await slack_bot.slack.command(command_form("group create A-level Chemistry"))
    status, body = await slack_bot.slack.command(
        command_form("group link A-level Chemistry", response_url=slack_bot.fake.response_url())
    )
    await slack_bot.settle()
    assert status == 200 and not body  # an empty acknowledgement: the command is not echoed
    [posted] = slack_bot.fake.successful("chat.postMessage")
    assert posted["channel"] == "C0CHEM"
    check_message(posted)
    assert "now linked to *A-level Chemistry*" in _said(posted["blocks"])
    assert slack_bot.fake.responses == []


async def test_a_public_answer_in_a_private_channel_uses_the_response_url(
    slack_bot: SlackBot,
) -> None:
    await slack_bot.slack.command(command_form("setup Solent Network"))
    await slack_bot.slack.command(command_form("group create SENCOs"))
    slack_bot.fake.fail("chat.postMessage", Failure(error="not_in_channel"))
    slack_bot.fake.fail(
        "conversations.join", Failure(error="method_not_supported_for_channel_type")
    )
    await slack_bot.slack.command(
        command_form(
            "group link SENCOs", channel="G0SENCO", response_url=slack_bot.fake.response_url()
        )
    )
    await slack_bot.settle()
    [(_, answer)] = slack_bot.fake.responses
    assert answer["response_type"] == "in_channel" and "now linked" in _said(answer["blocks"])


async def test_a_slow_command_is_acknowledged_first_and_answered_after(slack_bot: SlackBot) -> None:
    trial_feature.register(slack_bot.app.core.registry)
    _, ack = await slack_bot.slack.command(
        command_form("trial digest", response_url=slack_bot.fake.response_url("digest"))
    )
    assert ack["text"] == "Working on it…"
    await slack_bot.settle()
    [(name, answer)] = slack_bot.fake.responses
    assert name == "digest" and answer["response_type"] == "ephemeral"
    assert "weekly digest is ready" in _said(answer["blocks"])


async def test_an_answer_later_than_the_budget_goes_to_the_response_url(
    slack_bot: SlackBot,
) -> None:
    slack_bot.running.adapter.answer_budget = 0.0  # as if the core took longer than allowed
    _, ack = await slack_bot.slack.command(
        command_form("help", response_url=slack_bot.fake.response_url())
    )
    assert ack["text"] == "Working on it…"
    await slack_bot.settle()
    [(_, answer)] = slack_bot.fake.responses
    check_message(answer)
    assert "what I can do" in _said(answer["blocks"])


async def test_a_file_in_a_private_answer_goes_to_a_direct_message(slack_bot: SlackBot) -> None:
    trial_feature.register(slack_bot.app.core.registry)
    await slack_bot.slack.command(
        command_form("trial export", response_url=slack_bot.fake.response_url())
    )
    await slack_bot.settle()
    [(_, answer)] = slack_bot.fake.responses
    assert "Sent to you in a direct message" in _said(answer["blocks"])
    [opened] = slack_bot.fake.calls_to("conversations.open")
    assert opened["users"] == "U0FRAN"
    [completed] = slack_bot.fake.successful("files.completeUploadExternal")
    assert completed["channel_id"] == "D0FRAN"
    assert list(slack_bot.fake.uploads.values()) == [b"group,members\nA-level Chemistry,3\n"]


# --- forms ----------------------------------------------------------------------------------


async def _open_form(bot: SlackBot) -> dict:
    trial_feature.register(bot.app.core.registry)
    await bot.slack.command(command_form("setup Solent Network"))
    status, ack = await bot.slack.command(
        command_form("trial form", response_url=bot.fake.response_url("form"))
    )
    await bot.settle()
    assert status == 200 and not ack
    [opened] = bot.fake.calls_to("views.open")
    assert opened["trigger_id"] == payload("slash_command")["trigger_id"]
    check_view(opened["view"])
    return opened["view"]


def _submission(view: dict, **answers: str) -> dict:
    body = payload("view_submission")
    body["user"]["id"] = "U0FRAN"
    body["view"] = {
        **view,
        "id": "V0FORM",
        "state": {
            "values": {
                "title": {
                    "value": {
                        "type": "plain_text_input",
                        "value": answers.get("title", "Moderation"),
                    }
                },
                "day": {"value": {"type": "datepicker", "selected_date": answers.get("day")}},
                "at": {"value": {"type": "timepicker", "selected_time": "16:30"}},
                "where": {
                    "value": {"type": "static_select", "selected_option": {"value": "online"}}
                },
            }
        },
    }
    return body


async def test_a_form_opens_as_a_modal_that_remembers_where_it_came_from(
    slack_bot: SlackBot,
) -> None:
    view = await _open_form(slack_bot)
    origin = FormOrigin.decode(view["private_metadata"])
    assert (origin.form_id, origin.context, origin.channel) == (
        "trial.meeting",
        "group:1",
        "C0CHEM",
    )
    kinds = [block["element"]["type"] for block in view["blocks"] if block["type"] == "input"]
    assert kinds == ["plain_text_input", "datepicker", "timepicker", "static_select"]


async def test_invalid_input_in_a_modal_gets_field_errors(slack_bot: SlackBot) -> None:
    view = await _open_form(slack_bot)
    status, answer = await slack_bot.slack.interaction(_submission(view, day="2020-01-01"))
    assert status == 200
    assert answer == {
        "response_action": "errors",
        "errors": {"day": "That date has passed — choose a later one."},
    }


async def test_a_valid_submission_closes_the_modal_and_answers_in_the_channel(
    slack_bot: SlackBot,
) -> None:
    view = await _open_form(slack_bot)
    status, answer = await slack_bot.slack.interaction(
        _submission(view, day="2026-12-03", title="<!here> marking")
    )
    await slack_bot.settle()
    assert status == 200 and not answer
    [(name, message)] = slack_bot.fake.responses
    assert name == "form" and message["response_type"] == "ephemeral"
    check_message(message)
    assert "Scheduled *&lt;!here&gt; marking* on 03 December at 16:30 (group:1)" in _said(
        message["blocks"]
    )


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
    await _network(slack_bot)
    await slack_bot.slack.command(command_form("school Ridgeway School", user="U0AISHA"))
    _, card = await slack_bot.slack.command(
        command_form("group info A-level Chemistry", user="U0AISHA")
    )
    button = _button(card["blocks"], "group.join")
    press = payload("block_actions_message", response_url=slack_bot.fake.response_url("press"))
    press["user"]["id"] = "U0AISHA"
    press["actions"][0].update(action_id=button["action_id"], value=button["value"])
    status, _ = await slack_bot.slack.interaction(press)
    await slack_bot.settle()
    assert status == 200
    [(name, answer)] = slack_bot.fake.responses
    assert (
        name == "press"
        and answer["response_type"] == "ephemeral"
        and not answer["replace_original"]
    )
    check_message(answer)
    assert "Welcome to *A-level Chemistry*" in _said(answer["blocks"])
    _, mine = await slack_bot.slack.command(command_form("whoami", user="U0AISHA"))
    assert "A-level Chemistry" in _said(mine)


async def test_the_app_home_shows_my_groups_and_its_buttons_answer_in_a_modal(
    slack_bot: SlackBot,
) -> None:
    await _network(slack_bot)
    await slack_bot.slack.event(payload("app_home_opened"))
    await slack_bot.settle()
    [published] = slack_bot.fake.calls_to("views.publish")
    assert published["user_id"] == "U0TOM"
    check_view(published["view"])
    assert "A-level Chemistry" in _said(published["view"]["blocks"])
    button = _button(published["view"]["blocks"], "home.groups")
    press = payload("block_actions_home")
    press["actions"][0]["action_id"] = button["action_id"]
    await slack_bot.slack.interaction(press)
    await slack_bot.settle()
    [shown] = slack_bot.fake.calls_to("views.open")
    assert shown["trigger_id"] == press["trigger_id"]
    check_view(shown["view"])
    assert "Subject groups in Solent Network" in _said(shown["view"]["blocks"])
    assert len(slack_bot.fake.calls_to("views.publish")) == 2  # the home tab is refreshed


async def test_the_app_home_before_any_network_says_how_to_start(slack_bot: SlackBot) -> None:
    await slack_bot.slack.event(payload("app_home_opened"))
    await slack_bot.settle()
    [published] = slack_bot.fake.calls_to("views.publish")
    check_view(published["view"])
    assert "/staffroom setup" in _said(published["view"])


async def test_the_messages_tab_is_not_the_home(slack_bot: SlackBot) -> None:
    await slack_bot.slack.event(payload("app_home_opened_messages"))
    await slack_bot.settle()
    assert slack_bot.fake.calls_to("views.publish") == []


async def test_a_direct_message_to_the_bot_is_a_command(slack_bot: SlackBot) -> None:
    await _network(slack_bot)
    im = payload("message_im")
    im["event"]["text"] = "whoami"
    await slack_bot.slack.event(im)
    await slack_bot.settle()
    [answer] = [
        p for p in slack_bot.fake.successful("chat.postMessage") if p["channel"] == "D0TOMBOT"
    ]
    check_message(answer)
    assert "Ridgeway School" in _said(answer["blocks"])


# --- channel activity -----------------------------------------------------------------------


def _messages_counted(bot: SlackBot) -> int:
    with unit_of_work(bot.app.core.engine) as connection:
        return int(
            connection.execute(
                select(func.coalesce(func.sum(ACTIVITY_DAY.c.messages), 0))
            ).scalar_one()
        )


async def test_a_retried_event_is_counted_once(slack_bot: SlackBot) -> None:
    await _network(slack_bot)
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
    await _network(slack_bot)
    event = payload(name)
    if "user" in event["event"]:
        event["event"]["user"] = "U0TOM"  # a member of the linked group, whose messages count
    assert (await slack_bot.slack.event(event))[0] == 200
    await slack_bot.settle()
    assert _messages_counted(slack_bot) == 0


async def test_the_text_of_a_message_is_stored_nowhere(slack_bot: SlackBot) -> None:
    await _network(slack_bot)
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
