"""A member's open check-in rounds with their answer buttons: `checkin` alone, the answer to
`checkin <colour>` typed where several rounds are open, and the home view's section."""

from __future__ import annotations

from bot.checkins import render
from bot.checkins.render import colour_label
from bot.kernel.context import Context
from bot.kernel.replies import Block, Heading, Reply, Text
from bot.parsing.times import show_time
from storage import checkins


def open_round_blocks(ctx: Context) -> list[Block]:
    """The member's open rounds with answer buttons (home view and `checkin`)."""
    member = ctx.require_member()
    blocks: list[Block] = []
    for item in checkins.open_rounds_of_member(ctx.connection, member_id=member.id):
        mine = (
            f" · you answered {colour_label(item.answer.colour)}"
            + (" (anonymously)" if item.answer.anonymous else "")
            if item.answer
            else ""
        )
        until = (
            f" · closes {show_time(item.round.closes_at, ctx.zone)}" if item.round.closes_at else ""
        )
        blocks.append(
            Text(f"**{item.group_name}** — {render.quoted(item.round.prompt, 160)}{until}{mine}")
        )
        blocks.append(render.answer_buttons(item.round.id))
    return blocks


def my_open_rounds(ctx: Context) -> Reply:
    blocks = open_round_blocks(ctx)
    if not blocks:
        return Reply.say(
            "None of your groups has an open check-in right now. `/staffroom checkin mine` shows "
            "your earlier answers."
        )
    return Reply((Heading("Open check-ins"), *blocks))


def home_section(ctx: Context) -> list[Block]:
    if ctx.member is None:
        return []
    blocks = open_round_blocks(ctx)
    return [Text("**Open check-ins**"), *blocks] if blocks else []
