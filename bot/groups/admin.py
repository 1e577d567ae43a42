"""Running groups: create, appoint leaders, link channels (on any platform), archive, restore;
at most `GROUPS_PER_NETWORK` active groups in a network."""

from __future__ import annotations

from sqlalchemy import Connection

from bot.groups.lookup import find_group, group_here
from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import require_facilitator, require_leader
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Reply, Tone
from bot.network.people import find_person
from bot.parsing.arguments import split_tail
from bot.parsing.names import GROUP_NAME_LIMIT, clean_name, name_key
from storage import groups, limits
from storage.groups import ChannelRecord

DESCRIPTION_LIMIT = 300
GROUPS_PER_NETWORK = 200
_REMOVE_WORDS = {"remove", "off", "stop"}


def group_create(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="create subject groups")
    raw_name, description = split_tail(arguments)
    name = clean_name(
        raw_name, what="group name", limit=GROUP_NAME_LIMIT, example="A-level Chemistry"
    )
    if len(description) > DESCRIPTION_LIMIT:
        raise Refusal(
            f"A description can be at most {DESCRIPTION_LIMIT} characters; that one has {len(description)}."
        )
    _check_room_for_a_group(ctx, network.id, doing="created")
    existing = groups.find_group(ctx.connection, network_id=network.id, name_key=name_key(name))
    if existing is not None:
        state = (
            " (archived — `/staffroom group restore` brings it back)" if existing.archived else ""
        )
        raise Refusal(
            f"There is already a group called **{existing.name}**{state}. Please choose another name."
        )
    group = groups.create_group(
        ctx.connection,
        network_id=network.id,
        name=name,
        name_key=name_key(name),
        description=description,
        now=ctx.now,
    )
    here = ""
    if group_here(ctx) is None and ctx.place and ctx.place.channel and not ctx.place.is_direct:
        here = f" To use this channel for it, type `/staffroom group link {group.name}` here."
    return Reply.say(
        f"Created **{group.name}**. Appoint a leader with `/staffroom group leader {group.name} @person`.{here}",
        tone=Tone.SUCCESS,
    )


def network_is_full(connection: Connection, network_id: int) -> bool:
    """Whether the network has as many active groups as it may (`GROUPS_PER_NETWORK`, for
    facilitators and roster imports too: the cap bounds the work every digest and home view
    does)."""
    return limits.active_groups(connection, network_id=network_id) >= GROUPS_PER_NETWORK


def _check_room_for_a_group(ctx: Context, network_id: int, *, doing: str) -> None:
    """Refuse a group past the network's generous cap."""
    if network_is_full(ctx.connection, network_id):
        raise Refusal(
            f"This network has {GROUPS_PER_NETWORK} active groups, the most one network can "
            "have. Archive one that has finished (`/staffroom group archive <name>`), and this "
            f"one can be {doing} straight away."
        )


def _split_group_and_person(arguments: str) -> tuple[str, str, bool]:
    """ "<group> @person [remove]" → (group, person, remove)."""
    words = arguments.split()
    remove = bool(words) and words[-1].lower() in _REMOVE_WORDS
    if remove:
        words = words[:-1]
    for index, word in enumerate(words):
        if word.startswith(("@", "<@")):
            return " ".join(words[:index]), " ".join(words[index:]), remove
    raise Refusal(
        "Please name the group and @-mention the person, for example "
        "`/staffroom group leader A-level Chemistry @Sam Jones`."
    )


def group_leader(cmd: Command, ctx: Context, arguments: str) -> Reply:
    require_facilitator(ctx, doing="appoint group leaders")
    group_name, person_text, remove = _split_group_and_person(arguments)
    group = find_group(ctx, group_name, usage="group leader A-level Chemistry @Sam Jones")
    person = find_person(ctx, person_text)
    role = groups.role_in_group(ctx.connection, group_id=group.id, member_id=person.id)
    if remove:
        if role != groups.LEADER:
            return Reply.say(f"{person.display_name} doesn't lead **{group.name}**.")
        groups.set_role(
            ctx.connection, group_id=group.id, member_id=person.id, role=groups.MEMBER_ROLE
        )
        return Reply.say(
            f"{person.display_name} no longer leads **{group.name}** (they stay a member)."
        )
    if role == groups.LEADER:
        return Reply.say(f"{person.display_name} already leads **{group.name}**.")
    if role is None:
        groups.add_membership(
            ctx.connection, group_id=group.id, member_id=person.id, role=groups.LEADER, now=ctx.now
        )
    else:
        groups.set_role(ctx.connection, group_id=group.id, member_id=person.id, role=groups.LEADER)
    ctx.outbox.to_member(
        person.id,
        key=f"group-leader:{group.id}:{person.id}:{ctx.now.isoformat()}",
        reply=Reply.say(
            f"You're now a leader of **{group.name}**. `/staffroom help` shows what leaders can do.",
            tone=Tone.SUCCESS,
        ),
        purpose="group.leader",
    )
    return Reply.say(f"{person.display_name} now leads **{group.name}**.", tone=Tone.SUCCESS)


def _this_channel(ctx: Context, doing: str) -> ChannelRecord:
    place = ctx.require_place()
    if place.channel is None or place.is_direct:
        raise Refusal(
            f"Please type this in the channel you want to {doing}, not in a direct message."
        )
    return ChannelRecord(
        place.platform, place.workspace, place.channel, (place.channel_name or "")[:80]
    )


def group_link(cmd: Command, ctx: Context, arguments: str) -> Reply:
    group = find_group(ctx, arguments, usage="group link A-level Chemistry")
    require_leader(ctx, group, doing="link channels to it")
    channel = _this_channel(ctx, "link")
    current = group_here(ctx)
    if current is not None and current.id == group.id:
        return Reply.say(f"This channel is already **{group.name}**'s.")
    if current is not None:
        raise Refusal(
            f"This channel already belongs to **{current.name}**. Unlink it first with "
            "`/staffroom group unlink`, or use another channel."
        )
    groups.link_channel(ctx.connection, group_id=group.id, channel=channel, now=ctx.now)
    others = [
        c for c in groups.channels_of_group(ctx.connection, group_id=group.id) if c != channel
    ]
    also = ""
    if others:
        also = (
            " Posts for the group also go to "
            + ", ".join(f"#{c.channel_name or c.channel_id} ({c.platform.title()})" for c in others)
            + "."
        )
    return Reply.say(
        f"This channel is now linked to **{group.name}**: reminders, check-ins and questions for the group will appear here.{also}",
        tone=Tone.SUCCESS,
        public=True,
    )


def group_unlink(cmd: Command, ctx: Context, arguments: str) -> Reply:
    channel = _this_channel(ctx, "unlink")
    current = group_here(ctx)
    if current is None:
        return Reply.say("This channel isn't linked to any group.")
    require_leader(ctx, current, doing="unlink its channels")
    groups.unlink_channel(ctx.connection, channel=channel)
    return Reply.say(f"This channel is no longer linked to **{current.name}**.", tone=Tone.SUCCESS)


def group_archive(cmd: Command, ctx: Context, arguments: str) -> Reply:
    require_facilitator(ctx, doing="archive groups")
    group = find_group(ctx, arguments, usage="group archive GCSE Drama")
    groups.archive_group(ctx.connection, group_id=group.id, now=ctx.now)
    return Reply.say(
        f"**{group.name}** is archived: it's hidden from `/staffroom groups` and takes no new activity. "
        f"Its history is kept; `/staffroom group restore {group.name}` brings it back.",
        tone=Tone.SUCCESS,
    )


def group_restore(cmd: Command, ctx: Context, arguments: str) -> Reply:
    require_facilitator(ctx, doing="restore groups")
    group = find_group(ctx, arguments, allow_archived=True, usage="group restore GCSE Drama")
    if not group.archived:
        return Reply.say(f"**{group.name}** isn't archived.")
    _check_room_for_a_group(ctx, group.network_id, doing="restored")
    groups.restore_group(ctx.connection, group_id=group.id)
    return Reply.say(f"**{group.name}** is back.", tone=Tone.SUCCESS)


def group_describe(cmd: Command, ctx: Context, arguments: str) -> Reply:
    raw_name, description = split_tail(arguments)
    group = find_group(
        ctx, raw_name, usage="group describe A-level Chemistry — practicals and moderation"
    )
    require_leader(ctx, group, doing="change its description")
    if len(description) > DESCRIPTION_LIMIT:
        raise Refusal(
            f"A description can be at most {DESCRIPTION_LIMIT} characters; that one has {len(description)}."
        )
    groups.describe_group(ctx.connection, group_id=group.id, description=description)
    return Reply.say(f"Updated the description of **{group.name}**.", tone=Tone.SUCCESS)
