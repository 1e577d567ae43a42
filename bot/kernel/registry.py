"""The handler registry: every command, button, form and timer kind, in one table.

Features register their handlers here; the router resolves typed text against it and the help
text is generated from it, so a command cannot exist without its help line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from bot.digests.model import DigestSource
    from bot.kernel.context import Context
    from bot.kernel.events import ButtonPress, Command, FormSubmit
    from bot.kernel.replies import Block, Reply
    from storage.timers import TimerRecord

CommandHandler = Callable[["Command", "Context", str], "Reply"]
ButtonHandler = Callable[["ButtonPress", "Context"], "Reply"]
FormHandler = Callable[["FormSubmit", "Context"], "Reply"]
TimerHandler = Callable[["TimerRecord", "Context"], None]
HomeSection = Callable[["Context"], "Sequence[Block]"]
ScheduleKeeper = Callable[["Context"], None]


class Audience(IntEnum):
    """Who a command is for; help lists a command to those who may use it."""

    EVERYONE = 0
    MEMBER = 1
    LEADER = 2
    FACILITATOR = 3


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One subcommand of `/staffroom`.

    Attributes:
        words: the subcommand words, e.g. ("group", "create").
        usage: the arguments as help shows them, e.g. "<name> [— description]".
        summary: one line for help.
        topic: the help section.
        audience: who may use it (checked again by the handler itself).
        examples: full example lines, without the leading `/staffroom`.
        needs_network: false only for commands that work before `setup`.
        slow: adapters acknowledge first and deliver the reply afterwards.
    """

    words: tuple[str, ...]
    handler: CommandHandler
    summary: str
    usage: str = ""
    topic: str = "General"
    audience: Audience = Audience.MEMBER
    examples: tuple[str, ...] = ()
    needs_network: bool = True
    slow: bool = False

    @property
    def name(self) -> str:
        return " ".join(self.words)

    @property
    def synopsis(self) -> str:
        return f"{self.name} {self.usage}".strip()


@dataclass(frozen=True, slots=True)
class ButtonSpec:
    action: str
    handler: ButtonHandler
    slow: bool = False


@dataclass(frozen=True, slots=True)
class FormSpec:
    form_id: str
    handler: FormHandler
    slow: bool = False


@dataclass(frozen=True, slots=True)
class TimerSpec:
    kind: str
    handler: TimerHandler


@dataclass(frozen=True, slots=True)
class PersonalDataSpec:
    """What one feature holds about a member, for `privacy`, `my data` and `forget me`.

    Attributes:
        name: a short plain-language name, e.g. "check-in answers".
        purpose: what is held and why, in a sentence a teacher understands.
        export: everything held about the member (JSON-serialisable).
        erase: delete (or detach from the member) everything held about them; aggregates that
            were already published may stay, without the member's identity.
        erase_keyed: for what only a keyed hash ties to the member (`bot.privacy.anonymity`), which
            cannot be found without the server secret: called with it, after `erase`.
    """

    name: str
    purpose: str
    export: Callable[[Connection, int], object]
    erase: Callable[[Connection, int], None]
    erase_keyed: Callable[[Connection, int, bytes], None] | None = None


@dataclass
class Registry:
    """All handlers of the running bot. Built once, at start-up, by `bot.features`."""

    commands: dict[tuple[str, ...], CommandSpec] = field(default_factory=dict)
    buttons: dict[str, ButtonSpec] = field(default_factory=dict)
    forms: dict[str, FormSpec] = field(default_factory=dict)
    timers: dict[str, TimerSpec] = field(default_factory=dict)
    home_sections: list[HomeSection] = field(default_factory=list)
    personal_data: list[PersonalDataSpec] = field(default_factory=list)
    digest_sources: list[DigestSource] = field(default_factory=list)
    schedule_keepers: list[ScheduleKeeper] = field(default_factory=list)
    _longest: int = 1

    def command(self, spec: CommandSpec) -> None:
        if spec.words in self.commands:
            raise ValueError(f"command {spec.name!r} registered twice")
        if not spec.words or any(w != w.lower() or " " in w for w in spec.words):
            raise ValueError(f"command words must be lower-case single words: {spec.words!r}")
        self.commands[spec.words] = spec
        self._longest = max(self._longest, len(spec.words))

    def commands_in(self, topic: str) -> Callable[..., None]:
        """A short way for a feature to register its commands under one help topic:
        `add("group create", handler, "Create a subject group", usage=…, audience=…)`."""

        def add(words: str, handler: CommandHandler, summary: str, **options: Any) -> None:
            self.command(
                CommandSpec(tuple(words.split()), handler, summary, topic=topic, **options)
            )

        return add

    def button(self, spec: ButtonSpec) -> None:
        if spec.action in self.buttons:
            raise ValueError(f"button {spec.action!r} registered twice")
        self.buttons[spec.action] = spec

    def form(self, spec: FormSpec) -> None:
        if spec.form_id in self.forms:
            raise ValueError(f"form {spec.form_id!r} registered twice")
        self.forms[spec.form_id] = spec

    def timer(self, spec: TimerSpec) -> None:
        if spec.kind in self.timers:
            raise ValueError(f"timer kind {spec.kind!r} registered twice")
        self.timers[spec.kind] = spec

    def home_section(self, section: HomeSection) -> None:
        """A part of a member's home view (Slack App Home, `/staffroom home`)."""
        self.home_sections.append(section)

    def personal(self, spec: PersonalDataSpec) -> None:
        """Declare personal data a feature holds (export and erasure go through it)."""
        if any(existing.name == spec.name for existing in self.personal_data):
            raise ValueError(f"personal data {spec.name!r} declared twice")
        self.personal_data.append(spec)

    def digest_source(self, source: DigestSource) -> None:
        """A feature's figures, engagement and highlights for the weekly digest."""
        self.digest_sources.append(source)

    def schedule_keeper(self, keeper: ScheduleKeeper) -> None:
        """Called for each network about hourly: make sure its recurring work is scheduled
        (idempotent timers), e.g. the next weekly digest of a network created since."""
        self.schedule_keepers.append(keeper)

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(sorted(self.commands.values(), key=lambda spec: spec.words))

    @property
    def longest(self) -> int:
        """The most words any command has (the router tries that many first)."""
        return self._longest
