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


# --- commands: what travels in the acknowledgement, and what follows it ---------------------


async def test_an_answer_ready_within_the_budget_travels_in_the_acknowledgement(
    slack_bot: SlackBot,
) -> None:
    await slack_bot.send("whoami")  # Fran's profile is looked up and cached
    slack_bot.running.adapter.command_budget = 10.0  # "within the budget", whatever the machine
    ack, later = await slack_bot.send("help")
    assert ack["response_type"] == "ephemeral"
    check_message(ack)
    assert "what I can do" in str(ack["blocks"])
    assert later == []  # and nothing more arrives through the response_url


async def test_an_answer_not_ready_within_the_budget_follows_the_empty_ack_exactly_once(
    slack_bot: SlackBot,
) -> None:
    gate = trial_feature.hold_command(slack_bot.app.core.registry)
    await slack_bot.send("whoami")
    form = command_form("trial hold", response_url=slack_bot.fake.response_url("held"))
    status, ack = await slack_bot.slack.command(form)  # returns while the core is still busy
    assert status == 200 and not ack  # empty: no "Working on it…" for a short wait
    assert slack_bot.fake.responses_to("held") == []
    gate.set()
    await slack_bot.settle()
    [answer] = slack_bot.fake.responses_to("held")
    assert answer["response_type"] == "ephemeral" and not answer["replace_original"]
    check_message(answer)
    assert "Released." in str(answer["blocks"])


async def test_when_the_core_is_behind_even_a_known_person_is_acknowledged_at_once(
    slack_bot: SlackBot,
) -> None:
    await slack_bot.send("whoami")
    adapter = slack_bot.running.adapter
    adapter.command_budget = 0.5
    adapter.pace.seconds_per_event = 1.0  # as if the core had been taking a second per event
    ack, [answer] = await slack_bot.send("help")
    assert not ack  # not held back for an answer that could not be ready within the budget
    assert "what I can do" in str(answer["blocks"])


async def test_a_first_command_is_acknowledged_without_waiting_for_users_info(
    slack_bot: SlackBot,
) -> None:
    slack_bot.running.adapter.command_budget = 10.0  # even a generous budget is not spent
    users_info = slack_bot.fake.hold("users.info")
    form = command_form("setup Solent Network", response_url=slack_bot.fake.response_url("setup"))
    try:
        status, ack = await slack_bot.slack.command(form)  # users.info has not answered yet
    finally:
        users_info.set()
    assert status == 200 and not ack
    await slack_bot.settle()
    assert [call["user"] for call in slack_bot.fake.calls_to("users.info")] == ["U0FRAN"]
    [answer] = slack_bot.fake.responses_to("setup")
    # The core saw Fran's real profile: only a workspace admin may set up a network.
    assert "Welcome to Solent Network" in str(answer["blocks"])


async def test_who_may_set_up_comes_from_users_info_looked_up_once(slack_bot: SlackBot) -> None:
    refused = await slack_bot.ask("setup Solent Network", user="U0TOM")
    assert "Only a workspace admin" in str(refused)
    welcome = await slack_bot.ask("setup Solent Network")
    assert "Welcome to Solent Network" in str(welcome)
    me = await slack_bot.ask("whoami")
    assert "Fran Hughes" in str(me)
    looked_up = [call["user"] for call in slack_bot.fake.calls_to("users.info")]
    assert sorted(looked_up) == ["U0FRAN", "U0TOM"]


async def test_member_text_echoed_back_cannot_ping(slack_bot: SlackBot) -> None:
    answer = await slack_bot.ask("<!channel> <@U0TOM> & co")
    check_message(answer)
    assert "&lt;!channel&gt;" in str(answer)


async def test_a_public_answer_is_posted_as_the_bot(slack_bot: SlackBot) -> None:
    await slack_bot.send("setup Solent Network")
    await slack_bot.send("group create A-level Chemistry")
    slack_bot.running.adapter.command_budget = 10.0
    ack, later = await slack_bot.send("group link A-level Chemistry")
    assert not ack and later == []  # an empty acknowledgement: the command is not echoed
    [posted] = slack_bot.fake.successful("chat.postMessage")
    assert posted["channel"] == "C0CHEM"
    check_message(posted)
    assert "now linked to *A-level Chemistry*" in str(posted["blocks"])


async def test_a_public_answer_in_a_private_channel_uses_the_response_url(
    slack_bot: SlackBot,
) -> None:
    await slack_bot.send("setup Solent Network")
    await slack_bot.send("group create SENCOs")
    slack_bot.fake.fail("chat.postMessage", Failure(error="not_in_channel"))
    slack_bot.fake.fail(
        "conversations.join", Failure(error="method_not_supported_for_channel_type")
    )
    _, [answer] = await slack_bot.send("group link SENCOs", channel="G0SENCO")
    assert answer["response_type"] == "in_channel" and "now linked" in str(answer["blocks"])


async def test_a_slow_command_says_working_on_it_and_is_answered_after(
    slack_bot: SlackBot,
) -> None:
    trial_feature.register(slack_bot.app.core.registry)
    slack_bot.running.adapter.command_budget = 10.0
    for _ in ("first contact", "profile cached"):
        ack, [answer] = await slack_bot.send("trial digest")
        assert ack == {"text": "Working on it…", "response_type": "ephemeral"}
        assert answer["response_type"] == "ephemeral"
        assert "weekly digest is ready" in str(answer["blocks"])


async def test_a_file_in_a_private_answer_goes_to_a_direct_message(slack_bot: SlackBot) -> None:
    trial_feature.register(slack_bot.app.core.registry)
    answer = await slack_bot.ask("trial export")
    assert "Sent to you in a direct message" in str(answer["blocks"])
    [opened] = slack_bot.fake.calls_to("conversations.open")
    assert opened["users"] == "U0FRAN"
    [completed] = slack_bot.fake.successful("files.completeUploadExternal")
    assert completed["channel_id"] == "D0FRAN"
    assert list(slack_bot.fake.uploads.values()) == [b"group,members\nA-level Chemistry,3\n"]


# --- forms ----------------------------------------------------------------------------------


async def _open_form(bot: SlackBot) -> dict:
    trial_feature.register(bot.app.core.registry)
    await bot.send("setup Solent Network")
    ack, later = await bot.send("trial form")
    assert not ack and later == []
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
    answered_before = len(slack_bot.fake.responses)
    status, answer = await slack_bot.slack.interaction(
        trial_feature.submission(view, day="2026-12-03", title="<!here> marking")
    )
    await slack_bot.settle()
    assert status == 200 and not answer
    [(name, message)] = slack_bot.fake.responses[answered_before:]
    # Through the response_url of the command that opened the form.
    assert (
        slack_bot.fake.response_url(name)
        == FormOrigin.decode(view["private_metadata"]).response_url
    )
    assert message["response_type"] == "ephemeral"
    check_message(message)
    assert "Scheduled *&lt;!here&gt; marking* on 03 December at 16:30 (group:1)" in str(
        message["blocks"]
    )
