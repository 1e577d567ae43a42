"""Staffroom's own settings, read once by the composition root from the environment and an
optional `.env`: the database, the server secret, time zone, logging, delivery pace, the health
server. They start with STAFFROOM_, except DATABASE_URL.

Each platform's settings (SLACK_…, DISCORD_…) are its adapter's (`adapters.<platform>.settings`),
read from the same environment and `.env` in the same way (`OperatorSettings`), and reach the
adapter through the composition root (`bot.platforms`); the core never reads them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.parsing.times import unknown_zone


class OperatorSettings(BaseSettings):
    """Settings an operator sets in the environment or `.env`: the base of Staffroom's own and of
    each adapter's, so every one reads them the same way and can name its variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        env_ignore_empty=True,  # `SLACK_APP_TOKEN=` in an env file means "not set"
    )

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


class Settings(OperatorSettings):
    """Everything an operator can configure of Staffroom itself. Nothing secret has a default."""

    model_config = SettingsConfigDict(env_prefix="STAFFROOM_")

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

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # A zone the server doesn't know would be stored on every new network and fail later,
        # in every command that shows a time.
        problem = unknown_zone(value)
        if problem:
            raise ValueError(problem)
        return value


def problem_text(message: str) -> str:
    """A setting's problem as the operator reads it: pydantic prefixes what our validators say
    with "Value error, ", which tells them nothing."""
    return message.removeprefix("Value error, ")
