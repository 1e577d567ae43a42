"""Joining and leaving subject groups, listing them, and a group's card."""

from __future__ import annotations

from bot.groups.lookup import find_group
from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command
from bot.kernel.permissions import require_leader
from bot.kernel.refusals import Refusal
from bot.kernel.replies import (
    Button,
    Buttons,
    ButtonStyle,
    Fields,
    Heading,
    Reply,
    Text,
    Tone,
    paragraphs,
)
from bot.kernel.replies import Context as ContextLine
from bot.parsing.numbers import id_in
from storage import directory, groups
from storage.groups import GroupRecord


def list_groups(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    summaries = groups.list_groups(ctx.connection, network_id=network.id)
    if not summaries:
        return Reply.say(
            "There are no subject groups yet. A facilitator can create one with `/staffroom group create <name>`."
        )
    mine = {
        group.id: role
        for group, role in groups.groups_of_member(
            ctx.connection, member_id=ctx.require_member().id
        )
    }
    lines = []
    for summary in summaries:
        group = summary.group
        badge = {"leader": " · _you lead_", "member": " · _joined_"}.get(mine.get(group.id, ""), "")
        people = f"{summary.members} member{'s' if summary.members != 1 else ''}"
        schools = f"{summary.schools} school{'s' if summary.schools != 1 else ''}"
        lines.append(f"• **{group.name}** — {people} from {schools}{badge}")
    text_blocks = paragraphs(lines)
    return Reply(
        (
            Heading(f"Subject groups in {network.name}"),
            *text_blocks,
            ContextLine(
                "Join one with `/staffroom join <group>`; `/staffroom group info <group>` tells more."
            ),
        ),
    )


def _join(ctx: Context, group: GroupRecord) -> Reply:
    member = ctx.require_member()
    if member.school_id is None:
        schools = directory.list_schools(ctx.connection, network_id=group.network_id)
        listed = ", ".join(s.name for s in schools[:12]) + ("…" if len(schools) > 12 else "")
        raise Refusal(
            "Before joining, please tell me which school you're at — it matters for every figure "
            f"the network sees. Type `/staffroom school <name>`. Schools: {listed or 'none yet'}."
        )
    if groups.role_in_group(ctx.connection, group_id=group.id, member_id=member.id) is not None:
        return Reply.say(f"You're already a member of **{group.name}**.")
    groups.add_membership(
        ctx.connection, group_id=group.id, member_id=member.id, role=groups.MEMBER_ROLE, now=ctx.now
    )
    channels = groups.channels_of_group(ctx.connection, group_id=group.id)
    where = ", ".join(f"#{c.channel_name or c.channel_id} ({c.platform.title()})" for c in channels)
    return Reply.say(
        f"Welcome to **{group.name}**!" + (f" The group talks in {where}." if where else ""),
        tone=Tone.SUCCESS,
    )


def join(cmd: Command, ctx: Context, arguments: str) -> Reply:
    return _join(ctx, find_group(ctx, arguments, usage="join A-level Chemistry"))


def press_join(press: ButtonPress, ctx: Context) -> Reply:
    group = groups.get_group(ctx.connection, group_id=id_in(press.value))
    if group is None or group.network_id != ctx.require_network().id:
        raise Refusal(
            "That group no longer exists. `/staffroom groups` lists the ones you can join."
        )
    if group.archived:
        raise Refusal(f"**{group.name}** has been archived.")
    return _join(ctx, group)


def leave(cmd: Command, ctx: Context, arguments: str) -> Reply:
    member = ctx.require_member()
    group = find_group(ctx, arguments, allow_archived=True, usage="leave A-level Chemistry")
    role = groups.role_in_group(ctx.connection, group_id=group.id, member_id=member.id)
    if role is None:
        return Reply.say(f"You aren't a member of **{group.name}**, so there's nothing to leave.")
    groups.remove_membership(ctx.connection, group_id=group.id, member_id=member.id)
    if role == groups.LEADER:
        _tell_facilitators_if_leaderless(ctx, group, member.display_name)
    return Reply.say(
        f"You've left **{group.name}**. You can rejoin any time with `/staffroom join {group.name}`."
    )


def _tell_facilitators_if_leaderless(ctx: Context, group: GroupRecord, leaver: str) -> None:
    remaining = [
        m
        for m in groups.group_members(ctx.connection, group_id=group.id)
        if m.role == groups.LEADER
    ]
    if remaining:
        return
    network = ctx.require_network()
    notice = Reply.say(
        f"{leaver} has left **{group.name}**, which now has no leader. Until you appoint one "
        f"(`/staffroom group leader {group.name} @person`), prompts meant for its leader come to you.",
        tone=Tone.WARNING,
    )
    for facilitator in directory.facilitators(ctx.connection, network_id=network.id):
        ctx.outbox.to_member(
            facilitator.id,
            key=f"group-leaderless:{group.id}:{ctx.now.isoformat()}:{facilitator.id}",
            reply=notice,
            purpose="group.leaderless",
        )


def group_info(cmd: Command, ctx: Context, arguments: str) -> Reply:
    group = find_group(ctx, arguments, allow_archived=True, usage="group info A-level Chemistry")
    members = groups.group_members(ctx.connection, group_id=group.id)
    leaders = [m.display_name for m in members if m.role == groups.LEADER]
    schools = {m.school_id for m in members if m.school_id is not None}
    channels = groups.channels_of_group(ctx.connection, group_id=group.id)
    member = ctx.require_member()
    joined = any(m.member_id == member.id for m in members)
    blocks: list[Heading | Text | Fields | Buttons | ContextLine] = [
        Heading(group.name + (" (archived)" if group.archived else ""))
    ]
    if group.description:
        blocks.append(Text(group.description))
    blocks.append(
        Fields(
            (
                ("Leaders", ", ".join(leaders) or "none yet"),
                (
                    "Members",
                    f"{len(members)} from {len(schools)} school{'s' if len(schools) != 1 else ''}",
                ),
                (
                    "Channels",
                    ", ".join(
                        f"#{c.channel_name or c.channel_id} ({c.platform.title()})"
                        for c in channels
                    )
                    or "not linked yet",
                ),
            )
        )
    )
    if not joined and not group.archived:
        blocks.append(
            Buttons(
                (Button(f"Join {group.name}", "group.join", str(group.id), ButtonStyle.PRIMARY),)
            )
        )
    return Reply(tuple(blocks))


def group_members_list(cmd: Command, ctx: Context, arguments: str) -> Reply:
    group = find_group(ctx, arguments, allow_archived=True, usage="group members A-level Chemistry")
    require_leader(ctx, group, doing="list the group's members")
    members = groups.group_members(ctx.connection, group_id=group.id)
    if not members:
        return Reply.say(f"**{group.name}** has no members yet.")
    lines = [
        f"• {m.display_name} — {m.school_name or 'school not set'}"
        + (" · leader" if m.role == groups.LEADER else "")
        for m in members
    ]
    return Reply((Heading(f"Members of {group.name}"), *paragraphs(lines)))
