"""The `/staffroom` command objects discord.py registers and dispatches, built from the plan.

Every subcommand gets its own small callback that knows its `Leaf`; its one text option (if the
command takes arguments) is renamed, described and given autocomplete from the plan.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from adapters.discord.command_plan import ROOT, ROOT_DESCRIPTION, CommandPlan, Leaf
from adapters.discord.interactions import Interactions
from adapters.discord.suggestions import Suggestions


def build_root(
    plan: CommandPlan, interactions: Interactions, suggestions: Suggestions
) -> app_commands.Group:
    """`/staffroom` with its groups and subcommands; usable in servers only (DMs have no
    server to tell which network is meant)."""
    root = app_commands.Group(
        name=ROOT,
        description=ROOT_DESCRIPTION,
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
    )
    groups: dict[str, app_commands.Group] = {}
    for name, description in plan.groups.items():
        groups[name] = app_commands.Group(name=name, description=description)
        root.add_command(groups[name])
    for leaf in plan.leaves:
        parent = groups[leaf.path[0]] if len(leaf.path) > 1 else root
        parent.add_command(_subcommand(leaf, interactions, suggestions))
    return root


def _subcommand(
    leaf: Leaf, interactions: Interactions, suggestions: Suggestions
) -> app_commands.Command[Any, ..., Any]:
    name = leaf.path[-1]
    argument = leaf.argument
    if argument is None:

        async def run(interaction: discord.Interaction) -> None:
            await interactions.command(interaction, leaf, None)

        return app_commands.Command(name=name, description=leaf.description, callback=run)

    @app_commands.rename(text=argument.name)
    @app_commands.describe(text=argument.description)
    async def run_with(interaction: discord.Interaction, text: str | None = None) -> None:
        # discord.py passes the value as Discord sent it, and a client or a stale registration
        # may send a number for this text option: the core takes it as the text it would be.
        await interactions.command(interaction, leaf, None if text is None else str(text))

    command: app_commands.Command[Any, ..., Any] = app_commands.Command(
        name=name, description=leaf.description, callback=run_with
    )
    completes = argument.completes
    if completes is not None:

        async def complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return await suggestions.complete(interaction, completes, current)

        command.autocomplete("text")(complete)
    return command
