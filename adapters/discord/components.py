"""The buttons Staffroom puts on Discord messages, and how a press finds its way back.

Both kinds are discord.py dynamic items: registered once at start-up by their custom-id
pattern, they are rebuilt from the id of whatever button was pressed, so a press on a message
sent before a restart (or by another replica) is handled like any other.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from adapters.discord import custom_ids
from adapters.discord.markup import to_label
from bot.kernel.replies import Button, ButtonStyle

LABEL_LIMIT = 80
_STYLES = {
    ButtonStyle.DEFAULT: discord.ButtonStyle.secondary,
    ButtonStyle.PRIMARY: discord.ButtonStyle.primary,
    ButtonStyle.DANGER: discord.ButtonStyle.danger,
}


class PressHandler(Protocol):
    """What the client hands presses to (`adapters.discord.interactions.Interactions`)."""

    async def press(
        self, interaction: discord.Interaction, action: str, value: str, guild: str | None
    ) -> None: ...

    async def resume(self, interaction: discord.Interaction, token: str) -> None: ...


def _handler(interaction: discord.Interaction) -> PressHandler:
    handler: PressHandler = interaction.client.staffroom  # type: ignore[attr-defined]
    return handler


class CoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=custom_ids.BUTTON):
    """A button of the core's: its id carries the action and value the core needs."""

    def __init__(self, item: discord.ui.Button[Any], match: re.Match[str]) -> None:
        super().__init__(item)
        self.action: str = match["action"]
        self.value: str = match["value"]
        self.guild: str | None = match["guild"]

    @classmethod
    def of(cls, button: Button, guild: str | None) -> CoreButton:
        custom_id = custom_ids.button_id(button.action, button.value, guild)
        match = custom_ids.BUTTON.fullmatch(custom_id)
        assert match is not None
        item: discord.ui.Button[Any] = discord.ui.Button(
            label=to_label(button.label, LABEL_LIMIT),
            style=_STYLES[button.style],
            custom_id=custom_id,
        )
        return cls(item, match)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CoreButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item, match)

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).press(interaction, self.action, self.value, self.guild)


class ResumeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=custom_ids.RESUME):
    """ "Continue" / "Fix my answers": reopens a form in progress from its token."""

    def __init__(self, item: discord.ui.Button[Any], token: str) -> None:
        super().__init__(item)
        self.token = token

    @classmethod
    def of(cls, label: str, token: str) -> ResumeButton:
        item: discord.ui.Button[Any] = discord.ui.Button(
            label=label, style=discord.ButtonStyle.primary, custom_id=custom_ids.resume_id(token)
        )
        return cls(item, token)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ResumeButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item, match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).resume(interaction, self.token)


DYNAMIC_ITEMS = (CoreButton, ResumeButton)
