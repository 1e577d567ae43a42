"""Which Web API client speaks to which Slack workspace.

A single-token install (`SLACK_BOT_TOKEN`) has one client, used for every call exactly as
before. An OAuth install has a bot token per workspace, found in the installation store: each
call gets a client carrying the token of the workspace it is for. Tokens are kept a minute per
process (an uninstall seen by another replica reaches this one within it; until then Slack
refuses the old token, which the sender already treats as permanent), and when Slack rotates
tokens (`token_rotation_enabled`) one due to expire within two hours is refreshed before use
and the new one stored, so every replica picks it up.

A workspace with no install raises `NotInstalled`, a `SlackClientError`, so every place that
already survives Slack failing (profile look-ups, answers) survives it too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackClientError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.recent import Recent

log = logging.getLogger("staffroom.slack.workspaces")

TOKEN_SECONDS = 60.0
"""Seconds a workspace's token is used before it is looked up again."""
ROTATE_MINUTES = 120
"""A rotating token this close to expiry is refreshed before use (Slack's last 12 hours)."""


class NotInstalled(SlackClientError):
    """Staffroom is not, or no longer, installed in this workspace: there is no token for it."""

    def __init__(self, workspace: str) -> None:
        super().__init__(f"Staffroom is not installed in Slack workspace {workspace or '?'}")
        self.workspace = workspace


class WorkspaceTokens:
    """Bot tokens by workspace from the installation store: cached, rotated when due."""

    def __init__(
        self,
        store: AsyncInstallationStore,
        rotator: AsyncTokenRotator,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self._rotator = rotator
        self._clock = clock
        self._tokens: Recent[str, tuple[float, str]] = Recent(10_000)
        self._pending: dict[str, asyncio.Future[str]] = {}

    async def token(self, workspace: str) -> str:
        cached = self._tokens.get(workspace)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        pending = self._pending.get(workspace)
        if pending is None:
            pending = asyncio.ensure_future(self._look_up(workspace))
            self._pending[workspace] = pending
        return await asyncio.shield(pending)

    async def _look_up(self, workspace: str) -> str:
        try:
            bot = await self.store.async_find_bot(enterprise_id=None, team_id=workspace)
            if bot is None:
                raise NotInstalled(workspace)
            bot = await self._rotated(bot)
            self._tokens.put(workspace, (self._clock() + TOKEN_SECONDS, bot.bot_token))
            return bot.bot_token
        finally:
            del self._pending[workspace]

    async def _rotated(self, bot: Bot) -> Bot:
        try:
            rotated = await self._rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=ROTATE_MINUTES
            )
        except SlackTokenRotationError as error:
            log.warning("Slack refused to refresh the token of workspace %s", bot.team_id)
            raise NotInstalled(bot.team_id or "") from error
        if rotated is None:
            return bot
        await self.store.async_save_bot(rotated)
        log.info("Slack: refreshed the bot token of workspace %s", bot.team_id)
        return rotated

    def forget(self, workspace: str) -> None:
        """Look the workspace's token up afresh next time (it was installed or uninstalled)."""
        self._tokens.drop(workspace)

    async def uninstalled(self, workspace: str, enterprise_id: str | None) -> None:
        """Delete the workspace's tokens: it uninstalled the app or revoked them."""
        await self.store.async_delete_all(enterprise_id=enterprise_id, team_id=workspace)
        self.forget(workspace)


class WorkspaceClients:
    """Web API clients by workspace, all alike but for their token (`template` gives the rest:
    base URL, connection pool, timeout, retry handlers)."""

    def __init__(self, template: AsyncWebClient, tokens: WorkspaceTokens | None = None) -> None:
        self.template = template
        self.tokens = tokens
        self._clients: Recent[str, AsyncWebClient] = Recent(10_000)

    @property
    def per_workspace(self) -> bool:
        """Whether each workspace has a token of its own (an OAuth install)."""
        return self.tokens is not None

    async def client(self, workspace: str) -> AsyncWebClient:
        if self.tokens is None:
            return self.template
        token = await self.tokens.token(workspace)
        client = self._clients.get(token)
        if client is None:
            template = self.template
            client = AsyncWebClient(
                token=token,
                base_url=template.base_url,
                session=template.session,
                timeout=template.timeout,
                retry_handlers=template.retry_handlers,
                logger=template.logger,
            )
            self._clients.put(token, client)
        return client
