"""Finding the group a command is about: by name (with "did you mean"), or — when no name is
given — the group whose channel the command was typed in."""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.events import Place
from bot.kernel.refusals import Refusal
from bot.parsing.names import name_key
from bot.parsing.suggest import did_you_mean
from storage import groups
from storage.groups import GroupRecord


def channel_here(ctx: Context) -> tuple[Place, str] | None:
    """The channel (not a direct conversation) the event came from, with its id, if any."""
    place = ctx.place
    if place is None or place.channel is None or place.is_direct:
        return None
    return place, place.channel


def group_here(ctx: Context) -> GroupRecord | None:
    """The group linked to the channel the event came from, if any."""
    here = channel_here(ctx)
    if here is None:
        return None
    place, channel = here
    return groups.group_for_channel(
        ctx.connection, platform=place.platform, workspace=place.workspace, channel_id=channel
    )


def find_group(
    ctx: Context, typed: str, *, allow_archived: bool = False, usage: str = ""
) -> GroupRecord:
    """The group `typed` names, or the channel's own group when `typed` is blank.

    Refuses with the closest names for a misspelling, and explains archived groups.
    """
    network = ctx.require_network()
    typed = typed.strip().strip("\"'“”").removeprefix("#")
    if not typed:
        here = group_here(ctx)
        if here is not None and (allow_archived or not here.archived):
            return here
        example = f" For example: `/staffroom {usage}`." if usage else ""
        raise Refusal(
            f"Which group? Please give its name.{example} `/staffroom groups` lists them."
        )
    group = groups.find_group(ctx.connection, network_id=network.id, name_key=name_key(typed))
    if group is None:
        hint = did_you_mean(
            typed, [g.group.name for g in groups.list_groups(ctx.connection, network_id=network.id)]
        )
        raise Refusal(
            f"There is no group called “{typed[:60]}”. {hint} `/staffroom groups` lists them all.".replace(
                "  ", " "
            )
        )
    if group.archived and not allow_archived:
        raise Refusal(
            f"**{group.name}** has been archived, so it takes no new activity. A facilitator can "
            f"bring it back with `/staffroom group restore {group.name}`."
        )
    return group
