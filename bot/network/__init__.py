"""The network feature: `setup` (a workspace admin creates a network), joining further
workspaces by invitation, schools, network settings, facilitators, `whoami`; the term calendar;
the roster import; and finding the people, schools and names a command mentions.

May import the kernel, delivery, parsing, privacy primitives and `storage`.
"""

from __future__ import annotations

from bot.kernel.registry import Audience, Registry
from bot.network.schools import school_add, school_set, schools, whoami
from bot.network.settings import facilitator_add, network_privacy, network_show, network_timezone
from bot.network.setup import network_invite, setup


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
