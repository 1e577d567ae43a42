"""Roles and the checks that guard commands: member, group leader (per group), facilitator
(per network). A facilitator may do anything a leader may."""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.refusals import Refusal
from storage import groups
from storage.directory import MemberRecord
from storage.groups import GroupRecord


def is_leader(ctx: Context, group: GroupRecord, member: MemberRecord | None = None) -> bool:
    member = member or ctx.member
    if member is None:
        return False
    role = groups.role_in_group(ctx.connection, group_id=group.id, member_id=member.id)
    return role == groups.LEADER


def require_facilitator(ctx: Context, *, doing: str) -> MemberRecord:
    """The acting member, if they facilitate the network; else a refusal naming `doing`."""
    member = ctx.require_member()
    if not member.is_facilitator:
        raise Refusal(
            f"Only a network facilitator can {doing}. Ask your facilitator, or see who they are "
            "with `/staffroom whoami`."
        )
    return member


def require_leader(ctx: Context, group: GroupRecord, *, doing: str) -> MemberRecord:
    """The acting member, if they lead `group` or facilitate the network."""
    member = ctx.require_member()
    if member.is_facilitator or is_leader(ctx, group, member):
        return member
    raise Refusal(
        f"Only a leader of **{group.name}** (or a facilitator) can {doing}. "
        f"`/staffroom group info {group.name}` shows who leads it."
    )


def require_membership(ctx: Context, group: GroupRecord, *, doing: str) -> MemberRecord:
    """The acting member, if they belong to `group`; else a refusal with a join button."""
    from bot.kernel.replies import Button, ButtonStyle

    member = ctx.require_member()
    if groups.role_in_group(ctx.connection, group_id=group.id, member_id=member.id) is None:
        raise Refusal(
            f"You need to join **{group.name}** first to {doing}.",
            buttons=(
                Button(f"Join {group.name}", "group.join", str(group.id), ButtonStyle.PRIMARY),
            ),
        )
    return member
