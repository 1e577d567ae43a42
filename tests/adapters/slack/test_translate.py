"""Slack payloads to the core's events, on recorded payloads in Slack's documented shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.slack import translate
from adapters.slack.forms import FormOrigin
from bot.kernel.events import Actor, ChannelActivity
from tests.adapters.slack.payloads import payload

TOM = Actor("slack", "T0SCHOOLS", "U0TOM", "Tom Patel")


def test_slash_command_in_a_channel() -> None:
    form = payload("slash_command")
    speaker = translate.command_speaker(form)
    assert (speaker.workspace, speaker.user_id, speaker.name) == (
        "T0SCHOOLS",
        "U0FRAN",
        "fran.hughes",
    )
    command, origin = translate.command(form, TOM)
    assert command.text == "join A-level Chemistry"
    assert command.place.channel == "C0CHEM" and command.place.channel_name == "a-level-chemistry"
    assert not command.place.is_direct
    assert origin.response_url == form["response_url"] and origin.trigger_id == form["trigger_id"]


def test_slash_command_in_a_direct_message() -> None:
    command, origin = translate.command(payload("slash_command_dm"), TOM)
    assert command.text == "whoami"
    assert command.place.is_direct and command.place.channel_name is None
    assert origin.surface == "channel"


def test_button_in_a_message() -> None:
    body = payload("block_actions_message")
    assert translate.interaction_speaker(body).user_id == "U0TOM"
    press, origin = translate.button_press(body, TOM)
    assert (press.action, press.value) == ("group.join", "17")
    assert press.message_ref == "C0CHEM:1764000000.000100"
    assert press.place.channel == "C0CHEM"
    assert origin.surface == "channel" and origin.response_url is not None


def test_button_in_the_app_home() -> None:
    press, origin = translate.button_press(payload("block_actions_home"), TOM)
    assert press.action == "home.groups" and press.value == ""
    assert origin.surface == "home" and origin.channel is None and origin.response_url is None
    assert origin.trigger_id and origin.view_id == "V0HOMETOM"


def test_form_submission_reads_every_input_kind() -> None:
    submit, origin = translate.form_submit(payload("view_submission"), TOM)
    assert submit.form_id == "meeting.schedule" and submit.context == "group:17"
    assert dict(submit.values) == {
        "title": "Moderation <!channel> & marking",
        "notes": "",
        "where": "online",
        "date": "2026-12-03",
        "time": "16:30",
        "recurring": "yes",
    }
    assert submit.place.channel == "C0CHEM"
    assert origin.response_url and origin.surface == "channel"


def test_form_metadata_round_trip_drops_extras_when_too_long() -> None:
    origin = FormOrigin(
        "f", "c" * 2900, channel="C1", channel_name="n" * 80, response_url="https://h/x"
    )
    encoded = origin.encode()
    assert len(encoded) <= 3000
    decoded = FormOrigin.decode(encoded)
    assert decoded.form_id == "f" and decoded.context == "c" * 2900 and decoded.channel == "C1"
    with pytest.raises(ValueError):
        FormOrigin("f", "c" * 3000).encode()


@pytest.mark.parametrize("name", ["message_channels", "message_groups", "message_thread_broadcast"])
def test_a_persons_message_is_activity_without_text(name: str) -> None:
    body = payload(name)
    activity = translate.channel_activity(body)
    assert isinstance(activity, ChannelActivity)
    assert activity.actor.user_id == body["event"]["user"]
    assert activity.place.channel == body["event"]["channel"]
    assert activity.at == datetime.fromtimestamp(float(body["event"]["ts"]), UTC)
    # Nothing of what they wrote travels into the core.
    assert body["event"]["text"] not in repr(activity)


def test_thread_replies_keep_their_thread() -> None:
    activity = translate.channel_activity(payload("message_groups"))
    assert activity is not None and activity.place.thread == "1764003000.000100"


@pytest.mark.parametrize(
    "name", ["message_changed", "message_bot", "message_channel_join", "message_im"]
)
def test_edits_bots_joins_and_direct_messages_are_not_activity(name: str) -> None:
    assert translate.channel_activity(payload(name)) is None


def test_direct_message_is_a_command_with_slack_formatting_undone() -> None:
    translated = translate.direct_command(payload("message_im"), TOM)
    assert translated is not None
    command, origin = translated
    assert command.text == (
        "join A-level Chemistry & more the spec (https://example.org/spec) @U0AISHA"
    )
    assert origin.is_direct and origin.channel == "D0TOMBOT"
    assert translate.direct_command(payload("message_channels"), TOM) is None


@pytest.mark.parametrize(
    ("sent", "typed"),
    [
        ("<https://example.org/spec|the spec>", "the spec (https://example.org/spec)"),
        ("<http://example.org|example.org>", "example.org"),
        ("<https://example.org/a/|example.org/a>", "example.org/a"),
        ("<https://example.org/a>", "https://example.org/a"),
        ("<mailto:fran@ridgeway.sch.uk|fran@ridgeway.sch.uk>", "fran@ridgeway.sch.uk"),
        ("<mailto:fran@ridgeway.sch.uk|write to Fran>", "write to Fran (fran@ridgeway.sch.uk)"),
        ("<#C0CHEM|a-level-chemistry>", "a-level-chemistry"),
        ("<@U0AISHA>", "@U0AISHA"),
    ],
)
def test_a_direct_message_keeps_every_link_it_was_sent_with(sent: str, typed: str) -> None:
    assert translate.direct_text(f"see {sent} please") == f"see {typed} please"


def test_member_joined_channel_is_a_join_not_a_message() -> None:
    activity = translate.member_joined(payload("member_joined_channel"))
    assert activity.kind == "join" and activity.actor.user_id == "U0NEWBIE"
    assert activity.place.channel == "C0CHEM"


def test_app_home_opened_only_for_the_home_tab() -> None:
    assert translate.wants_home(payload("app_home_opened"))
    assert not translate.wants_home(payload("app_home_opened_messages"))
    assert translate.event_speaker(payload("app_home_opened")).user_id == "U0TOM"
    home = translate.home(TOM)
    assert home.place.is_direct and home.place.channel is None


def test_recorded_metadata_is_what_the_adapter_writes() -> None:
    metadata = payload("view_submission")["view"]["private_metadata"]
    assert FormOrigin.decode(metadata).encode() == json.dumps(
        json.loads(metadata), separators=(",", ":")
    )
