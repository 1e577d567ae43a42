"""The discord.py client: intents, `/staffroom` registration, and the events Staffroom hears.

It asks only for the `guilds` and `guild_messages` intents — neither privileged: interactions
arrive whatever the intents, and channel activity needs to know that someone posted, not what
they wrote. Shards are discord.py's own (`AutoShardedClient`); replicas can split them with
`DISCORD_SHARD_COUNT` and `DISCORD_SHARD_IDS`; `connected` (readiness) is true while every
shard of this process has its session (READY or RESUMED) on an open connection. Rate limits
up to `RATE_LIMIT_WAIT` seconds are waited out by discord.py; longer ones surface as
`discord.RateLimited` so the outbox can reschedule the message instead of holding a delivery
slot. Interactions pass `adapters.discord.screening` before discord.py reads them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from typing import Any

import discord
from discord import app_commands

from adapters.discord import custom_ids
from adapters.discord.command_plan import CommandPlan
from adapters.discord.components import DYNAMIC_ITEMS
from adapters.discord.connection import quiet_reconnects
from adapters.discord.inbound import activity_of
from adapters.discord.interactions import COMMAND_FAILED, Interactions, say
from adapters.discord.render import NO_MENTIONS
from adapters.discord.screening import screen
from adapters.discord.slash import build_root
from adapters.discord.suggestions import Suggestions

log = logging.getLogger("staffroom.discord")

RATE_LIMIT_WAIT = 5.0
NOT_OUR_BUTTON = (
    "That button isn't one Staffroom can use (it may be from an older version, or another "
    "app's). `/staffroom help` lists what you can do now."
)


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True  # servers, channels and threads, to place messages and interactions
    wanted.guild_messages = True  # that someone posted (the text stays out of reach)
    return wanted


def invite_permissions() -> discord.Permissions:
    """What the bot needs in a server, and nothing more. Notably not "Mention Everyone"
    (it never pings), not "Manage Messages" (it edits only its own), not Administrator."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,  # replies are embeds
        attach_files=True,  # charts, CSV, .ics
        read_message_history=True,  # to name a thread after the post it starts from
        create_public_threads=True,  # replies under a post (meeting, question) go in a thread
        send_messages_in_threads=True,
    )


def invite_url(application_id: int) -> str:
    """The link a server admin opens to add the bot, with its commands and permissions."""
    return discord.utils.oauth_url(
        application_id,
        permissions=invite_permissions(),
        scopes=("bot", "applications.commands"),
    )


class StaffroomClient(discord.AutoShardedClient):
    """A discord.py client wired to Staffroom's interactions and channel activity.

    Attributes:
        staffroom: where commands, presses and modal answers go (buttons find it here).
    """

    def __init__(
        self,
        interactions: Interactions,
        plan: CommandPlan,
        *,
        guild_ids: list[int],
        sync_globally: bool,
        shard_count: int | None = None,
        shard_ids: list[int] | None = None,
    ) -> None:
        # Staffroom never uses voice; discord.py's warnings about voice libraries would only
        # alarm operators.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        sharding: dict[str, Any] = {"shard_count": shard_count}
        if shard_ids is not None:
            sharding["shard_ids"] = shard_ids
        super().__init__(
            intents=intents(),
            allowed_mentions=NO_MENTIONS,
            max_ratelimit_timeout=RATE_LIMIT_WAIT,
            **sharding,
        )
        self.staffroom = interactions
        self.guild_ids = guild_ids
        self.sync_globally = sync_globally
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(build_root(plan, interactions, Suggestions(interactions.core)))
        self.tree.on_error = self._command_failed  # type: ignore[method-assign]
        self._sessions: set[int] = set()
        screen(self._connection)
        quiet_reconnects()

    def connected(self) -> bool:
        """Whether every shard of this process has its session on an open connection."""
        if self.is_closed() or self.shard_count is None:
            return False
        wanted = set(self.shard_ids if self.shard_ids is not None else range(self.shard_count))
        shards = self.shards
        return wanted <= self._sessions and all(
            shard in shards and not shards[shard].is_closed() for shard in wanted
        )

    async def on_shard_connect(self, shard_id: int) -> None:
        self._sessions.add(shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        self._sessions.add(shard_id)

    async def on_shard_disconnect(self, shard_id: int) -> None:
        self._sessions.discard(shard_id)

    async def setup_hook(self) -> None:
        for item in DYNAMIC_ITEMS:
            self.add_dynamic_items(item)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Register `/staffroom` in each configured server (instant) and, if asked, globally.

        A refusal is logged, not fatal: buttons, forms and activity still work without it.
        """
        targets: list[discord.abc.Snowflake | None] = [discord.Object(g) for g in self.guild_ids]
        for guild in targets:
            self.tree.copy_global_to(guild=guild)  # type: ignore[arg-type]
        if self.sync_globally:
            targets.append(None)
        for guild in targets:
            where = f"server {guild.id}" if guild is not None else "all servers"
            try:
                await self.tree.sync(guild=guild)
                log.info("registered /staffroom in %s", where)
            except discord.HTTPException as error:
                log.error(
                    "Discord refused /staffroom in %s: %s %s", where, error.status, error.text
                )

    async def on_message(self, message: discord.Message) -> None:
        activity = activity_of(message)
        if activity is not None:
            await self.staffroom.core.handle(activity)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Commands and buttons are dispatched by discord.py's tree and dynamic items; modal
        # answers are routed here by their custom id, so they survive a restart. A button
        # whose id is none of ours would otherwise show "This interaction failed".
        if interaction.type is discord.InteractionType.modal_submit:
            await self.staffroom.submit(interaction)
        elif interaction.type is discord.InteractionType.component:
            data: Mapping[str, Any] = interaction.data or {}
            custom_id = str(data.get("custom_id", ""))
            if not custom_ids.is_button_of_ours(custom_id):
                log.info("a component Staffroom did not make was used")
                with contextlib.suppress(discord.HTTPException):
                    await say(interaction, NOT_OUR_BUTTON)

    async def _command_failed(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Discord may still offer a command this version no longer has, or in an older
        shape (its list refreshes after a sync); anything else here is a bug of ours. Either
        way, answer."""
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            log.info("a command Discord still offers was used: %s", type(error).__name__)
        else:
            log.error("slash command failed: %s", type(error).__name__, exc_info=error)
        if not interaction.response.is_done():
            with contextlib.suppress(discord.HTTPException):
                await say(interaction, COMMAND_FAILED)
