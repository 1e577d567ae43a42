"""Closing a round — by its leader, by its timer, or when the next weekly round opens — and
regrouping: the leaders privately get the distribution, the change since the previous round,
who asked for help by name, and suggested pairings with a "Send introductions" button; the
group sees only the totals. Introductions go to each suggested group by direct message and say
nothing about anyone's colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.checkins import pairing, render
from bot.checkins.on_the_minute import tell_leaders
from bot.checkins.parsing import RED
from bot.checkins.render import EMOJI, quoted
from bot.checkins.rounds import (
    CLOSE_TIMER,
    REMIND_TIMER,
    leaders_or_facilitators,
    round_and_group,
    update_round_post,
    zone_of,
)
from bot.groups.lookup import find_group
from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command
from bot.kernel.permissions import require_leader
from bot.kernel.refusals import Refusal
from bot.kernel.replies import (
    Block,
    Button,
    Buttons,
    ButtonStyle,
    Fields,
    Heading,
    Reply,
    Text,
    Tone,
)
from bot.kernel.replies import Context as ContextLine
from bot.parsing.times import show_date, show_time
from bot.privacy.suppression import Suppressed
from storage import checkin_answers, checkin_pairings, checkins, groups, scrub, timers
from storage.checkin_answers import NamedAnswer
from storage.checkins import RoundRecord
from storage.directory import MemberRecord
from storage.groups import GroupRecord
from storage.timers import TimerRecord

INTRODUCE_ACTION = "checkin.introduce"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a closed round came to, for its leaders' summary."""

    round: RoundRecord
    counts: Suppressed[str]
    previous: RoundRecord | None
    previous_counts: Suppressed[str] | None
    named: list[NamedAnswer]
    anonymous_reds: int
    regrouping: pairing.Regrouping


def close_round(
    ctx: Context, round: RoundRecord, group: GroupRecord, *, closed_by: MemberRecord | None
) -> bool:
    """Close the round, store the suggested groups and tell everyone; False if already closed.

    The round is locked first, so an answer being given right now either commits before the
    close (and, if anonymous, is detached by it) or sees the round closed.
    """
    locked = checkins.lock_round(ctx.connection, round_id=round.id)
    if locked is None:
        return False
    if locked.is_open:  # before anonymous answers are detached: a notice may need correcting
        tell_leaders(ctx, locked, group, closing=True)
    if not checkins.close_round(ctx.connection, round_id=round.id, now=ctx.now):
        return False
    scrub.scrub_after_commit(ctx.connection, "checkin_answer")  # anonymous answers detached
    for kind in (CLOSE_TIMER, REMIND_TIMER):
        timers.cancel_timers(ctx.connection, kind=kind, ref=str(round.id))
    outcome = _outcome(ctx, round.id)
    checkin_pairings.save_pairings(
        ctx.connection, round_id=round.id, groups=[g.members for g in outcome.regrouping.groups]
    )
    update_round_post(ctx, outcome.round, group)
    ctx.outbox.to_group(
        group.id,
        key=f"checkin-closed:{round.id}",
        reply=render.closed_for_group(outcome.round, group.name, outcome.counts),
        purpose="checkin.closed",
    )
    recipients = {m.id: m for m in leaders_or_facilitators(ctx, group)}
    if closed_by is not None:
        recipients.setdefault(closed_by.id, closed_by)
    for recipient in recipients.values():
        ctx.outbox.to_member(
            recipient.id,
            key=f"checkin-summary:{round.id}:{recipient.id}",
            reply=_leader_summary(outcome, group, zone_of(ctx, recipient)),
            purpose="checkin.summary",
        )
    return True


def _outcome(ctx: Context, round_id: int) -> Outcome:
    closed = checkins.get_round(ctx.connection, round_id=round_id)
    assert closed is not None
    k = ctx.require_network().k_threshold
    previous = checkins.previous_closed_round(ctx.connection, round=closed)
    named = checkin_answers.named_answers(ctx.connection, round_id=round_id)
    return Outcome(
        round=closed,
        counts=render.suppressed(checkin_answers.counts(ctx.connection, round_id=round_id), k),
        previous=previous,
        previous_counts=(
            render.suppressed(checkin_answers.counts(ctx.connection, round_id=previous.id), k)
            if previous
            else None
        ),
        named=named,
        anonymous_reds=checkin_answers.anonymous_counts(ctx.connection, round_id=round_id).get(
            RED, 0
        ),
        regrouping=_regroup(ctx, previous, named),
    )


def _regroup(
    ctx: Context, previous: RoundRecord | None, named: list[NamedAnswer]
) -> pairing.Regrouping:
    previous_pairs: set[pairing.Pair] = set()
    if previous is not None:
        for members in checkin_pairings.pairings_of_round(ctx.connection, round_id=previous.id):
            previous_pairs |= pairing.pairs_of(member_id for member_id, _, _ in members)
    opted_out = checkin_pairings.no_pairing(ctx.connection, member_ids=[a.member_id for a in named])
    return pairing.suggest_groups(
        [pairing.Participant(a.member_id, a.school_id, a.colour) for a in named],
        previous_pairs=frozenset(previous_pairs),
        opted_out=frozenset(opted_out),
    )


def _leader_summary(outcome: Outcome, group: GroupRecord, zone: ZoneInfo) -> Reply:
    round, counts, previous = outcome.round, outcome.counts, outcome.previous
    since = show_date(previous.opened_at.astimezone(zone).date()) if previous else ""
    blocks: list[Block] = [
        Heading(f"Check-in closed · {group.name}"),
        Text(quoted(round.prompt)),
        Fields(
            (
                ("Answers", render.counts_text(counts)),
                (
                    "Since the last round",
                    render.change_text(counts, outcome.previous_counts, since),
                ),
            )
        ),
    ]
    lines = [
        f"• **{a.display_name}**"
        + (f" ({a.school_name})" if a.school_name else "")
        + (f" — {quoted(a.note, 300)}" if a.note else "")
        for a in outcome.named
        if a.colour == RED
    ]
    anonymous = outcome.anonymous_reds
    if counts.visible and anonymous:
        lines.append(
            f"• and {anonymous} anonymous {EMOJI[RED]} answer{'s' if anonymous != 1 else ''} "
            "(names not shown)"
        )
    blocks.append(
        Text("**Asked for help**\n" + ("\n".join(lines) if lines else "Nobody, by name."))
    )
    blocks += _pairing_blocks(round, outcome.regrouping, {a.member_id: a for a in outcome.named})
    assert round.closed_at is not None
    blocks.append(
        ContextLine(
            f"Opened {show_time(round.opened_at, zone)}, closed {show_time(round.closed_at, zone)}."
            " The group sees only the totals."
        )
    )
    return Reply(tuple(blocks))


def _pairing_blocks(
    round: RoundRecord, regrouping: pairing.Regrouping, by_id: dict[int, NamedAnswer]
) -> list[Block]:
    if not regrouping.groups:
        return [Text("**Suggested pairings**\nNone this time — too few people answered by name.")]

    def who(member_id: int) -> str:
        answer = by_id[member_id]
        school = f" ({answer.school_name})" if answer.school_name else ""
        return f"{EMOJI[answer.colour]} {answer.display_name}{school}"

    lines = [
        f"{number}. " + " · ".join(who(m) for m in group.members)
        for number, group in enumerate(regrouping.groups, start=1)
    ]
    if regrouping.unpaired:
        lines.append(
            "No partner this time: " + ", ".join(by_id[m].display_name for m in regrouping.unpaired)
        )
    return [
        Text(
            "**Suggested pairings** — each red with a green, ambers in threes, across schools\n"
            + "\n".join(lines)
        ),
        Buttons(
            (Button("Send introductions", INTRODUCE_ACTION, str(round.id), ButtonStyle.PRIMARY),)
        ),
        ContextLine(
            "Introductions go privately to each group and don't mention anyone's answer. People "
            "who asked not to be paired, and anonymous answers, are left out."
        ),
    ]


def close_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    group = find_group(ctx, arguments, allow_archived=True, usage="checkin close A-level Chemistry")
    member = require_leader(ctx, group, doing="close its check-in")
    round = checkins.open_round_of_group(ctx.connection, group_id=group.id)
    if round is None:
        raise Refusal(
            f"**{group.name}** has no open check-in to close. "
            f"`/staffroom checkin history {group.name}` shows its past rounds."
        )
    close_round(ctx, round, group, closed_by=member)
    return Reply.say(
        f"Closed the **{group.name}** check-in. The group sees the totals; I've sent you the "
        "full summary and suggested pairings privately.",
        tone=Tone.SUCCESS,
    )


def close_timer(timer: TimerRecord, ctx: Context) -> None:
    round = checkins.get_round(ctx.connection, round_id=int(timer.ref))
    if round is None or not round.is_open:
        return
    group = groups.get_group(ctx.connection, group_id=round.group_id)
    if group is not None:
        close_round(ctx, round, group, closed_by=None)


def press_introduce(press: ButtonPress, ctx: Context) -> Reply:
    round, group = round_and_group(ctx, press.value)
    sender = require_leader(ctx, group, doing="send check-in introductions")
    if round.is_open:
        raise Refusal("Close the round first; the pairings are suggested when it closes.")
    if not checkins.mark_introduced(ctx.connection, round_id=round.id, now=ctx.now):
        sent = checkins.get_round(ctx.connection, round_id=round.id)
        at = show_time(sent.introduced_at, ctx.zone) if sent and sent.introduced_at else "earlier"
        return Reply.say(f"Introductions for this round were already sent ({at}).")
    suggested = checkin_pairings.pairings_of_round(ctx.connection, round_id=round.id)
    opted_out = checkin_pairings.no_pairing(
        ctx.connection, member_ids=[m for members in suggested for m, _, _ in members]
    )
    sent_groups = people = 0
    for members in suggested:
        willing = [m for m in members if m[0] not in opted_out]
        if len(willing) < 2:
            continue
        sent_groups += 1
        for member_id, _, _ in willing:
            others = [m for m in willing if m[0] != member_id]
            people += ctx.outbox.to_member(
                member_id,
                key=f"checkin-intro:{round.id}:{member_id}",
                reply=_introduction(round, group, sender, others),
                purpose="checkin.introduction",
            )
    if not sent_groups:
        return Reply.say("There was nobody to introduce this time.")
    return Reply.say(
        f"Introductions sent to {sent_groups} group{'s' if sent_groups != 1 else ''} "
        f"({people} people).",
        tone=Tone.SUCCESS,
    )


def _introduction(
    round: RoundRecord,
    group: GroupRecord,
    sender: MemberRecord,
    others: list[tuple[int, str, str | None]],
) -> Reply:
    names = [f"**{name}**" + (f" ({school})" if school else "") for _, name, school in others]
    together = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return Reply(
        (
            Heading(f"Someone to talk it through with · {group.name}"),
            Text(
                f"After the check-in {quoted(round.prompt, 160)}, {sender.display_name} suggests "
                f"you get together with {together}. Half an hour this week is plenty — a call, "
                "a few messages, or a coffee at the next meeting."
            ),
            ContextLine(
                "Nobody is told how anyone answered. Rather not get suggestions like this? "
                "`/staffroom checkin pairing off`."
            ),
        )
    )
