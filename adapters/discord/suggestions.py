"""Autocomplete for `/staffroom`: names of the network's groups and schools from the core, and
command names (then their arguments) for `help` and `/staffroom run`.

Discord gives an autocomplete request three seconds and no way to defer, so a slow lookup
answers with no suggestions rather than failing the request.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from adapters.discord.command_plan import Completion, argument_of
from adapters.discord.inbound import PLATFORM, workspace_of
from bot.kernel.router import Resolved, resolve
from bot.network.name_suggestions import NameKind, suggest_names

if TYPE_CHECKING:
    from bot.kernel.dispatcher import Core

LOOKUP_SECONDS = 2.5
MAX_CHOICES = 25
CHOICE_LIMIT = 100


class Suggestions:
    """Answers autocomplete requests for the options the command plan marks as completing."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def complete(
        self, interaction: discord.Interaction, completion: Completion, typed: str
    ) -> list[app_commands.Choice[str]]:
        if completion is Completion.COMMAND:
            return await self._commands(interaction, typed)
        names = await self._names(interaction, NameKind(completion.value), typed)
        return [_choice(name) for name in names]

    async def _names(
        self, interaction: discord.Interaction, kind: NameKind, typed: str
    ) -> list[str]:
        workspace = workspace_of(interaction)
        if workspace is None:
            return []
        lookup = self.core.run_in_db(
            lambda: suggest_names(
                self.core, platform=PLATFORM, workspace=workspace, kind=kind, typed=typed
            )
        )
        try:
            return await asyncio.wait_for(lookup, LOOKUP_SECONDS)
        except TimeoutError:
            return []

    async def _commands(
        self, interaction: discord.Interaction, typed: str
    ) -> list[app_commands.Choice[str]]:
        """Commands whose name matches; once a command is typed, names for its argument."""
        registry = self.core.registry
        wanted = " ".join(typed.lower().split())
        resolved = resolve(registry, typed) if wanted else None
        if isinstance(resolved, Resolved):
            argument = argument_of(resolved.spec)
            kind = argument.completes if argument else None
            typing_argument = typed.endswith(" ") or wanted != resolved.spec.name
            if kind in (Completion.GROUP, Completion.SCHOOL) and typing_argument:
                names = await self._names(interaction, NameKind(kind.value), resolved.arguments)
                return [_choice(f"{resolved.spec.name} {name}") for name in names]
        specs = [spec for spec in registry if spec.name.startswith(wanted)]
        specs += [spec for spec in registry if wanted in spec.name and spec not in specs]
        return [
            app_commands.Choice(name=f"{s.synopsis} — {s.summary}"[:CHOICE_LIMIT], value=s.name)
            for s in specs[:MAX_CHOICES]
        ]


def _choice(text: str) -> app_commands.Choice[str]:
    return app_commands.Choice(name=text[:CHOICE_LIMIT], value=text[:CHOICE_LIMIT])
