"""What Staffroom listens to in a bolt app, by kind: slash commands, button presses, form
submissions, channel and direct messages, channel joins, App Home openings, and the app's
removal from a workspace (or its bot token's revocation). The intake
(HTTP mode) and the bot's own bolt app (Socket Mode) register the same kinds."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack.forms import FORM_CALLBACK
from adapters.slack.link import Kind

ANYTHING = re.compile(".*")


def listen(bolt: AsyncApp, listener_for: Callable[[Kind], Callable[..., Any]]) -> None:
    """Register `listener_for(kind)` on `bolt` for every kind Staffroom handles."""
    bolt.command(ANYTHING)(listener_for("command"))
    bolt.action(ANYTHING)(listener_for("action"))
    bolt.view_submission(FORM_CALLBACK)(listener_for("submission"))
    bolt.event("message")(listener_for("message"))
    bolt.event("member_joined_channel")(listener_for("member_joined"))
    bolt.event("app_home_opened")(listener_for("home_opened"))
    bolt.event("app_uninstalled")(listener_for("uninstalled"))
    bolt.event("tokens_revoked")(listener_for("uninstalled"))
