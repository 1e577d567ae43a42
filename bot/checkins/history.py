"""Looking back: a group's trend over its recent rounds (totals only, each suppressed below k),
a member's own answers and who they were grouped with, and the "don't pair me" choice."""

from __future__ import annotations

from bot.checkins.render import (
    EMOJI,
    colour_label,
    counts_text,
    pairing_button,
    quoted,
    shares,
    suppressed,
)
from bot.groups.lookup import find_group
from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command
from bot.kernel.permissions import require_membership
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Block, Buttons, Heading, Reply, Text, Tone
from bot.kernel.replies import Context as ContextLine
from bot.parsing.times import show_date
from bot.privacy.suppression import Suppressed
from storage import checkin_answers, checkin_pairings, checkins

HISTORY_ROUNDS = 8
MY_ANSWERS = 12


def history_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    group = find_group(
        ctx, arguments, allow_archived=True, usage="checkin history A-level Chemistry"
    )
    member = ctx.require_member()
    if not member.is_facilitator:
        require_membership(ctx, group, doing="see its check-in history")
    k = ctx.require_network().k_threshold
    rounds = checkins.closed_rounds_of_group(
        ctx.connection, group_id=group.id, limit=HISTORY_ROUNDS
    )
    current = checkins.open_round_of_group(ctx.connection, group_id=group.id)
    if not rounds and current is None:
        return Reply.say(f"**{group.name}** hasn't had a check-in yet.")
    counts = checkin_answers.counts_of_rounds(ctx.connection, round_ids=[r.id for r in rounds])
    blocks: list[Block] = [Heading(f"Check-in history · {group.name}")]
    if current is not None:
        now = suppressed(checkin_answers.counts(ctx.connection, round_id=current.id), k)
        blocks.append(Text(f"**Open now:** {quoted(current.prompt, 100)} — {counts_text(now)}"))
    lines = []
    for past in rounds:
        day = show_date(past.opened_at.astimezone(ctx.zone).date())
        lines.append(
            f"• {day} — {quoted(past.prompt, 80)} — {counts_text(suppressed(counts[past.id], k))}"
        )
    if lines:
        blocks.append(Text("\n".join(lines)))
    trend = _trend([suppressed(counts[r.id], k) for r in reversed(rounds)])
    if trend:
        blocks.append(Text(trend))
    blocks.append(ContextLine(f"Totals only, and none for a round fewer than {k} people answered."))
    return Reply(tuple(blocks))


def _trend(oldest_first: list[Suppressed[str]]) -> str:
    visible = [shares(c) for c in oldest_first if c.visible]
    if len(visible) < 2:
        return ""
    lines = [
        f"{EMOJI[colour]} " + " → ".join(f"{s[colour]}%" for s in visible)
        for colour in ("green", "red")
    ]
    return "**Trend, oldest to newest**\n" + "\n".join(lines)


def mine_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    member = ctx.require_member()
    answers = checkins.answers_of_member(ctx.connection, member_id=member.id, limit=MY_ANSWERS)
    partners = checkin_pairings.partners_of_member(
        ctx.connection, member_id=member.id, round_ids=[a.round.id for a in answers]
    )
    no_pairing = member.id in checkin_pairings.no_pairing(ctx.connection, member_ids=[member.id])
    blocks: list[Block] = [Heading("Your check-in answers")]
    if not answers:
        blocks.append(Text("You haven't answered any check-ins yet."))
    lines = []
    for item in answers:
        day = show_date(item.round.opened_at.astimezone(ctx.zone).date())
        line = f"• {day} · **{item.group_name}** {quoted(item.round.prompt, 60)} — {colour_label(item.answer.colour)}"
        if item.answer.anonymous:
            line += " _(anonymous)_"
        if item.round.is_open:
            line += " · open"
        if item.answer.note:
            line += f"\n    note: {quoted(item.answer.note, 120)}"
        if item.round.id in partners:
            line += "\n    grouped with " + ", ".join(partners[item.round.id])
        lines.append(line)
    if lines:
        blocks.append(Text("\n".join(lines)))
    blocks.append(
        ContextLine(
            "Anonymous answers show here only while their round is open; when it closes they "
            "are no longer linked to you."
        )
    )
    blocks.append(ContextLine(_pairing_status(no_pairing)))
    blocks.append(Buttons((pairing_button(no_pairing),)))
    return Reply(tuple(blocks))


def _pairing_status(no_pairing: bool) -> str:
    if no_pairing:
        return "You've asked not to be paired after check-ins."
    return "After a check-in your leader may suggest a colleague from another school to talk with."


def _set_pairing(ctx: Context, choice: str) -> Reply:
    member = ctx.require_member()
    word = choice.strip().lower()
    if word not in ("on", "off"):
        raise Refusal(
            "Use `/staffroom checkin pairing off` to stop being paired after check-ins, or "
            "`/staffroom checkin pairing on` to be paired again."
        )
    checkin_pairings.set_no_pairing(
        ctx.connection, member_id=member.id, no_pairing=word == "off", now=ctx.now
    )
    text = (
        "Done — check-ins won't pair you with anyone, and introductions not yet sent leave you "
        "out. Your answers still count in the totals."
        if word == "off"
        else "Done — after a check-in your leader may suggest a colleague for you to talk with."
    )
    return Reply((Text(text), Buttons((pairing_button(word == "off"),))), tone=Tone.SUCCESS)


def pairing_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    if not arguments.strip():
        member = ctx.require_member()
        no_pairing = member.id in checkin_pairings.no_pairing(
            ctx.connection, member_ids=[member.id]
        )
        return Reply((Text(_pairing_status(no_pairing)), Buttons((pairing_button(no_pairing),))))
    return _set_pairing(ctx, arguments)


def press_pairing(press: ButtonPress, ctx: Context) -> Reply:
    return _set_pairing(ctx, press.value)
