"""Discord interactions and messages as the core's actors, places and channel activity.

The workspace is the server (guild) id. Direct messages have no server, so the caller passes
the one a button or form names. A thread counts as its parent channel (where groups are
linked), with the thread id alongside. "Manage Server" — or Administrator, which implies it —
makes someone a workspace admin. Messages become `ChannelActivity` without their text: the
bot does not ask for the message-content intent and could not read the text if it wanted to.
"""

from __future__ import annotations

import discord

from bot.kernel.events import Actor, ChannelActivity, Place

PLATFORM = "discord"
_COUNTED = (discord.MessageType.default, discord.MessageType.reply)


def workspace_of(interaction: discord.Interaction, named: str | None = None) -> str | None:
    """The server an interaction belongs to: its own, else the one its button or form names."""
    return str(interaction.guild_id) if interaction.guild_id is not None else named


def actor_of(interaction: discord.Interaction, workspace: str) -> Actor:
    permissions = interaction.permissions
    in_server = interaction.guild_id is not None
    return Actor(
        platform=PLATFORM,
        workspace=workspace,
        user_id=str(interaction.user.id),
        display_name=interaction.user.display_name,
        is_workspace_admin=in_server and (permissions.manage_guild or permissions.administrator),
    )


def place_of(interaction: discord.Interaction, workspace: str) -> Place:
    channel = interaction.channel
    channel_id = interaction.channel_id
    if interaction.guild_id is None:
        return Place(PLATFORM, workspace, channel=_text(channel_id), is_direct=True)
    return _channel_place(workspace, channel, channel_id)


def _channel_place(workspace: str, channel: object, channel_id: int | None) -> Place:
    if isinstance(channel, discord.Thread):
        parent = channel.parent
        return Place(
            PLATFORM,
            workspace,
            channel=str(channel.parent_id),
            thread=str(channel.id),
            channel_name=parent.name if parent is not None else None,
        )
    return Place(
        PLATFORM, workspace, channel=_text(channel_id), channel_name=getattr(channel, "name", None)
    )


def _text(number: int | None) -> str | None:
    return None if number is None else str(number)


def activity_of(message: discord.Message) -> ChannelActivity | None:
    """A member's post in a server channel, counted; None for bots, webhooks and system posts."""
    guild = message.guild
    if guild is None or message.author.bot or message.webhook_id is not None:
        return None
    if message.type not in _COUNTED:
        return None
    workspace = str(guild.id)
    actor = Actor(PLATFORM, workspace, str(message.author.id), message.author.display_name)
    place = _channel_place(workspace, message.channel, message.channel.id)
    return ChannelActivity(actor, place, message.created_at)


def message_ref(workspace: str, channel_id: int, message_id: int) -> str:
    """How the core and the outbox refer to a Discord message: server/channel/message."""
    return f"{workspace}/{channel_id}/{message_id}"


def parse_message_ref(ref: str) -> tuple[str, int, int]:
    workspace, channel_id, message_id = ref.split("/")
    return workspace, int(channel_id), int(message_id)
