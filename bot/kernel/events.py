"""Inbound events: the plain, immutable facts an adapter hands to the core.

An adapter turns a Slack, Discord or console event into one of these types and nothing else.
Each carries the `Actor` (who) and the `Place` (where); none carries a platform SDK object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Actor:
    """A person on one chat platform.

    Attributes:
        platform: "slack", "discord" or "console".
        workspace: the Slack team id, Discord guild id or console workspace name.
        user_id: the platform's id for the person, unique within the workspace.
        display_name: how the platform names them today (it may change).
        is_workspace_admin: the platform says they administer the workspace
            (Slack admin/owner, Discord "Manage Server"); only `setup` uses it.
        timezone: the person's IANA time zone if the platform knows it.
    """

    platform: str
    workspace: str
    user_id: str
    display_name: str
    is_workspace_admin: bool = False
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """Where an event happened: a channel (optionally a thread in it) or a direct message."""

    platform: str
    workspace: str
    channel: str | None = None
    thread: str | None = None
    is_direct: bool = False
    channel_name: str | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """`/staffroom <text>`: the text is everything after the root command. `delivery`: the
    platform's id for a delivery it may repeat (a direct message via Slack's Events API)."""

    actor: Actor
    place: Place
    text: str
    delivery: str | None = None


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A press of a button the core rendered; `action` and `value` are the button's own."""

    actor: Actor
    place: Place
    action: str
    value: str = ""
    message_ref: str | None = None


def _frozen(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


@dataclass(frozen=True, slots=True)
class FormSubmit:
    """The answers to a form the core opened; `context` is the form's own hidden state."""

    actor: Actor
    place: Place
    form_id: str
    values: Mapping[str, str] = field(default_factory=dict)
    context: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _frozen(self.values))


@dataclass(frozen=True, slots=True)
class ChannelActivity:
    """Someone posted in a channel. Deliberately carries no text: we count, we do not read.
    `delivery`: the platform's id for a delivery it may repeat (Slack's `event_id`)."""

    actor: Actor
    place: Place
    at: datetime
    kind: str = "message"
    delivery: str | None = None


@dataclass(frozen=True, slots=True)
class HomeOpened:
    """Someone opened the bot's home surface (Slack App Home)."""

    actor: Actor
    place: Place


Event = Command | ButtonPress | FormSubmit | ChannelActivity | HomeOpened
