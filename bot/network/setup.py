"""The network feature: `setup` (a workspace admin creates a network), joining further
workspaces by invitation, schools, network settings, facilitators, and `whoami`."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.kernel.dispatcher import first_contact
from bot.kernel.events import Command
from bot.kernel.permissions import require_facilitator
from bot.kernel.refusals import Refusal
from bot.kernel.registry import Audience, Registry
from bot.kernel.replies import Context as ContextLine
from bot.kernel.replies import Fields, Heading, Reply, Text, Tone
from bot.network.people import find_person, find_school
from bot.parsing.arguments import split_words
from bot.parsing.names import NETWORK_NAME_LIMIT, SCHOOL_NAME_LIMIT, clean_name, name_key
from bot.parsing.numbers import whole_number
from bot.parsing.times import unknown_zone
from storage import directory, groups, networks

INVITE_LIFETIME = timedelta(hours=48)
K_LIMITS = (2, 20)


def _invite_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def setup(cmd: Command, ctx: Context, arguments: str) -> Reply:
    words = split_words(arguments)
    if words and words[0].lower() == "join":
        return _setup_join(cmd, ctx, " ".join(words[1:]))
    if ctx.network is not None:
        names = ", ".join(
            f.display_name
            for f in directory.facilitators(ctx.connection, network_id=ctx.network.id)
        )
        raise Refusal(
            f"This workspace already belongs to the network **{ctx.network.name}**"
            + (f" (facilitators: {names})." if names else ".")
            + " `/staffroom help` shows what you can do."
        )
    if not cmd.actor.is_workspace_admin:
        raise Refusal(
            "Only a workspace admin can set Staffroom up here. Please ask one of your admins to "
            "type `/staffroom setup <network name>`."
        )
    name = clean_name(
        arguments, what="network name", limit=NETWORK_NAME_LIMIT, example="Hampshire Colleges"
    )
    if networks.find_network_by_name(ctx.connection, name=name) is not None:
        raise Refusal(
            f"A network called **{name}** already exists. To add this workspace to it, ask its "
            "facilitator for an invitation code (`/staffroom network invite`), then type "
            "`/staffroom setup join <code>`. Or choose another name."
        )
    network = networks.create_network(
        ctx.connection, name=name, timezone=ctx.config.default_timezone, now=ctx.now
    )
    networks.bind_workspace(
        ctx.connection,
        network_id=network.id,
        platform=cmd.actor.platform,
        external_id=cmd.actor.workspace,
        now=ctx.now,
    )
    first_contact(ctx.connection, network, cmd.actor, ctx.now, is_facilitator=True)
    ctx.network_changed = True
    return Reply(
        (
            Heading(f"Welcome to {name}"),
            Text(
                "The network is ready and you are its facilitator. Next steps:\n"
                "1. Add the schools: `/staffroom school add Ridgeway School`\n"
                "2. Create subject groups: `/staffroom group create A-level Chemistry — moderation and practicals`\n"
                "3. In each group's channel: `/staffroom group link A-level Chemistry`\n"
                "4. Appoint leaders: `/staffroom group leader A-level Chemistry @name`\n"
                "Or import everything at once with `staffroom import roster.csv` on the server."
            ),
            ContextLine(
                f"Times are shown in {network.timezone}; change it with `/staffroom network timezone <zone>`."
            ),
        ),
        tone=Tone.SUCCESS,
    )


def _setup_join(cmd: Command, ctx: Context, code: str) -> Reply:
    if ctx.network is not None:
        raise Refusal(f"This workspace already belongs to **{ctx.network.name}**.")
    if not cmd.actor.is_workspace_admin:
        raise Refusal("Only a workspace admin can add this workspace to a network.")
    if not code.strip():
        raise Refusal(
            "Please give the invitation code, for example `/staffroom setup join K7Q-2MX-9TB`."
        )
    network_id = networks.use_invite(ctx.connection, code_hash=_invite_hash(code), now=ctx.now)
    if network_id is None:
        raise Refusal(
            "That invitation code isn't valid — it may be mistyped, used already, or older than "
            "48 hours. Ask the network's facilitator for a new one (`/staffroom network invite`)."
        )
    network = networks.get_network(ctx.connection, network_id=network_id)
    assert network is not None
    networks.bind_workspace(
        ctx.connection,
        network_id=network.id,
        platform=cmd.actor.platform,
        external_id=cmd.actor.workspace,
        now=ctx.now,
    )
    first_contact(ctx.connection, network, cmd.actor, ctx.now)
    ctx.network_changed = True
    return Reply.say(
        f"This workspace is now part of **{network.name}**. Its groups can be linked to channels "
        "here with `/staffroom group link <group>`, and answers from every workspace count together.",
        tone=Tone.SUCCESS,
    )


def network_invite(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="invite another workspace")
    raw = secrets.token_hex(5).upper()[:9]
    code = f"{raw[:3]}-{raw[3:6]}-{raw[6:]}"
    networks.add_invite(
        ctx.connection,
        network_id=network.id,
        code_hash=_invite_hash(code),
        expires_at=ctx.now + INVITE_LIFETIME,
    )
    return Reply.say(
        f"Invitation code: **{code}** (valid for 48 hours, once).",
        "In the other Slack workspace or Discord server, an admin types "
        f"`/staffroom setup join {code}`. Its channels can then be linked to this network's groups.",
    )


def network_show(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    schools = directory.list_schools(ctx.connection, network_id=network.id)
    group_count = len(groups.list_groups(ctx.connection, network_id=network.id))
    facilitators = directory.facilitators(ctx.connection, network_id=network.id)
    workspaces = networks.workspaces_of_network(ctx.connection, network_id=network.id)
    return Reply(
        (
            Heading(network.name),
            Fields(
                (
                    ("Schools", str(len(schools))),
                    ("Subject groups", str(group_count)),
                    ("Facilitators", ", ".join(f.display_name for f in facilitators) or "none"),
                    ("Time zone", network.timezone),
                    (
                        "Privacy threshold",
                        f"figures about fewer than {network.k_threshold} people are hidden",
                    ),
                    ("Workspaces", ", ".join(platform.title() for platform, _ in workspaces)),
                )
            ),
        )
    )


def network_timezone(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="change the network's time zone")
    zone = arguments.strip()
    problem = unknown_zone(zone)
    if problem:
        raise Refusal(problem)
    networks.set_network_settings(ctx.connection, network_id=network.id, timezone=zone)
    ctx.network_changed = True
    _plan_again(ctx, network.id)
    now_there = ctx.now.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    return Reply.say(
        f"Times are now shown in {zone} (it's {now_there} there); the weekly digest goes out at "
        "its time in this zone.",
        tone=Tone.SUCCESS,
    )


def _plan_again(ctx: Context, network_id: int) -> None:
    """Let every feature re-plan the network's recurring work (the weekly digest is due at a
    local time of the network's zone) with the new settings, in this transaction."""
    ctx.network = networks.get_network(ctx.connection, network_id=network_id)
    for keeper in ctx.registry.schedule_keepers:
        keeper(ctx)


def network_privacy(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="change the privacy threshold")
    low, high = K_LIMITS
    k = whole_number(arguments) or 0
    if not low <= k <= high:
        raise Refusal(
            f"Please give a whole number from {low} to {high}, for example "
            f"`/staffroom network privacy 3`. Figures about fewer people than that are hidden."
        )
    networks.set_network_settings(ctx.connection, network_id=network.id, k_threshold=k)
    ctx.network_changed = True
    return Reply.say(
        f"Figures about fewer than {k} people (or from a single school) are now hidden.",
        tone=Tone.SUCCESS,
    )


def facilitator_add(cmd: Command, ctx: Context, arguments: str) -> Reply:
    require_facilitator(ctx, doing="appoint facilitators")
    person = find_person(ctx, arguments)
    if person.is_facilitator:
        return Reply.say(f"{person.display_name} is already a facilitator.")
    directory.set_facilitator(ctx.connection, member_id=person.id, is_facilitator=True)
    return Reply.say(
        f"{person.display_name} is now a facilitator of the network.", tone=Tone.SUCCESS
    )


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


def register(registry: Registry) -> None:
    add = registry.commands_in("Getting started")
    add(
        "setup",
        setup,
        "Create a network in this workspace (workspace admins), or join one with a code",
        usage="<network name> | join <code>",
        audience=Audience.EVERYONE,
        examples=("setup Hampshire Colleges", "setup join K7Q-2MX-9TB"),
        needs_network=False,
    )
    add("whoami", whoami, "Your school, groups and roles")
    add(
        "school",
        school_set,
        "Set your school",
        usage="<school>",
        examples=("school Ridgeway School",),
    )
    add("schools", schools, "List the network's schools")
    add = registry.commands_in("Network (facilitators)")
    add(
        "school add",
        school_add,
        "Add a school to the network",
        usage="<name>",
        audience=Audience.FACILITATOR,
        examples=("school add Ridgeway School",),
    )
    add("network", network_show, "Show the network's settings")
    add(
        "network invite",
        network_invite,
        "A code that lets another Slack or Discord workspace join",
        audience=Audience.FACILITATOR,
    )
    add(
        "network timezone",
        network_timezone,
        "Set the time zone times are shown in",
        usage="<zone>",
        audience=Audience.FACILITATOR,
        examples=("network timezone Europe/London",),
    )
    add(
        "network privacy",
        network_privacy,
        "Hide figures about fewer than k people",
        usage="<k>",
        audience=Audience.FACILITATOR,
        examples=("network privacy 3",),
    )
    add(
        "facilitator add",
        facilitator_add,
        "Make someone a facilitator",
        usage="@person",
        audience=Audience.FACILITATOR,
        examples=("facilitator add @Sam Jones",),
    )
