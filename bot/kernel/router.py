"""The command grammar: `/staffroom <subcommand words> <arguments>`, resolved against the
registry by the longest matching run of words, with suggestions for what was misspelt."""

from __future__ import annotations

from dataclasses import dataclass

from bot.kernel.registry import CommandSpec, Registry
from bot.parsing.suggest import closest


@dataclass(frozen=True, slots=True)
class Resolved:
    spec: CommandSpec
    arguments: str


@dataclass(frozen=True, slots=True)
class Unknown:
    typed: str
    suggestions: tuple[str, ...]


def resolve(registry: Registry, text: str) -> Resolved | Unknown:
    """Find the command `text` asks for; blank text means `help`."""
    stripped = text.strip()
    if stripped.startswith("/staffroom"):
        stripped = stripped.removeprefix("/staffroom").strip()
    words = stripped.split()
    if not words:
        return Resolved(registry.commands[("help",)], "")
    lowered = [word.lower() for word in words]
    for length in range(min(registry.longest, len(words)), 0, -1):
        spec = registry.commands.get(tuple(lowered[:length]))
        if spec is not None:
            parts = stripped.split(None, length)
            return Resolved(spec, parts[length].strip() if len(parts) > length else "")
    return Unknown(words[0], tuple(_suggest(registry, lowered)))


def _suggest(registry: Registry, lowered: list[str]) -> list[str]:
    names = [spec.name for spec in registry]
    typed_two = " ".join(lowered[:2])
    found = closest(typed_two, names) if len(lowered) > 1 else []
    for name in closest(lowered[0], names):
        if name not in found:
            found.append(name)
    return found[:3]
