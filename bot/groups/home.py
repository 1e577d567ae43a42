"""A member's home view: their groups and, from each feature that registers a home section,
what is coming up for them (meetings, open check-ins…). Slack shows it in the App Home tab;
everywhere it is `/staffroom home`."""

from __future__ import annotations

from bot.groups.membership import list_groups
from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command
from bot.kernel.registry import ButtonSpec, Registry
from bot.kernel.replies import Block, Button, Buttons, Divider, Heading, Reply, Text
from bot.kernel.replies import Context as ContextLine
from storage import groups


def home(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    member = ctx.require_member()
    blocks: list[Block] = [Heading(f"Staffroom — {network.name}")]
    memberships = groups.groups_of_member(ctx.connection, member_id=member.id)
    if memberships:
        lines = [
            f"• **{group.name}**" + (" · _you lead_" if role == groups.LEADER else "")
            for group, role in memberships
        ]
        blocks.append(Text("**Your groups**\n" + "\n".join(lines)))
    else:
        blocks.append(Text("You haven't joined any subject groups yet."))
    if member.school_id is None:
        blocks.append(ContextLine("Tell us your school first: `/staffroom school <name>`."))
    for section in ctx.registry.home_sections:
        part = list(section(ctx))
        if part:
            blocks.append(Divider())
            blocks.extend(part)
    blocks.append(Buttons((Button("Browse groups", "home.groups"), Button("Help", "help.show"))))
    return Reply(tuple(blocks))


def press_groups(press: ButtonPress, ctx: Context) -> Reply:
    return list_groups(Command(press.actor, press.place, "groups"), ctx, "")


def register(registry: Registry) -> None:
    add = registry.commands_in("Getting started")
    add("home", home, "Your groups and what's coming up")
    registry.button(ButtonSpec("home.groups", press_groups))
