"""Subject groups, the unit of the network: listing, joining, leading, linking channels.

May import the kernel, delivery, parsing, the privacy primitives and `storage`; never an
adapter, a platform SDK or another feature's internals (features meet through the registry).
"""

from __future__ import annotations

from bot.groups import admin, membership
from bot.kernel.registry import Audience, ButtonSpec, Registry


def register(registry: Registry) -> None:
    add = registry.commands_in("Subject groups")
    add("groups", membership.list_groups, "List subject groups, with member and school counts")
    add(
        "join",
        membership.join,
        "Join a subject group (in its channel, no name needed)",
        usage="<group>",
        examples=("join A-level Chemistry",),
    )
    add(
        "leave",
        membership.leave,
        "Leave a subject group",
        usage="<group>",
        examples=("leave A-level Chemistry",),
    )
    add(
        "group info",
        membership.group_info,
        "About a group: leaders, members, channels",
        usage="[group]",
        examples=("group info A-level Chemistry",),
    )
    add(
        "group members",
        membership.group_members_list,
        "Who is in a group, and their schools",
        usage="[group]",
        audience=Audience.LEADER,
    )
    add(
        "group link",
        admin.group_link,
        "Use this channel for a group (any platform)",
        usage="<group>",
        audience=Audience.LEADER,
        examples=("group link A-level Chemistry",),
    )
    add(
        "group unlink",
        admin.group_unlink,
        "Stop using this channel for its group",
        audience=Audience.LEADER,
    )
    add(
        "group describe",
        admin.group_describe,
        "Change a group's description",
        usage="<group> — <description>",
        audience=Audience.LEADER,
    )
    add(
        "group create",
        admin.group_create,
        "Create a subject group",
        usage="<name> [— description]",
        audience=Audience.FACILITATOR,
        examples=("group create A-level Chemistry — moderation, practicals and results",),
    )
    add(
        "group leader",
        admin.group_leader,
        "Appoint (or with `remove`, stand down) a leader",
        usage="<group> @person [remove]",
        audience=Audience.FACILITATOR,
        examples=("group leader A-level Chemistry @Sam Jones",),
    )
    add(
        "group archive",
        admin.group_archive,
        "Archive a group (its history is kept)",
        usage="<group>",
        audience=Audience.FACILITATOR,
    )
    add(
        "group restore",
        admin.group_restore,
        "Bring an archived group back",
        usage="<group>",
        audience=Audience.FACILITATOR,
    )
    registry.button(ButtonSpec("group.join", membership.press_join))
