"""Network settings, kept by facilitators: `network` (show), `network timezone`, `network privacy` (the k of k-anonymity) and `facilitator add`."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import require_facilitator
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Fields, Heading, Reply, Tone
from bot.network.people import find_person
from bot.parsing.numbers import whole_number
from bot.parsing.times import unknown_zone
from storage import directory, groups, networks

K_LIMITS = (2, 20)


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
    wanted = whole_number(arguments) or 0
    if not low <= wanted <= high:
        raise Refusal(
            f"Please give a whole number from {low} to {high}, for example "
            f"`/staffroom network privacy 3`. Figures about fewer people than that are hidden."
        )
    networks.set_network_settings(ctx.connection, network_id=network.id, k_threshold=wanted)
    ctx.network_changed = True
    return Reply.say(
        f"Figures about fewer than {wanted} people (or from a single school) are now hidden.",
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
