"""Slack workspaces that installed the app through Slack's OAuth flow, and the one-time `state`
values of installs under way.

One row per workspace holds what the bot needs to act there:
its bot ids, scopes, and the bot token — sealed (encrypted) by the layer above, never in clear,
with the refresh token and expiry when Slack rotates tokens. Nothing about a person is kept.
A state row holds only a hash of the state handed to the installer's browser.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.tables.columns import utc_column


class SlackInstallation(SQLModel, table=True):
    __tablename__ = "slack_installation"

    # Team ids are unique across Slack, Enterprise Grid included; organisation-wide installs
    # (no team id) are not offered (the manifest's `org_deploy_enabled: false`).
    team_id: str = Field(max_length=32, primary_key=True)
    enterprise_id: str | None = Field(default=None, max_length=32)
    app_id: str | None = Field(default=None, max_length=32)
    bot_id: str = Field(max_length=32)
    bot_user_id: str = Field(max_length=32)
    bot_scopes: str = Field(max_length=1000)
    bot_token: str = Field(max_length=1000)
    bot_refresh_token: str | None = Field(default=None, max_length=1000)
    bot_token_expires_at: datetime | None = utc_column(nullable=True)
    is_enterprise_install: bool = False
    installed_at: datetime = utc_column()


class SlackOAuthState(SQLModel, table=True):
    __tablename__ = "slack_oauth_state"

    state_hash: str = Field(max_length=64, primary_key=True)
    expires_at: datetime = utc_column(index=True)
