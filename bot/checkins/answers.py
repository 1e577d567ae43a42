"""Answering a round: the three buttons, the note form, `checkin green|amber|red [note]` from
the keyboard, and what follows an answer — live counts edited into the round message, and a
private word to the leaders when someone asks for help by name.

The latest answer counts; pressing the same button twice changes nothing. An anonymous answer
is counted but never named to anyone, and never paired.
"""

from __future__ import annotations

from datetime import timedelta

from bot.checkins import cadence, open_rounds, parsing, render
from bot.checkins.on_the_minute import answers_changed
from bot.checkins.render import colour_label
from bot.checkins.rounds import ROUND_GONE, round_and_group
from bot.groups.lookup import channel_here, group_here
from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command, FormSubmit
from bot.kernel.permissions import require_membership
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Block, Buttons, Reply, Text
from bot.kernel.replies import Context as ContextLine
from bot.parsing.numbers import id_in
from bot.parsing.suggest import closest
from bot.parsing.times import show_time
from storage import checkin_answers, checkins
from storage.checkin_answers import Answering
from storage.checkins import AnswerRecord, RoundRecord
from storage.groups import GroupRecord


def record_answer(
    ctx: Context,
    found: Answering | None,
    colour: str,
    *,
    note: str | None = None,
    keep_note: bool = True,
    anonymous: bool | None = None,
) -> Reply:
    """Save the member's answer (a note of None keeps the earlier one when `keep_note`).

    `found` was read with the round locked (`checkin_answers.answering`), with the member's
    role and earlier answer: a close that committed meanwhile is seen, and answers pressed
    together are counted one after the other. Neither the round message nor the leaders hear
    of it here: an answer that changes the counts, or asks for help by name (or did), marks the
    round, and the round's timer tells them on the minute (`on_the_minute`).
    """
    member = ctx.require_member()
    found = _open_to_answer(ctx, found)
    round, group = found.round, found.group
    before = found.answer
    if note is None and keep_note and before is not None:
        note = before.note
    if anonymous is None:
        anonymous = before.anonymous if before is not None else False
    after = AnswerRecord(colour, note, anonymous, ctx.now)
    unchanged = before is not None and (before.colour, before.note, before.anonymous) == (
        after.colour,
        after.note,
        after.anonymous,
    )
    if unchanged:
        return Reply.say(
            f"You've already answered {colour_label(colour)} — nothing changed. You can change "
            "it until the round closes.",
            tone=render.TONE[colour],
        )
    checkin_answers.save_answer(
        ctx.connection,
        round_id=round.id,
        member_id=member.id,
        colour=colour,
        note=note,
        anonymous=anonymous,
        now=ctx.now,
        replacing=before is not None,
    )
    if before is None or before.colour != colour or _named_red(before) or _named_red(after):
        answers_changed(ctx, round, marked_at=found.counts_marked_at)
    return _confirmation(round, group, after, changed=before is not None)


def _open_to_answer(ctx: Context, found: Answering | None) -> Answering:
    """The round found, if it is the network's, open, and the member's group's."""
    if found is None or found.round.network_id != ctx.require_network().id:
        raise Refusal(ROUND_GONE)
    if not found.round.is_open:
        raise Refusal(closed_message(ctx, found.round, found.group))
    if found.role is None:
        require_membership(ctx, found.group, doing="answer its check-ins")
    return found


def _answering(ctx: Context, round_id: int) -> Answering | None:
    member = ctx.require_member()
    return checkin_answers.answering(ctx.connection, round_id=round_id, member_id=member.id)


def _confirmation(
    round: RoundRecord, group: GroupRecord, answer: AnswerRecord, *, changed: bool
) -> Reply:
    verb = "changed your answer to" if changed else "answered"
    if answer.anonymous:
        detail = (
            "Anonymously: your leader sees only the count, not your name or note, and you won't "
            "be paired this round. Once the round closes the answer is no longer linked to you."
        )
    elif answer.colour == parsing.RED:
        detail = (
            "Your group's leader will be told privately within a minute, with your note, so "
            "they can help."
            if answer.note
            else "Your group's leader will be told privately within a minute. Add a note to say "
            "what would help."
        )
    else:
        detail = "Only the totals are shared with the group."
    blocks: list[Block] = [
        Text(f"Thanks — you {verb} {colour_label(answer.colour)} in **{group.name}**. {detail}")
    ]
    if answer.note:
        blocks.append(ContextLine(f"Your note: {render.quoted(answer.note, 200)}"))
    blocks.append(ContextLine("You can change your answer until the round closes."))
    blocks.append(Buttons((render.note_button(round.id),)))
    return Reply(tuple(blocks), tone=render.TONE[answer.colour])


RECENTLY_CLOSED = timedelta(days=1)


def _named_red(answer: AnswerRecord | None) -> bool:
    return answer is not None and answer.colour == parsing.RED and not answer.anonymous


def closed_message(ctx: Context, round: RoundRecord, group: GroupRecord) -> str:
    """ "This check-in closed …; the next one opens …" for late answers."""
    closed = show_time(round.closed_at, ctx.zone) if round.closed_at else "earlier"
    upcoming = cadence.next_opening(ctx, group)
    then = (
        f"The next one opens {show_time(upcoming, ctx.zone)}."
        if upcoming
        else "No next check-in is scheduled yet; your group's leader opens them."
    )
    return f"This **{group.name}** check-in closed {closed}, so answers are no longer taken. {then}"


# --- the ways to answer -------------------------------------------------------------------


def press_answer(press: ButtonPress, ctx: Context) -> Reply:
    round_id, _, colour_word = press.value.partition(":")
    colour = parsing.parse_colour(colour_word)
    if colour is None:
        raise Refusal("That button no longer does anything — it may be from an old message.")
    return record_answer(ctx, _answering(ctx, id_in(round_id)), colour)


def press_note(press: ButtonPress, ctx: Context) -> Reply:
    round, group = round_and_group(ctx, press.value)
    if not round.is_open:
        raise Refusal(closed_message(ctx, round, group))
    member = require_membership(ctx, group, doing="answer its check-ins")
    answer = checkin_answers.get_answer(ctx.connection, round_id=round.id, member_id=member.id)
    return Reply.open_form(render.note_form(round.id, answer))


def submit_note(submit: FormSubmit, ctx: Context) -> Reply:
    found = _open_to_answer(ctx, _answering(ctx, id_in(submit.context.split(":", 1)[0])))
    colour = parsing.parse_colour(submit.values.get("colour", ""))
    if colour is None:
        return Reply.errors({"colour": "Choose how you feel: green, amber or red."})
    try:
        note = parsing.clean_note(submit.values.get("note", ""))
    except Refusal as refusal:
        return Reply.errors({"note": refusal.message})
    anonymous = submit.values.get("anonymous", "") == "yes"
    return record_answer(ctx, found, colour, note=note, keep_note=False, anonymous=anonymous)


def answer_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    """`checkin` alone lists my open rounds; `checkin red [anonymously] [note]` answers."""
    if not arguments.strip():
        return open_rounds.my_open_rounds(ctx)
    _refuse_misspelt_subcommand(ctx, arguments.split()[0])
    colour, anonymous, note = parsing.parse_answer_words(arguments)
    found = _answering_here(ctx)
    if found is not None:
        return record_answer(ctx, found, colour, note=note, anonymous=anonymous or None)
    here = group_here(ctx)
    if here is not None:
        raise Refusal(_nothing_open_message(ctx, here))
    member = ctx.require_member()
    mine = checkins.open_rounds_of_member(ctx.connection, member_id=member.id)
    if len(mine) == 1:
        found = _answering(ctx, mine[0].round.id)
        return record_answer(ctx, found, colour, note=note, anonymous=anonymous or None)
    if not mine:
        raise Refusal("None of your groups has an open check-in right now.")
    reply = open_rounds.my_open_rounds(ctx)
    return Reply(
        (
            Text(
                "Several of your groups have a check-in open — answer in the group's channel, "
                "or with the buttons here."
            ),
            *reply.blocks,
        )
    )


def _answering_here(ctx: Context) -> Answering | None:
    """The open round of the group whose channel the command was typed in, locked, in one
    statement (None: no group here, or no open round)."""
    member, here = ctx.require_member(), channel_here(ctx)
    if here is None:
        return None
    place, channel = here
    return checkin_answers.answering_in_channel(
        ctx.connection,
        platform=place.platform,
        workspace=place.workspace,
        channel_id=channel,
        member_id=member.id,
    )


def _refuse_misspelt_subcommand(ctx: Context, word: str) -> None:
    """`checkin opne …` reaches this command; point at `checkin open` rather than colours."""
    if parsing.parse_colour(word) is not None:
        return
    subcommands = [
        spec.words[1]
        for spec in ctx.registry
        if spec.words[:1] == ("checkin",) and len(spec.words) == 2
    ]
    found = closest(word.lower(), subcommands)
    if found:
        raise Refusal(
            f"I don't know `checkin {word[:20]}`. Did you mean "
            + " or ".join(f"`/staffroom checkin {name}`" for name in found)
            + "? To answer a check-in, type `/staffroom checkin green`, `amber` or `red`."
        )


def _nothing_open_message(ctx: Context, group: GroupRecord) -> str:
    """Why an answer typed in the group's channel found no open round: the round that closed
    in the last day (perhaps just as the answer was sent), or that none is open."""
    last = checkins.closed_rounds_of_group(ctx.connection, group_id=group.id, limit=1)
    if last and last[0].closed_at and last[0].closed_at > ctx.now - RECENTLY_CLOSED:
        return closed_message(ctx, last[0], group)
    upcoming = cadence.next_opening(ctx, group)
    then = f"The next one opens {show_time(upcoming, ctx.zone)}." if upcoming else ""
    return f"**{group.name}** has no open check-in right now. {then}"
