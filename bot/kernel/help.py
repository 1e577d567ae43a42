"""The `help` command, generated from the registry: a command cannot exist without its line.

People see the commands meant for them (members, leaders, facilitators); `help <command>`
explains one command with examples.
"""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command
from bot.kernel.registry import Audience, ButtonSpec, CommandSpec, Registry
from bot.kernel.replies import Context as ContextLine
from bot.kernel.replies import Heading, Reply, Text
from bot.kernel.router import Resolved, resolve
from bot.parsing.suggest import did_you_mean
from storage import groups

ROOT = "/staffroom"


def audience_of(ctx: Context) -> Audience:
    member = ctx.member
    if member is None:
        return Audience.EVERYONE if ctx.network is None else Audience.MEMBER
    if member.is_facilitator:
        return Audience.FACILITATOR
    led = any(
        role == groups.LEADER
        for _, role in groups.groups_of_member(ctx.connection, member_id=member.id)
    )
    return Audience.LEADER if led else Audience.MEMBER


def show_help(cmd: Command, ctx: Context, arguments: str) -> Reply:
    if arguments.strip():
        return _one_command(ctx.registry, arguments)
    return overview(ctx.registry, audience_of(ctx))


def overview(registry: Registry, audience: Audience) -> Reply:
    topics: dict[str, list[CommandSpec]] = {}
    for spec in registry:
        if spec.audience <= max(audience, Audience.MEMBER):
            topics.setdefault(spec.topic, []).append(spec)
    blocks: list[Heading | Text | ContextLine] = [Heading("Staffroom — what I can do")]
    for topic in sorted(topics, key=_topic_order):
        lines = [f"`{ROOT} {spec.synopsis}` — {spec.summary}" for spec in topics[topic]]
        blocks.append(Text(f"**{topic}**\n" + "\n".join(lines)))
    blocks.append(ContextLine(f"`{ROOT} help <command>` explains one command, with examples."))
    return Reply(tuple(blocks))


def _topic_order(topic: str) -> tuple[int, str]:
    return (0 if topic == "Getting started" else 1, topic)


def _one_command(registry: Registry, typed: str) -> Reply:
    resolved = resolve(registry, typed)
    if not isinstance(resolved, Resolved):
        hint = did_you_mean(typed, [spec.name for spec in registry])
        return Reply.say(f"There is no command “{typed.strip()[:40]}”. {hint}".strip())
    spec = resolved.spec
    text = f"`{ROOT} {spec.synopsis}`\n{spec.summary}"
    if spec.audience >= Audience.LEADER:
        text += (
            "\n_For "
            + (
                "facilitators"
                if spec.audience == Audience.FACILITATOR
                else "group leaders and facilitators"
            )
            + "._"
        )
    blocks: list[Text | ContextLine] = [Text(text)]
    if spec.examples:
        blocks.append(Text("Examples:\n" + "\n".join(f"`{ROOT} {e}`" for e in spec.examples)))
    return Reply(tuple(blocks))


def press_help(press: ButtonPress, ctx: Context) -> Reply:
    return overview(ctx.registry, audience_of(ctx))


def register(registry: Registry) -> None:
    add = registry.commands_in("Getting started")
    add(
        "help",
        show_help,
        "Show what I can do, or explain one command",
        usage="[command]",
        audience=Audience.EVERYONE,
        examples=("help", "help join"),
        needs_network=False,
    )
    registry.button(ButtonSpec("help.show", press_help))
