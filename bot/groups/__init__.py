"""Subject groups, the unit of the network: listing, joining, leading, linking channels."""

from __future__ import annotations

from bot.groups import admin, membership
from bot.registry import Audience, ButtonSpec, CommandSpec, Registry


def register(registry: Registry) -> None:
    topic = "Subject groups"
    add = registry.command
    add(
        CommandSpec(
            ("groups",),
            membership.list_groups,
            "List subject groups, with member and school counts",
            topic=topic,
        )
    )
    add(
        CommandSpec(
            ("join",),
            membership.join,
            "Join a subject group (in its channel, no name needed)",
            usage="<group>",
            topic=topic,
            examples=("join A-level Chemistry",),
        )
    )
    add(
        CommandSpec(
            ("leave",),
            membership.leave,
            "Leave a subject group",
            usage="<group>",
            topic=topic,
            examples=("leave A-level Chemistry",),
        )
    )
    add(
        CommandSpec(
            ("group", "info"),
            membership.group_info,
            "About a group: leaders, members, channels",
            usage="[group]",
            topic=topic,
            examples=("group info A-level Chemistry",),
        )
    )
    add(
        CommandSpec(
            ("group", "members"),
            membership.group_members_list,
            "Who is in a group, and their schools",
            usage="[group]",
            topic=topic,
            audience=Audience.LEADER,
        )
    )
    add(
        CommandSpec(
            ("group", "link"),
            admin.group_link,
            "Use this channel for a group (any platform)",
            usage="<group>",
            topic=topic,
            audience=Audience.LEADER,
            examples=("group link A-level Chemistry",),
        )
    )
    add(
        CommandSpec(
            ("group", "unlink"),
            admin.group_unlink,
            "Stop using this channel for its group",
            topic=topic,
            audience=Audience.LEADER,
        )
    )
    add(
        CommandSpec(
            ("group", "describe"),
            admin.group_describe,
            "Change a group's description",
            usage="<group> — <description>",
            topic=topic,
            audience=Audience.LEADER,
        )
    )
    add(
        CommandSpec(
            ("group", "create"),
            admin.group_create,
            "Create a subject group",
            usage="<name> [— description]",
            topic=topic,
            audience=Audience.FACILITATOR,
            examples=("group create A-level Chemistry — moderation, practicals and results",),
        )
    )
    add(
        CommandSpec(
            ("group", "leader"),
            admin.group_leader,
            "Appoint (or with `remove`, stand down) a leader",
            usage="<group> @person [remove]",
            topic=topic,
            audience=Audience.FACILITATOR,
            examples=("group leader A-level Chemistry @Sam Jones",),
        )
    )
    add(
        CommandSpec(
            ("group", "archive"),
            admin.group_archive,
            "Archive a group (its history is kept)",
            usage="<group>",
            topic=topic,
            audience=Audience.FACILITATOR,
        )
    )
    add(
        CommandSpec(
            ("group", "restore"),
            admin.group_restore,
            "Bring an archived group back",
            usage="<group>",
            topic=topic,
            audience=Audience.FACILITATOR,
        )
    )
    registry.button(ButtonSpec("group.join", membership.press_join))
