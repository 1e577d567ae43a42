"""The Slack adapter in HTTP mode, end to end: signed requests over real HTTP to the running
aiohttp server and bolt app, the core on SQLite, and slack_sdk talking to the fake Slack."""

from __future__ import annotations

import time

from adapters.slack.forms import FormOrigin
from tests.adapters.slack import trial_feature
from tests.adapters.slack.block_kit import check_message, check_view
from tests.adapters.slack.conftest import SlackBot, command_form
from tests.adapters.slack.fake_slack import Failure
from tests.adapters.slack.payloads import payload

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
    assert "what I can do" in str(body["blocks"])


async def test_who_may_set_up_comes_from_users_info_looked_up_once(slack_bot: SlackBot) -> None:
    _, refused = await slack_bot.slack.command(command_form("setup Solent Network", user="U0TOM"))
    assert "Only a workspace admin" in str(refused)
    _, welcome = await slack_bot.slack.command(command_form("setup Solent Network"))
    assert "Welcome to Solent Network" in str(welcome)
    _, me = await slack_bot.slack.command(command_form("whoami"))
    assert "Fran Hughes" in str(me)
    looked_up = [call["user"] for call in slack_bot.fake.calls_to("users.info")]
    assert sorted(looked_up) == ["U0FRAN", "U0TOM"]


async def test_member_text_echoed_back_cannot_ping(slack_bot: SlackBot) -> None:
    _, body = await slack_bot.slack.command(command_form("<!channel> <@U0TOM> & co"))
    check_message(body)
    assert "&lt;!channel&gt;" in str(body)


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
    assert "now linked to *A-level Chemistry*" in str(posted["blocks"])
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
    assert answer["response_type"] == "in_channel" and "now linked" in str(answer["blocks"])


async def test_a_slow_command_is_acknowledged_first_and_answered_after(slack_bot: SlackBot) -> None:
    trial_feature.register(slack_bot.app.core.registry)
    _, ack = await slack_bot.slack.command(
        command_form("trial digest", response_url=slack_bot.fake.response_url("digest"))
    )
    assert ack["text"] == "Working on it…"
    await slack_bot.settle()
    [(name, answer)] = slack_bot.fake.responses
    assert name == "digest" and answer["response_type"] == "ephemeral"
    assert "weekly digest is ready" in str(answer["blocks"])


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
    assert "what I can do" in str(answer["blocks"])


async def test_a_file_in_a_private_answer_goes_to_a_direct_message(slack_bot: SlackBot) -> None:
    trial_feature.register(slack_bot.app.core.registry)
    await slack_bot.slack.command(
        command_form("trial export", response_url=slack_bot.fake.response_url())
    )
    await slack_bot.settle()
    [(_, answer)] = slack_bot.fake.responses
    assert "Sent to you in a direct message" in str(answer["blocks"])
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
    status, answer = await slack_bot.slack.interaction(
        trial_feature.submission(view, day="2020-01-01")
    )
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
        trial_feature.submission(view, day="2026-12-03", title="<!here> marking")
    )
    await slack_bot.settle()
    assert status == 200 and not answer
    [(name, message)] = slack_bot.fake.responses
    assert name == "form" and message["response_type"] == "ephemeral"
    check_message(message)
    assert "Scheduled *&lt;!here&gt; marking* on 03 December at 16:30 (group:1)" in str(
        message["blocks"]
    )
