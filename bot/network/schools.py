"""Schools and a member's place among them: `schools`, `school add` (facilitators), `school` (set your own) and `whoami`."""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import require_facilitator
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Context as ContextLine
from bot.kernel.replies import Fields, Heading, Reply, Text, Tone
from bot.network.people import find_school
from bot.parsing.names import SCHOOL_NAME_LIMIT, clean_name, name_key
from storage import directory, groups


def schools(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    listed = directory.list_schools(ctx.connection, network_id=network.id)
    if not listed:
        return Reply.say(
            "No schools yet. A facilitator can add one with `/staffroom school add <name>`."
        )
    counts = directory.school_member_counts(ctx.connection, network_id=network.id)
    lines = [
        f"• {s.name} — {counts.get(s.id, 0)} {'person' if counts.get(s.id, 0) == 1 else 'people'}"
        for s in listed
    ]
    mine = ctx.member.school_name if ctx.member else None
    footer = f"Your school: {mine}." if mine else "Set yours with `/staffroom school <name>`."
    return Reply(
        (Heading(f"Schools in {network.name}"), Text("\n".join(lines)), ContextLine(footer))
    )


def school_set(cmd: Command, ctx: Context, arguments: str) -> Reply:
    member = ctx.require_member()
    if not arguments.strip():
        current = (
            f"You're at **{member.school_name}**."
            if member.school_name
            else "You haven't set your school yet."
        )
        return Reply.say(
            f"{current} Set it with `/staffroom school <name>`; `/staffroom schools` lists them."
        )
    school = find_school(ctx, arguments)
    if school.id == member.school_id:
        return Reply.say(f"You're already down as being at **{school.name}**.")
    directory.set_member_school(ctx.connection, member_id=member.id, school_id=school.id)
    return Reply.say(
        f"Thanks — you're now at **{school.name}**. Next: `/staffroom groups` to find your subject groups.",
        tone=Tone.SUCCESS,
    )


def school_add(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="add schools")
    name = clean_name(
        arguments, what="school name", limit=SCHOOL_NAME_LIMIT, example="Ridgeway School"
    )
    existing = directory.find_school(ctx.connection, network_id=network.id, name_key=name_key(name))
    if existing is not None:
        raise Refusal(f"**{existing.name}** is already in the network.")
    directory.add_school(
        ctx.connection, network_id=network.id, name=name, name_key=name_key(name), now=ctx.now
    )
    return Reply.say(
        f"Added **{name}**. Its staff can now choose it with `/staffroom school {name}`.",
        tone=Tone.SUCCESS,
    )


def whoami(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    member = ctx.require_member()
    memberships = groups.groups_of_member(ctx.connection, member_id=member.id)
    roles = []
    if member.is_facilitator:
        roles.append("facilitator of the network")
    led = [group.name for group, role in memberships if role == groups.LEADER]
    if led:
        roles.append("leader of " + ", ".join(led))
    facilitators = directory.facilitators(ctx.connection, network_id=network.id)
    return Reply(
        (
            Heading(member.display_name),
            Fields(
                (
                    ("Network", network.name),
                    ("School", member.school_name or "not set — `/staffroom school <name>`"),
                    ("Role", "; ".join(roles) or "member"),
                    (
                        "Groups",
                        ", ".join(group.name for group, _ in memberships)
                        or "none yet — `/staffroom groups`",
                    ),
                    ("Time zone", member.timezone or f"{network.timezone} (the network's)"),
                    ("Facilitators", ", ".join(f.display_name for f in facilitators) or "none"),
                )
            ),
        )
    )
