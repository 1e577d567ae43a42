"""What the operator configured, read in one place for the composition root: Staffroom's own
settings, and the one catalogue of chat platforms the bot can serve, each with its adapter's
own settings (`adapters.<platform>.settings`), its start and its `staffroom doctor` check.

The catalogue names adapters as "module:attribute" and imports one only when it is used, so
importing this module (or `bot.cli`) loads no adapter and no platform's SDK, and only the
composition root reaches adapters. A settings class needs pydantic alone: reading whether a
platform's credentials are set loads nothing of its SDK."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from bot.app import Staffroom
    from bot.runtime.config import Settings
    from bot.runtime.diagnosis import Finding
    from bot.runtime.installations import StoredInstalls


class PlatformSettings(Protocol):
    """What the root asks of an adapter's settings."""

    def configured(self) -> bool:
        """Whether the credentials to start the platform are set."""
        ...

    def checkable(self) -> bool:
        """Whether `staffroom doctor` has credentials of the platform's to check."""
        ...


class RunningAdapter(Protocol):
    """What an adapter's `start` returns: something to stop at shutdown."""

    async def stop(self) -> None: ...


ReadInstalls = Callable[[], Awaitable["StoredInstalls"]]
"""The workspaces installed with a platform's OAuth flow, read on request (`bot.app`)."""


@dataclass(frozen=True)
class CatalogueEntry:
    """One platform: its name (also its readiness check's) and where its adapter keeps its
    settings class, its `start(app, settings)` and its doctor's `check(settings, read_installs)`."""

    name: str
    settings: str
    start: str
    doctor: str


CATALOGUE = (
    CatalogueEntry(
        "Slack",
        settings="adapters.slack.settings:SlackSettings",
        start="adapters.slack.runner:start",
        doctor="adapters.slack.doctor:check",
    ),
    CatalogueEntry(
        "Discord",
        settings="adapters.discord.settings:DiscordSettings",
        start="adapters.discord.runner:start",
        doctor="adapters.discord.doctor:check",
    ),
)


def _named(path: str) -> Any:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class PlatformAdapter:
    """A catalogued platform with its settings as the operator set them."""

    entry: CatalogueEntry
    settings: PlatformSettings

    @property
    def name(self) -> str:
        return self.entry.name

    def configured(self) -> bool:
        return self.settings.configured()

    async def start(self, app: Staffroom) -> RunningAdapter:
        from bot.app import StartupError

        try:
            start = _named(self.entry.start)
        except ModuleNotFoundError:
            # A build without the platform's SDK (or its adapter) can still read its settings.
            raise StartupError(
                f"{self.name} credentials are set, but this build has no {self.name} adapter."
            ) from None
        running: RunningAdapter = await start(app, self.settings)
        return running

    async def check(self, read_installs: ReadInstalls) -> list[Finding]:
        """The doctor's findings about this platform's credentials (none when none are set)."""
        if not self.settings.checkable():
            return []
        found: list[Finding] = await _named(self.entry.doctor)(self.settings, read_installs)
        return found


def read_settings(**overrides: object) -> Settings:
    """Staffroom's own settings, from the environment and `.env` (or a `ValidationError`)."""
    from bot.runtime.config import Settings

    return Settings(**overrides)  # type: ignore[arg-type]


def read_adapters() -> list[PlatformAdapter]:
    """Every catalogued platform with its settings, from the environment and `.env` (or the
    `ValidationError` of the first whose settings are wrong)."""
    return [PlatformAdapter(entry, _named(entry.settings)()) for entry in CATALOGUE]
