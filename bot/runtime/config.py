"""Settings, read once by the composition root from the environment and an optional `.env`.

Platform credentials keep the names each platform's documentation uses (SLACK_BOT_TOKEN,
DISCORD_TOKEN…); Staffroom's own settings start with STAFFROOM_, except DATABASE_URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.parsing.times import unknown_zone

IdList = Annotated[list[int], NoDecode]


class Settings(BaseSettings):
    """Everything an operator can configure. Nothing secret has a default."""

    model_config = SettingsConfigDict(
        env_prefix="STAFFROOM_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        env_ignore_empty=True,  # `SLACK_APP_TOKEN=` in an env file means "not set"
    )

    database_url: str = Field(
        default="sqlite:///staffroom.db",
        validation_alias=AliasChoices("DATABASE_URL", "STAFFROOM_DATABASE_URL"),
        description="SQLAlchemy URL; SQLite file by default, postgresql://… in production.",
    )
    secret: SecretStr | None = Field(
        default=None,
        description="Server secret for anonymity hashes; required with PostgreSQL. With SQLite "
        "and no value, one is generated into secret_file.",
    )
    secret_file: Path = Field(default=Path("staffroom.secret"))
    timezone: str = Field(default="Europe/London", description="Time zone of new networks.")
    log_level: str = Field(default="INFO")
    log_format: Literal["text", "json"] = Field(default="text")
    db_threads: int = Field(default=0, ge=0, description="0: 1 for SQLite, 4 for PostgreSQL.")
    delivery_interval: float = Field(
        default=1.0, gt=0, description="Seconds between outbox passes."
    )
    timer_interval: float = Field(default=10.0, gt=0, description="Seconds between timer passes.")
    channel_interval: float = Field(
        default=1.0, ge=0, description="Least seconds between two messages to one channel."
    )
    delivery_lease: float = Field(
        default=60.0,
        gt=0,
        description="Seconds a replica holds the outbox messages it claimed; if it dies, "
        "another replica sends them once the lease runs out.",
    )
    health_host: str = Field(default="0.0.0.0", description="Address of the health server.")
    health_port: int = Field(
        default=8080,
        ge=0,
        le=65535,
        description="Port of /healthz, /readyz and /metrics; 0 turns the server off.",
    )
    activity_retention_months: int = Field(
        default=13,
        ge=0,
        description="Months of per-day channel activity kept; older detail is deleted, weekly "
        "aggregates stay. 0 keeps it forever.",
    )

    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias="SLACK_API_URL",
        description="Base URL of Slack's Web API (a proxy, or a local fake in tests).",
    )
    slack_http_host: str = Field(default="0.0.0.0", validation_alias="SLACK_HTTP_HOST")
    slack_http_port: int = Field(default=3000, ge=0, le=65535, validation_alias="SLACK_HTTP_PORT")
    slack_http_path: str = Field(
        default="/slack/events",
        pattern=r"^/",
        validation_alias="SLACK_HTTP_PATH",
        description="Where Slack sends events, commands and interactions in HTTP mode.",
    )
    slack_client_id: str | None = Field(
        default=None,
        validation_alias="SLACK_CLIENT_ID",
        description="With SLACK_CLIENT_SECRET and SLACK_STATE_SECRET: install into any number "
        "of workspaces with Slack's OAuth flow (HTTP mode).",
    )
    slack_client_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_CLIENT_SECRET"
    )
    slack_state_secret: SecretStr | None = Field(
        default=None,
        min_length=16,
        validation_alias="SLACK_STATE_SECRET",
        description="Signs the one-time `state` of each OAuth install (at least 16 characters).",
    )
    slack_install_path: str = Field(
        default="/slack/install", pattern=r"^/", validation_alias="SLACK_INSTALL_PATH"
    )
    slack_redirect_path: str = Field(
        default="/slack/oauth_redirect", pattern=r"^/", validation_alias="SLACK_REDIRECT_PATH"
    )
    slack_redirect_uri: str | None = Field(
        default=None,
        validation_alias="SLACK_REDIRECT_URI",
        description="The full redirect URL, needed only if the app lists more than one.",
    )
    discord_token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_api_url: str = Field(
        default="https://discord.com/api/v10",
        validation_alias="DISCORD_API_URL",
        description="Discord REST API base URL (tests point it at a fake).",
    )

    discord_guild_ids: IdList = Field(
        default_factory=list,
        validation_alias="DISCORD_GUILD_IDS",
        description="Servers (comma-separated ids) that get /staffroom directly at start-up.",
    )
    discord_global_sync: bool = Field(
        default=False,
        validation_alias="DISCORD_GLOBAL_SYNC",
        description="Also register /staffroom globally, for every server the bot is in.",
    )
    discord_shard_count: int | None = Field(
        default=None, ge=1, validation_alias="DISCORD_SHARD_COUNT"
    )
    discord_shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None,
        validation_alias="DISCORD_SHARD_IDS",
        description="The shards this replica runs (comma-separated); needs DISCORD_SHARD_COUNT.",
    )

    @field_validator("discord_guild_ids", "discord_shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # A zone the server doesn't know would be stored on every new network and fail later,
        # in every command that shows a time.
        problem = unknown_zone(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        ids = self.discord_shard_ids
        if ids is not None:
            count = self.discord_shard_count
            if count is None:
                raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total shards)")
            if not ids or any(not 0 <= shard < count for shard in ids):
                raise ValueError(f"DISCORD_SHARD_IDS must be shard numbers from 0 to {count - 1}")
        return self

    @model_validator(mode="after")
    def _slack_oauth_complete(self) -> Settings:
        oauth = {
            "SLACK_CLIENT_ID": self.slack_client_id,
            "SLACK_CLIENT_SECRET": self.slack_client_secret,
            "SLACK_STATE_SECRET": self.slack_state_secret,
            "SLACK_SIGNING_SECRET": self.slack_signing_secret,
        }
        if self.slack_client_id is None and self.slack_client_secret is None:
            return self
        missing = [name for name, value in oauth.items() if value is None]
        if missing:
            raise ValueError(f"installing with Slack's OAuth flow also needs {', '.join(missing)}")
        if self.slack_app_token is not None:
            raise ValueError(
                "SLACK_APP_TOKEN (Socket Mode) serves one workspace; an OAuth install "
                "(SLACK_CLIENT_ID) runs in HTTP mode: unset one of them"
            )
        return self

    def slack_oauth(self) -> bool:
        """Whether Slack is installed with the OAuth flow (a token per workspace)."""
        return self.slack_client_id is not None

    def discord_syncs_globally(self) -> bool:
        """Global registration: asked for, or the only way when no server is named."""
        return self.discord_global_sync or not self.discord_guild_ids

    @classmethod
    def environment_variables(cls) -> dict[str, tuple[str, ...]]:
        """Each setting's environment variable names, the documented one first."""
        prefix = str(cls.model_config.get("env_prefix", ""))
        names: dict[str, tuple[str, ...]] = {}
        for name, info in cls.model_fields.items():
            alias = info.validation_alias
            if isinstance(alias, AliasChoices):
                names[name] = tuple(str(choice) for choice in alias.choices)
            elif isinstance(alias, str):
                names[name] = (alias,)
            else:
                names[name] = (f"{prefix}{name}".upper(),)
        return names

    def slack_configured(self) -> bool:
        return self.slack_oauth() or (
            self.slack_bot_token is not None
            and (self.slack_app_token is not None or self.slack_signing_secret is not None)
        )

    def discord_configured(self) -> bool:
        return self.discord_token is not None
