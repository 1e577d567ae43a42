"""Slack's settings, owned by the Slack adapter: its credentials and where it listens, read from
the environment and `.env` under the names Slack's own documentation uses (SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET…). The composition root loads them (`bot.platforms`) and hands them to
the adapter's start and doctor check; the core never reads them.

The three ways to run (Socket Mode, HTTP mode, an OAuth install in HTTP mode) are told apart
here, and an impossible mix is refused while loading, naming the variables to change."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator, model_validator

from bot.runtime.config import OperatorSettings

STATE_SECRET_LEAST = 16  # characters: a guessable state secret lets anyone forge an install link


class SlackSettings(OperatorSettings):
    """Everything an operator can configure about Slack. Nothing secret has a default."""

    bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    signing_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias="SLACK_API_URL",
        description="Base URL of Slack's Web API (a proxy, or a local fake in tests).",
    )
    http_host: str = Field(default="0.0.0.0", validation_alias="SLACK_HTTP_HOST")
    http_port: int = Field(default=3000, ge=0, le=65535, validation_alias="SLACK_HTTP_PORT")
    http_path: str = Field(
        default="/slack/events",
        pattern=r"^/",
        validation_alias="SLACK_HTTP_PATH",
        description="Where Slack sends events, commands and interactions in HTTP mode.",
    )
    client_id: str | None = Field(
        default=None,
        validation_alias="SLACK_CLIENT_ID",
        description="With SLACK_CLIENT_SECRET and SLACK_STATE_SECRET: install into any number "
        "of workspaces with Slack's OAuth flow (HTTP mode).",
    )
    client_secret: SecretStr | None = Field(default=None, validation_alias="SLACK_CLIENT_SECRET")
    state_secret: SecretStr | None = Field(
        default=None,
        validation_alias="SLACK_STATE_SECRET",
        description="Signs the one-time `state` of each OAuth install (at least 16 characters).",
    )
    install_path: str = Field(
        default="/slack/install", pattern=r"^/", validation_alias="SLACK_INSTALL_PATH"
    )
    redirect_path: str = Field(
        default="/slack/oauth_redirect", pattern=r"^/", validation_alias="SLACK_REDIRECT_PATH"
    )
    redirect_uri: str | None = Field(
        default=None,
        validation_alias="SLACK_REDIRECT_URI",
        description="The full redirect URL, needed only if the app lists more than one.",
    )

    @field_validator("state_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < STATE_SECRET_LEAST:
            raise ValueError(
                f"use at least {STATE_SECRET_LEAST} random characters, the same on every "
                "replica (for example the output of `openssl rand -hex 24`)"
            )
        return value

    @model_validator(mode="after")
    def _oauth_complete(self) -> SlackSettings:
        oauth = {
            "SLACK_CLIENT_ID": self.client_id,
            "SLACK_CLIENT_SECRET": self.client_secret,
            "SLACK_STATE_SECRET": self.state_secret,
            "SLACK_SIGNING_SECRET": self.signing_secret,
        }
        if self.client_id is None and self.client_secret is None:
            return self
        missing = [name for name, value in oauth.items() if value is None]
        if missing:
            raise ValueError(f"installing with Slack's OAuth flow also needs {', '.join(missing)}")
        if self.app_token is not None:
            raise ValueError(
                "SLACK_APP_TOKEN (Socket Mode) serves one workspace; an OAuth install "
                "(SLACK_CLIENT_ID) runs in HTTP mode: unset one of them"
            )
        return self

    def oauth(self) -> bool:
        """Whether Slack is installed with the OAuth flow (a token per workspace)."""
        return self.client_id is not None

    def configured(self) -> bool:
        """Whether there is enough to start Slack: an OAuth install, or a bot token with a
        way to receive events."""
        return self.oauth() or (
            self.bot_token is not None
            and (self.app_token is not None or self.signing_secret is not None)
        )

    def checkable(self) -> bool:
        """Whether `staffroom doctor` has credentials to check: a bot token is checked even
        without its way to receive events (the doctor says which is missing)."""
        return self.oauth() or self.bot_token is not None
