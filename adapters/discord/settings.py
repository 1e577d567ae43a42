"""Discord's settings, owned by the Discord adapter: the bot token, the REST API's address,
where `/staffroom` is registered and which gateway shards this process connects, read from the
environment and `.env` under their DISCORD_ names. The composition root loads them
(`bot.platforms`) and hands them to the adapter's start and doctor check; the core never
reads them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from bot.runtime.config import OperatorSettings

IdList = Annotated[list[int], NoDecode]


class DiscordSettings(OperatorSettings):
    """Everything an operator can configure about Discord. The token has no default."""

    token: SecretStr | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    api_url: str = Field(
        default="https://discord.com/api/v10",
        validation_alias="DISCORD_API_URL",
        description="Discord REST API base URL (tests point it at a fake).",
    )
    guild_ids: IdList = Field(
        default_factory=list,
        validation_alias="DISCORD_GUILD_IDS",
        description="Servers (comma-separated ids) that get /staffroom directly at start-up.",
    )
    global_sync: bool = Field(
        default=False,
        validation_alias="DISCORD_GLOBAL_SYNC",
        description="Also register /staffroom globally, for every server the bot is in.",
    )
    shard_count: int | None = Field(default=None, ge=1, validation_alias="DISCORD_SHARD_COUNT")
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None,
        validation_alias="DISCORD_SHARD_IDS",
        description="The shards this replica runs (comma-separated); needs DISCORD_SHARD_COUNT.",
    )

    @field_validator("guild_ids", "shard_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> DiscordSettings:
        ids = self.shard_ids
        if ids is not None:
            count = self.shard_count
            if count is None:
                raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total shards)")
            if not ids or any(not 0 <= shard < count for shard in ids):
                raise ValueError(f"DISCORD_SHARD_IDS must be shard numbers from 0 to {count - 1}")
        return self

    def syncs_globally(self) -> bool:
        """Global registration: asked for, or the only way when no server is named."""
        return self.global_sync or not self.guild_ids

    def configured(self) -> bool:
        """Whether there is a token to start Discord with."""
        return self.token is not None

    def checkable(self) -> bool:
        """Whether `staffroom doctor` has a token to check."""
        return self.token is not None
