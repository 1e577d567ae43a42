"""Starting and stopping the Discord adapter (`bot.runtime.serve` calls `start`, with its
`DiscordSettings`, when DISCORD_TOKEN is set): log in, register `/staffroom`, hand the outbox a
Discord sender, then keep the gateway connection in the background until `stop`.

Readiness ("Discord") is true while every shard of this process is connected. When the
connection ends for good (`adapters.discord.connection`), the adapter says why in one log line,
tells the facilitators and marks itself stopped, which fails /healthz."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord

from adapters.discord.client import StaffroomClient, invite_url
from adapters.discord.command_plan import plan_commands
from adapters.discord.connection import why_stopped
from adapters.discord.interactions import DEADLINE_SECONDS, Interactions
from adapters.discord.sender import DiscordSender
from adapters.discord.settings import DiscordSettings
from bot.app import Staffroom
from bot.runtime.observability.outage import tell_facilitators

log = logging.getLogger("staffroom.discord")

READINESS = "Discord"


class DiscordAdapter:
    """The Discord side of a running bot: client, interactions and sender.

    `open` logs in over HTTP and registers everything, without the gateway; tests stop there
    and feed interactions in themselves. `connect` adds the gateway connection.
    """

    def __init__(
        self, app: Staffroom, settings: DiscordSettings, *, deadline: float = DEADLINE_SECONDS
    ) -> None:
        self._app = app
        self._settings = settings
        self.interactions = Interactions(app.core, deadline=deadline)
        self.plan = plan_commands(app.core.registry)
        self.client = StaffroomClient(
            self.interactions,
            self.plan,
            guild_ids=settings.guild_ids,
            sync_globally=settings.syncs_globally(),
            shard_count=settings.shard_count,
            shard_ids=settings.shard_ids,
        )
        self.sender = DiscordSender(self.client)
        self._gateway: asyncio.Task[None] | None = None
        self._stopping = False
        _say_which_shards(settings.shard_count, settings.shard_ids)
        if self.plan.typed_only:
            log.warning(
                "/staffroom has no room for %d commands; they work through /staffroom %s",
                len(self.plan.typed_only),
                self.plan.fallback.path[0],
            )

    async def open(self) -> None:
        settings = self._settings
        token = settings.token
        if token is None:
            raise ValueError("DISCORD_TOKEN is not set")
        # discord.py builds every REST URL (interaction responses included) from this one
        # class attribute; DISCORD_API_URL points it at a proxy, or a fake in tests.
        discord.http.Route.BASE = settings.api_url.rstrip("/")
        await self.client.login(token.get_secret_value())
        self._app.worker.add_sender(self.sender)
        if self.client.application_id is not None:
            log.info("add Staffroom to a server with %s", invite_url(self.client.application_id))

    def connect(self) -> None:
        self._app.readiness.add(READINESS, self.client.connected)
        self._gateway = asyncio.create_task(self._keep_connected(), name="discord-gateway")

    async def _keep_connected(self) -> None:
        error: Exception | None = None
        try:
            await self.client.connect()
        except Exception as raised:
            error = raised
        if self._stopping:
            return
        reason, defect = why_stopped(error)
        log.error("Discord stopped for good: %s", reason, exc_info=error if defect else None)
        self._app.readiness.stopped(READINESS, reason)
        core = self._app.core
        try:
            told = await core.run_in_db(tell_facilitators, core, "discord", reason)
        except Exception:
            log.exception("could not queue the notice to facilitators")
            return
        log.info("Discord: %d facilitators will be told that the connection stopped", told)

    async def stop(self) -> None:
        self._stopping = True
        await self.client.close()
        if self._gateway is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._gateway


def _say_which_shards(count: int | None, ids: list[int] | None) -> None:
    """Log which gateway shards this process connects. Each shard must be connected by exactly
    one process: two processes on one shard both receive, and both answer, every interaction
    of its servers. A shard count without shard ids (all shards here) is how a replicated
    deployment ends up doing that, so it gets a warning."""
    if count is not None and count > 1 and ids is None:
        log.warning(
            "DISCORD_SHARD_COUNT is %d but DISCORD_SHARD_IDS is not set, so this process "
            "connects all %d shards. Give each Discord process its own DISCORD_SHARD_IDS, and "
            "run replicas that serve only Slack without DISCORD_TOKEN: two processes on one "
            "shard each handle every interaction of its servers.",
            count,
            count,
        )
    elif ids is not None:
        log.info("Discord: this process connects shards %s of %s", ids, count)
    else:
        log.info(
            "Discord: this process connects every shard; run no other process with "
            "DISCORD_TOKEN (replicas that serve only Slack leave it unset)"
        )


async def start(app: Staffroom, settings: DiscordSettings) -> DiscordAdapter:
    adapter = DiscordAdapter(app, settings)
    await adapter.open()
    adapter.connect()
    return adapter
