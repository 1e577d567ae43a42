"""Slack payloads as the core's events: small pure functions over the shapes Slack documents.

Each returns the neutral event and, for interactions, an `Origin` — where the answer should go
(channel, thread, `response_url`, `trigger_id`, the modal or App Home it came from). Channel
messages become `ChannelActivity` without their text; bot messages, edits, joins and other
subtypes are not activity. A direct message to the bot (its Messages tab) is read as a command.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from adapters.slack.blocks import ACTION_SEPARATOR
from adapters.slack.forms import FormOrigin, answers
from bot.kernel.events import (
    Actor,
    ButtonPress,
    ChannelActivity,
    Command,
    FormSubmit,
    HomeOpened,
    Place,
)

PLATFORM = "slack"
Payload = Mapping[str, Any]
Surface = Literal["channel", "home", "modal"]

COUNTED_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
"""Message subtypes written by a person as an ordinary message; every other subtype (edits,
deletions, joins, topic changes, bot messages…) is not activity."""

_NOT_CHANNEL_NAMES = frozenset({"directmessage", "privategroup", "mpdm"})
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_ADDRESSES = ("http://", "https://", "mailto:")


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who acted, as the payload says, before their profile is looked up."""

    workspace: str
    user_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an interaction happened, so its answer can be delivered there."""

    workspace: str
    user_id: str
    surface: Surface = "channel"
    channel: str | None = None
    channel_name: str | None = None
    thread: str | None = None
    is_direct: bool = False
    response_url: str | None = None
    trigger_id: str | None = None
    view_id: str | None = None

    @property
    def place(self) -> Place:
        return Place(
            PLATFORM,
            self.workspace,
            channel=self.channel,
            thread=self.thread,
            is_direct=self.is_direct,
            channel_name=self.channel_name,
        )


def _is_direct(channel_id: str | None, channel_name: str | None = None) -> bool:
    return channel_name == "directmessage" or bool(channel_id and channel_id.startswith("D"))


# --- who ---------------------------------------------------------------------------------


def command_speaker(form: Payload) -> Speaker:
    return Speaker(form["team_id"], form["user_id"], form.get("user_name", ""))


def interaction_speaker(body: Payload) -> Speaker:
    """The person behind a `block_actions` or `view_submission` payload."""
    user = body["user"]
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    return Speaker(team, user["id"], user.get("name") or user.get("username") or "")


def event_speaker(body: Payload) -> Speaker:
    event = body["event"]
    return Speaker(body.get("team_id") or event.get("team", ""), event.get("user", ""), "")


# --- interactions ------------------------------------------------------------------------


def command(form: Payload, actor: Actor) -> tuple[Command, Origin]:
    """A slash command (its form fields); the text is everything after `/staffroom`."""
    channel, name = form.get("channel_id"), form.get("channel_name")
    origin = Origin(
        workspace=actor.workspace,
        user_id=actor.user_id,
        channel=channel,
        channel_name=None if name in _NOT_CHANNEL_NAMES else name,
        is_direct=_is_direct(channel, name),
        response_url=form.get("response_url"),
        trigger_id=form.get("trigger_id"),
    )
    return Command(actor, origin.place, (form.get("text") or "").strip()), origin


def button_press(body: Payload, actor: Actor) -> tuple[ButtonPress, Origin]:
    """The first action of a `block_actions` payload (our buttons send one at a time)."""
    action = body["actions"][0]
    container = body.get("container") or {}
    view = body.get("view") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    surface: Surface = "channel"
    if container.get("type") == "view":
        surface = "home" if view.get("type") == "home" else "modal"
    origin = Origin(
        workspace=actor.workspace,
        user_id=actor.user_id,
        surface=surface,
        channel=channel,
        channel_name=(body.get("channel") or {}).get("name"),
        thread=container.get("thread_ts") or (body.get("message") or {}).get("thread_ts"),
        is_direct=_is_direct(channel),
        response_url=body.get("response_url"),
        trigger_id=body.get("trigger_id"),
        view_id=view.get("id"),
    )
    press = ButtonPress(
        actor,
        origin.place,
        action=str(action.get("action_id", "")).split(ACTION_SEPARATOR)[0],
        value=str(action.get("value") or ""),
        message_ref=f"{channel}:{message_ts}" if channel and message_ts else None,
    )
    return press, origin


def form_submit(body: Payload, actor: Actor) -> tuple[FormSubmit, Origin]:
    """A `view_submission` of a form modal; its metadata says which form and where from."""
    view = body["view"]
    opened = FormOrigin.decode(view.get("private_metadata") or "")
    origin = Origin(
        workspace=actor.workspace,
        user_id=actor.user_id,
        surface="channel" if opened.channel else "modal",
        channel=opened.channel,
        channel_name=opened.channel_name,
        thread=opened.thread,
        is_direct=opened.is_direct,
        response_url=opened.response_url,
        trigger_id=body.get("trigger_id"),
        view_id=view.get("id"),
    )
    values = answers((view.get("state") or {}).get("values") or {})
    return FormSubmit(actor, origin.place, opened.form_id, values, opened.context), origin


# --- events ------------------------------------------------------------------------------


def _when(ts: str | None) -> datetime:
    return datetime.fromtimestamp(float(ts or 0), UTC)


def _by_a_person(event: Payload) -> bool:
    return (
        event.get("subtype") in COUNTED_SUBTYPES
        and bool(event.get("user"))
        and not event.get("bot_id")
        and not event.get("hidden")
    )


def channel_activity(body: Payload) -> ChannelActivity | None:
    """A person's ordinary message in a public or private channel — never its text."""
    event = body["event"]
    if event.get("channel_type") not in ("channel", "group") or not _by_a_person(event):
        return None
    speaker = event_speaker(body)
    actor = Actor(PLATFORM, speaker.workspace, speaker.user_id, "")
    place = Place(
        PLATFORM, speaker.workspace, channel=event["channel"], thread=event.get("thread_ts")
    )
    return ChannelActivity(actor, place, _when(event.get("ts")), delivery=_delivery(body))


def member_joined(body: Payload) -> ChannelActivity:
    """Someone joined a channel: activity of kind "join", which is not a message."""
    event = body["event"]
    speaker = event_speaker(body)
    actor = Actor(PLATFORM, speaker.workspace, speaker.user_id, "")
    place = Place(PLATFORM, speaker.workspace, channel=event["channel"])
    when = _when(event.get("event_ts"))
    return ChannelActivity(actor, place, when, kind="join", delivery=_delivery(body))


def direct_text(text: str) -> str:
    """A direct message's text as typed: Slack's links and mentions unwrapped, entities decoded."""
    unwrapped = _LINK.sub(_unwrapped, text)
    return unwrapped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _unwrapped(link: re.Match[str]) -> str:
    target, label = link.group(1), link.group(2)
    address = target.removeprefix("mailto:")
    if not label:
        return address
    if not target.startswith(_ADDRESSES) or label in (address, _without_scheme(address)):
        return label  # a mention, a channel, or an address Slack linked as it was typed
    # A link given a label of its own: the address is what a reader needs to follow it.
    return f"{label} ({address})"


def _without_scheme(address: str) -> str:
    return address.split("://", 1)[-1].removesuffix("/")


def direct_command(body: Payload, actor: Actor) -> tuple[Command, Origin] | None:
    """A person's message in their conversation with the bot, as a command."""
    event = body["event"]
    if event.get("channel_type") != "im" or not _by_a_person(event):
        return None
    origin = Origin(
        workspace=actor.workspace,
        user_id=actor.user_id,
        channel=event["channel"],
        is_direct=True,
        thread=event.get("thread_ts"),
    )
    text = direct_text(event.get("text") or "").strip().removeprefix("/staffroom").strip()
    return Command(actor, origin.place, text, delivery=_delivery(body)), origin


def _delivery(body: Payload) -> str | None:
    """The Events API's id for this event, the same in every retry of its delivery."""
    event_id = body.get("event_id")
    return str(event_id) if event_id else None


def home(actor: Actor) -> HomeOpened:
    """The person's App Home: a private surface with no channel."""
    return HomeOpened(actor, Place(PLATFORM, actor.workspace, channel=None, is_direct=True))


def wants_home(body: Payload) -> bool:
    """`app_home_opened` for the Home tab (its Messages tab is not the home view)."""
    return body["event"].get("tab", "home") == "home"
