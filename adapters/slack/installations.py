"""Bolt's installation and OAuth-state stores, on the bot's own `Installations` (our database,
tokens sealed at rest): what lets one deployment serve every workspace that installs it.

Only bot tokens are kept — Staffroom asks for no user scopes — so an "installation" here is
its bot, one per workspace (by team id, unique across Slack, Enterprise Grid included); bolt's
flow runs with `installation_store_bot_only`, so it only ever asks for bots. A state is `<nonce>.<signature>`: signed with `SLACK_STATE_SECRET`, so a forged one is
refused without a database look-up, and remembered (as a hash) until consumed, so it works
once, within ten minutes, whichever replica the installer's browser comes back to.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.runtime.installations import Installations, WorkspaceInstall

log = logging.getLogger("staffroom.slack.installations")

STATE_SECONDS = 600
"""How long an install may take from the "Add to Slack" page to Slack's redirect."""


def _moment(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


def install_of(bot: Bot) -> WorkspaceInstall:
    if not bot.team_id:
        # Bolt shows its "storage_error" page: the manifest does not offer org-wide installs.
        raise BoltError("an organisation-wide install has no workspace to serve")
    return WorkspaceInstall(
        team_id=bot.team_id,
        enterprise_id=bot.enterprise_id,
        app_id=bot.app_id,
        bot_id=bot.bot_id,
        bot_user_id=bot.bot_user_id,
        bot_scopes=tuple(bot.bot_scopes),
        bot_token=bot.bot_token,
        bot_refresh_token=bot.bot_refresh_token,
        bot_token_expires_at=_moment(bot.bot_token_expires_at),
        is_enterprise_install=bool(bot.is_enterprise_install),
        installed_at=_moment(bot.installed_at) or datetime.now(UTC),
    )


def bot_of(install: WorkspaceInstall) -> Bot:
    expires = install.bot_token_expires_at
    return Bot(
        enterprise_id=install.enterprise_id,
        team_id=install.team_id,
        app_id=install.app_id,
        bot_id=install.bot_id,
        bot_user_id=install.bot_user_id,
        bot_scopes=list(install.bot_scopes),
        bot_token=install.bot_token,
        bot_refresh_token=install.bot_refresh_token,
        bot_token_expires_at=int(expires.timestamp()) if expires is not None else None,
        is_enterprise_install=install.is_enterprise_install,
        installed_at=install.installed_at.timestamp(),
    )


class InstallationStore(AsyncInstallationStore):
    """Bolt's `AsyncInstallationStore` for bot tokens, one per workspace."""

    def __init__(self, installations: Installations) -> None:
        self.installations = installations

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot())

    async def async_save_bot(self, bot: Bot) -> None:
        await self.installations.save(install_of(bot))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        if not team_id or is_enterprise_install:
            return None  # organisation-wide installs are not offered
        found = await self.installations.find(team_id)
        return bot_of(found) if found is not None else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            await self.installations.delete(team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is None:  # the workspace's install as a whole; there are no user tokens
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)


class StateStore(AsyncOAuthStateStore):
    """One-time, signed OAuth states, remembered in our database."""

    def __init__(self, installations: Installations, secret: str) -> None:
        self.installations = installations
        self._secret = secret.encode()

    @property
    def logger(self) -> logging.Logger:
        return log

    def _signature(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode(), hashlib.sha256).hexdigest()

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        nonce = secrets.token_urlsafe(24)
        state = f"{nonce}.{self._signature(nonce)}"
        expires = datetime.now(UTC) + timedelta(seconds=STATE_SECONDS)
        await self.installations.remember_state(_hash(state), expires)
        return state

    async def async_consume(self, state: str) -> bool:
        nonce, _, signature = (state or "").partition(".")
        if not hmac.compare_digest(signature, self._signature(nonce)):
            log.warning("refused an OAuth state that Staffroom did not sign")
            return False
        if not await self.installations.consume_state(_hash(state), datetime.now(UTC)):
            log.warning("refused an OAuth state already used or expired")
            return False
        return True


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()
