"""Starting and stopping the Discord adapter (`bot.serve` calls `start` when DISCORD_TOKEN is
set): log in, register `/staffroom`, hand the outbox a Discord sender, then keep the gateway
connection in the background until `stop`."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from adapters.discord.client import StaffroomClient, invite_url
from adapters.discord.command_plan import plan_commands
from adapters.discord.interactions import DEADLINE_SECONDS, Interactions
from adapters.discord.sender import DiscordSender
from bot.app import Staffroom

log = logging.getLogger("staffroom.discord")


class DiscordAdapter:
    """The Discord side of a running bot: client, interactions and sender.

    `open` logs in over HTTP and registers everything, without the gateway; tests stop there
    and feed interactions in themselves. `connect` adds the gateway connection.
    """

    def __init__(self, app: Staffroom, *, deadline: float = DEADLINE_SECONDS) -> None:
        settings = app.settings
        self._app = app
        self.interactions = Interactions(app.core, deadline=deadline)
        self.plan = plan_commands(app.core.registry)
        self.client = StaffroomClient(
            self.interactions,
            self.plan,
            guild_ids=settings.discord_guild_ids,
            sync_globally=settings.discord_syncs_globally(),
            shard_count=settings.discord_shard_count,
            shard_ids=settings.discord_shard_ids,
        )
        self.sender = DiscordSender(self.client)
        self._gateway: asyncio.Task[None] | None = None
        if self.plan.typed_only:
            log.warning(
                "/staffroom has no room for %d commands; they work through /staffroom %s",
                len(self.plan.typed_only),
                self.plan.fallback.path[0],
            )

    async def open(self) -> None:
        settings = self._app.settings
        token = settings.discord_token
        if token is None:
            raise ValueError("DISCORD_TOKEN is not set")
        # discord.py builds every REST URL (interaction responses included) from this one
        # class attribute; DISCORD_API_URL points it at a proxy, or a fake in tests.
        discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
        await self.client.login(token.get_secret_value())
        self._app.worker.add_sender(self.sender)
        if self.client.application_id is not None:
            log.info("add Staffroom to a server with %s", invite_url(self.client.application_id))

    def connect(self) -> None:
        self._gateway = asyncio.create_task(self.client.connect(), name="discord-gateway")
        self._gateway.add_done_callback(_report_end)

    async def stop(self) -> None:
        await self.client.close()
        if self._gateway is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._gateway


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the Discord connection stopped", exc_info=task.exception())


async def start(app: Staffroom) -> DiscordAdapter:
    adapter = DiscordAdapter(app)
    await adapter.open()
    adapter.connect()
    return adapter
