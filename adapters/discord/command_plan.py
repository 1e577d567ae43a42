"""How the core's command registry becomes one Discord slash command, `/staffroom`.

Discord nests at most two levels under a command (groups, then subcommands), allows 25
children at each level, lower-case names of 1–32 characters, descriptions of 1–100 and, in all,
a few thousand characters per command. The registry has none of these limits, so the shape is
derived from it here, never written by hand:

- commands are bucketed by their first word: a word with a single one-word command becomes a
  subcommand (`/staffroom join`), a word with longer commands becomes a group
  (`/staffroom group create`). Discord cannot invoke a group itself, so a bare command that
  shares its word with longer ones becomes a subcommand of that group named after the verb of
  its summary (`school` "Set your school" → `/staffroom school set`). A plural word joins its
  singular's group, which keeps the top level under Discord's 25 (`groups` →
  `/staffroom group list`, `questions mine` → `/staffroom question mine`). A word that is the
  verb of its own bare command, which takes nothing (`ask`, "Ask your group…"), stays one
  subcommand — `/staffroom ask` runs it at once — whose optional text reaches the longer
  commands (`/staffroom ask details:followup #3 …` is `ask followup #3 …`), rather than the
  awkward `/staffroom ask ask`;
- every subcommand takes the rest of the command as one text option, named after the usage's
  only placeholder (`group`, `school`, `person`…) or `details`, so argument grammar stays in the
  core and help's usage lines still apply;
- descriptions are the commands' summaries, shortened only as far as needed to fit the size
  budget; whatever still does not fit — past 25 children, over the budget, a name Discord
  refuses — stays reachable through `/staffroom run`, which takes a whole command as typed (with
  autocomplete), so a growing registry can never break command sync.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from adapters.discord.markup import shorten
from bot.kernel.registry import CommandSpec, Registry

ROOT = "staffroom"
ROOT_DESCRIPTION = "Staffroom: your school network's subject groups. Start with /staffroom help"
MAX_CHILDREN = 25
MAX_DESCRIPTION = 100
# Discord documents a combined limit on names, descriptions and values; 4,000 is its older,
# smaller figure, kept so that a sync can never be refused for size.
CHARACTER_BUDGET = 4000
FALLBACK_NAMES = ("run", "type", "command")
# Description lengths tried in turn until every command fits the budget.
DESCRIPTION_CAPS = (MAX_DESCRIPTION, 80, 64, 56, 48, 40)
PLURAL_VERB = "list"
_VERBS = frozenset(
    {
        "set",
        "show",
        "list",
        "get",
        "read",
        "open",
        "add",
        "join",
        "leave",
        "see",
        "find",
        "ask",
        "answer",
    }
)
_NAME = re.compile(r"^[a-z0-9_-]{1,32}$")
_ONLY_PLACEHOLDER = re.compile(r"^(?:<([a-z]+)>|\[([a-z]+)\]|@([a-z]+))$")
_FIRST_PLACEHOLDER = re.compile(r"^[<\[@]?([a-z]+)")


class Completion(StrEnum):
    """What the text option can suggest while it is typed."""

    GROUP = "group"
    SCHOOL = "school"
    COMMAND = "command"


@dataclass(frozen=True, slots=True)
class Argument:
    """The one text option of a subcommand."""

    name: str
    description: str
    completes: Completion | None = None


@dataclass(frozen=True, slots=True)
class Leaf:
    """One invocable subcommand: where it sits under `/staffroom` and what text it stands for.

    Attributes:
        path: Discord names below the root, e.g. ("group", "create").
        words: the registry command's words; empty for the typed-command fallback.
        reaches: longer commands its text option also runs (`ask` reaches `ask followup`).
    """

    path: tuple[str, ...]
    description: str
    words: tuple[str, ...]
    argument: Argument | None = None
    reaches: tuple[tuple[str, ...], ...] = ()

    def text(self, arguments: str | None) -> str:
        """The command text the core routes, as if typed after `/staffroom`."""
        return " ".join((*self.words, (arguments or "").strip())).strip()

    def size(self) -> int:
        own = len(self.path[-1]) + len(self.description)
        if self.argument is not None:
            own += len(self.argument.name) + len(self.argument.description)
        return own


@dataclass(frozen=True, slots=True)
class CommandPlan:
    """The whole `/staffroom` command.

    Attributes:
        leaves: every subcommand, the fallback last.
        groups: descriptions of the subcommand groups, by name.
        typed_only: registry commands reachable only through the fallback.
    """

    leaves: tuple[Leaf, ...]
    groups: dict[str, str]
    typed_only: tuple[str, ...]

    @property
    def fallback(self) -> Leaf:
        return self.leaves[-1]

    def size(self) -> int:
        """Characters Discord counts against the command's combined limit."""
        groups = sum(len(name) + len(text) for name, text in self.groups.items())
        return len(ROOT) + len(ROOT_DESCRIPTION) + groups + sum(leaf.size() for leaf in self.leaves)


def plan_commands(registry: Registry) -> CommandPlan:
    """The `/staffroom` command for `registry`, always within Discord's limits, with the
    longest descriptions that let every command have a subcommand (or, if none does, the
    shortest tried)."""
    plan = _plan(registry, DESCRIPTION_CAPS[0])
    for cap in DESCRIPTION_CAPS[1:]:
        if not plan.typed_only:
            break
        plan = _plan(registry, cap)
    return plan


def _plan(registry: Registry, cap: int) -> CommandPlan:
    buckets = _buckets(registry)
    fallback = _fallback(set(buckets))
    budget = CHARACTER_BUDGET - len(ROOT) - len(ROOT_DESCRIPTION) - fallback.size()
    leaves: list[Leaf] = []
    groups: dict[str, str] = {}
    typed_only: list[str] = []
    order = list(buckets)
    ranked = sorted(buckets.items(), key=lambda item: (_audience(item[1]), order.index(item[0])))
    for word, specs in ranked:
        placed, dropped = _place_bucket(word, specs, cap)
        typed_only += [spec.name for spec in dropped]
        if not placed:
            continue
        description = _group_description(specs, placed, cap) if len(placed[0].path) > 1 else None
        cost = sum(leaf.size() for leaf in placed)
        cost += len(word) + len(description) if description else 0
        top_level = len({leaf.path[0] for leaf in leaves})
        if cost > budget or top_level >= MAX_CHILDREN - 1:
            typed_only += [spec.name for spec in specs if spec not in dropped]
            continue
        budget -= cost
        leaves += placed
        if description:
            groups[word] = description
    leaves.sort(key=lambda leaf: leaf.path)
    return CommandPlan((*leaves, fallback), groups, tuple(sorted(typed_only)))


def _buckets(registry: Registry) -> dict[str, list[CommandSpec]]:
    """Commands by first word, in the order features registered them; a plural word's
    commands go with its singular's (`groups` with `group`)."""
    words = {spec.words[0] for spec in registry.commands.values()}
    buckets: dict[str, list[CommandSpec]] = {}
    for spec in registry.commands.values():
        word = spec.words[0]
        if word.endswith("s") and word[:-1] in words:
            word = word[:-1]
        buckets.setdefault(word, []).append(spec)
    return buckets


def _audience(specs: list[CommandSpec]) -> int:
    """When space runs out, commands for everyone are placed first, then the earliest
    registered features (the core's own come first); facilitators' tools give way."""
    return min(spec.audience for spec in specs)


def _fallback(first_words: set[str]) -> Leaf:
    name = next(candidate for candidate in FALLBACK_NAMES if candidate not in first_words)
    return Leaf(
        (name,),
        "Type any Staffroom command, as /staffroom help shows it",
        (),
        Argument("command", "For example: group create A-level Chemistry", Completion.COMMAND),
    )


def _place_bucket(
    word: str, specs: list[CommandSpec], cap: int
) -> tuple[list[Leaf], list[CommandSpec]]:
    """The subcommands for one first word, and the commands that cannot have one."""
    if not _NAME.match(word):
        return [], specs
    if len(specs) == 1 and specs[0].words == (word,):
        return [_leaf((word,), specs[0], cap)], []
    bare = next((spec for spec in specs if spec.words == (word,)), None)
    if bare is not None and not bare.usage.strip() and _verb(bare.summary) == word:
        return [_verb_leaf(word, bare, specs, cap)], []
    names: dict[CommandSpec, str] = {}
    for spec in specs:
        if spec.words[0] != word:  # a plural in its singular's group
            names[spec] = "-".join(spec.words[1:]) or PLURAL_VERB
        elif len(spec.words) > 1:
            names[spec] = "-".join(spec.words[1:])
    for spec in specs:
        if spec not in names:
            taken = set(names.values())
            choices = (_verb(spec.summary), word)
            names[spec] = next((c for c in choices if c and c not in taken), "")
    placed: list[Leaf] = []
    dropped: list[CommandSpec] = []
    for spec in sorted(specs, key=lambda s: (s.audience, s.words)):
        name = names[spec]
        if _NAME.match(name) and len(placed) < MAX_CHILDREN:
            placed.append(_leaf((word, name), spec, cap))
        else:
            dropped.append(spec)
    return placed, dropped


def _verb_leaf(word: str, bare: CommandSpec, specs: list[CommandSpec], cap: int) -> Leaf:
    """`/staffroom ask`: the bare command when its text is empty, the longer ones by their
    remaining words ("followup #3 …"), all under one subcommand."""
    longer = [spec for spec in specs if spec is not bare]
    others = " · ".join(" ".join((*spec.words[1:], spec.usage)).strip() for spec in longer)
    argument = Argument("details", shorten(f"(empty) or {others}", cap))
    reaches = tuple(spec.words for spec in longer)
    return Leaf((word,), _concise(bare.summary, cap), bare.words, argument, reaches)


def _verb(summary: str) -> str:
    """The verb a bare command's summary starts with ("Set your school" → "set"), or "show"
    when it starts otherwise ("A meeting and its sessions")."""
    words = summary.split()
    first = re.sub(r"[^a-z]", "", words[0].lower()) if words else ""
    return first if first in _VERBS else "show"


def _concise(summary: str, cap: int) -> str:
    """A summary within `cap` characters, losing asides before words: parentheses first, then
    everything after the first clause, and only then cutting with an ellipsis."""
    text = " ".join(summary.split())
    if len(text) > cap:
        text = " ".join(re.sub(r"\s*\([^)]*\)", "", text).split())
    if len(text) > cap:
        text = re.split(r"[;,:—]", text, maxsplit=1)[0].strip()
    return shorten(text, cap)


def _leaf(path: tuple[str, ...], spec: CommandSpec, cap: int) -> Leaf:
    return Leaf(path, _concise(spec.summary or spec.name, cap), spec.words, argument_of(spec, cap))


def argument_of(spec: CommandSpec, cap: int = MAX_DESCRIPTION) -> Argument | None:
    """The text option of `spec`'s subcommand, or None when the command takes nothing."""
    usage = " ".join(spec.usage.split())
    if not usage:
        return None
    only = _ONLY_PLACEHOLDER.match(usage)
    name = next((g for g in only.groups() if g), "details") if only else "details"
    description = usage
    example = next((e for e in spec.examples if e.lower().startswith(spec.name + " ")), None)
    if example is not None and cap == MAX_DESCRIPTION:
        description += " — e.g. " + example[len(spec.name) :].strip()
    first = _FIRST_PLACEHOLDER.match(usage)
    kind = first.group(1) if first else ""
    completes = Completion(kind) if kind in {c.value for c in Completion} else None
    return Argument(name[:32], shorten(description, cap), completes)


def _group_description(specs: list[CommandSpec], placed: list[Leaf], cap: int) -> str:
    topic = Counter(spec.topic for spec in specs).most_common(1)[0][0]
    if cap < MAX_DESCRIPTION:
        return shorten(topic, cap)
    children = ", ".join(sorted(leaf.path[-1] for leaf in placed))
    return shorten(f"{topic}: {children}", cap)
