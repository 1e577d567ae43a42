"""`/staffroom` on Discord is generated from the registry and stays within Discord's limits —
for today's registry and for a much larger one — while every command stays reachable and
means the same as when typed."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest
from discord import app_commands

from adapters.discord.command_plan import (
    CHARACTER_BUDGET,
    MAX_CHILDREN,
    ROOT,
    CommandPlan,
    Completion,
    plan_commands,
)
from adapters.discord.interactions import Interactions
from adapters.discord.slash import build_root
from adapters.discord.suggestions import Suggestions
from bot.features import build_registry
from bot.kernel.events import Command
from bot.kernel.registry import Audience, CommandSpec, Registry
from bot.kernel.replies import Reply
from bot.kernel.router import Resolved, resolve

NAME = re.compile(r"^[-_'\w]{1,32}$")


def _handler(cmd: Command, ctx: Any, arguments: str) -> Reply:
    return Reply.say("ok")


def with_workshops(registry: Registry) -> Registry:
    """A word with 32 commands, one of them bare and one taking the bare one's verb, and a
    three-word command."""
    add = registry.command
    for n in range(30):
        add(CommandSpec(("workshop", f"step{n}"), _handler, f"Workshop step {n}", usage="<when>"))
    add(CommandSpec(("workshop",), _handler, "Show your workshops"))
    add(CommandSpec(("workshop", "show"), _handler, "Show one workshop", usage="<id>"))
    add(CommandSpec(("club", "round", "open"), _handler, "Open a round", usage="<group>"))
    return registry


def big_registry() -> Registry:
    """Today's registry plus what parallel features are adding, and then some: 40 more first
    words with long summaries, the workshops above, and a word Discord cannot take."""
    registry = with_workshops(build_registry())
    add = registry.command
    for n in range(40):
        add(CommandSpec((f"feature{n}",), _handler, "Do feature things " * 8, usage="<group>"))
    add(CommandSpec(("their", "data"), _handler, "What Staffroom holds about them"))
    add(CommandSpec(("forget", "them"), _handler, "Erase what Staffroom holds about them"))
    add(CommandSpec(("réunion",), _handler, "A word with an accent", audience=Audience.LEADER))
    return registry


def limits_hold(plan: CommandPlan, payload: dict[str, Any]) -> None:
    """Discord's documented limits, checked on the JSON discord.py would register."""
    assert plan.size() <= CHARACTER_BUDGET
    assert payload["name"] == ROOT
    top = payload["options"]
    assert len(top) <= MAX_CHILDREN
    for option in top:
        children = option.get("options", [])
        assert len(children) <= MAX_CHILDREN
        for item in [
            option,
            *children,
            *(c for child in children for c in child.get("options", [])),
        ]:
            assert NAME.match(item["name"]) and item["name"] == item["name"].lower(), item["name"]
            assert 1 <= len(item["description"]) <= 100, item["description"]
        if option["type"] == 2:  # a group: only subcommands below, each invocable
            assert all(child["type"] == 1 for child in children)
    names = [option["name"] for option in top]
    assert len(names) == len(set(names))


def payload_of(plan: CommandPlan) -> dict[str, Any]:
    client = discord.Client(intents=discord.Intents.none())
    tree = app_commands.CommandTree(client)
    root = build_root(plan, Interactions(core=None), Suggestions(core=None))  # type: ignore[arg-type]
    tree.add_command(root)
    return root.to_dict(tree)


@pytest.mark.parametrize("registry", [build_registry(), big_registry()], ids=["today", "grown"])
def test_the_command_fits_discord_and_reaches_every_command(registry: Registry) -> None:
    plan = plan_commands(registry)
    limits_hold(plan, payload_of(plan))
    placed = {leaf.words for leaf in plan.leaves if leaf.words}
    placed |= {words for leaf in plan.leaves for words in leaf.reaches}
    for spec in registry:
        assert spec.words in placed or spec.name in plan.typed_only, spec.name
    assert not placed & {tuple(name.split()) for name in plan.typed_only}


@pytest.mark.parametrize("registry", [build_registry(), big_registry()], ids=["today", "grown"])
def test_each_subcommand_means_what_typing_it_means(registry: Registry) -> None:
    for leaf in plan_commands(registry).leaves[:-1]:
        resolved = resolve(registry, leaf.text("Some Argument"))
        assert isinstance(resolved, Resolved)
        assert resolved.spec.words == leaf.words
        assert resolved.arguments == "Some Argument"


def test_todays_commands_all_have_a_subcommand() -> None:
    plan = plan_commands(build_registry())
    assert plan.typed_only == ()
    paths = {leaf.path: leaf for leaf in plan.leaves}
    assert ("group", "list") in paths and ("group", "create") in paths
    assert paths[("group", "list")].words == ("groups",)  # a plural joins its singular
    # Discord cannot invoke a group, so the bare commands sharing a word become verbs.
    assert paths[("school", "set")].words == ("school",)
    assert paths[("network", "show")].words == ("network",)
    assert paths[("school", "add")].words == ("school", "add")
    assert plan.fallback.path == ("run",)


def test_asking_is_one_plain_subcommand_whose_text_reaches_the_follow_ups() -> None:
    registry = build_registry()
    paths = {leaf.path: leaf for leaf in plan_commands(registry).leaves}
    assert not any(path[0] == "ask" and len(path) > 1 for path in paths)  # no `/staffroom ask ask`
    ask = paths[("ask",)]
    assert ask.argument is not None and "followup #N <text>" in ask.argument.description
    assert ask.text(None) == "ask"  # the form opens at once
    for typed, words in [
        ("followup #3 more", ("ask", "followup")),
        ("resolve #3", ("ask", "resolve")),
    ]:
        resolved = resolve(registry, ask.text(typed))
        assert isinstance(resolved, Resolved) and resolved.spec.words == words
    assert set(ask.reaches) == {("ask", "followup"), ("ask", "resolve")}


def test_options_are_named_and_complete_from_the_usage() -> None:
    paths = {leaf.path: leaf for leaf in plan_commands(build_registry()).leaves}
    join = paths[("join",)].argument
    assert join is not None and join.name == "group" and join.completes is Completion.GROUP
    school = paths[("school", "set")].argument
    assert school is not None and school.name == "school" and school.completes is Completion.SCHOOL
    describe = paths[("group", "describe")].argument
    assert describe is not None and describe.name == "details"
    assert describe.completes is Completion.GROUP
    assert paths[("group", "list")].argument is None
    assert paths[("help",)].argument.completes is Completion.COMMAND  # type: ignore[union-attr]


def test_a_grown_registry_keeps_the_first_features_and_puts_the_rest_behind_run() -> None:
    plan = plan_commands(big_registry())
    placed = {leaf.path[0] for leaf in plan.leaves}
    assert {"help", "setup", "whoami", "school", "join", "group"} <= placed
    assert {"feature39", "réunion"} <= set(plan.typed_only)
    assert plan.fallback.path == ("run",)


def test_a_crowded_word_keeps_25_subcommands_and_names_its_bare_command_after_itself() -> None:
    plan = plan_commands(with_workshops(build_registry()))
    workshop = [leaf for leaf in plan.leaves if leaf.path[0] == "workshop"]
    assert len(workshop) == MAX_CHILDREN
    # "workshop show" took the verb of "Show your workshops", so the bare command is named
    # after its word; Discord cannot invoke the group `workshop` itself.
    assert ("workshop", "workshop") in [leaf.path for leaf in workshop]
    assert len([n for n in plan.typed_only if n.startswith("workshop")]) == 32 - MAX_CHILDREN
    assert [leaf.path for leaf in plan.leaves if leaf.words[:1] == ("club",)] == [
        ("club", "round-open")
    ]
