"""What an open round's once-a-minute timer does: edit the round message with the live counts,
and tell the group's leaders privately who asked for help by name since the last minute (or
changed their answer after asking).

An answer only marks its round (`answers_changed`); what a minute's answers change goes out
together on the minute. So neither a count nor a leader's notice can be matched to the moment
one person answered, and an answer costs the same whatever the size of its group.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.checkins import render
from bot.checkins.parsing import RED
from bot.checkins.render import colour_label
from bot.checkins.rounds import update_round_post, zone_of
from bot.kernel.context import Context
from bot.kernel.replies import Block, Heading, Reply, Text, Tone
from bot.kernel.replies import Context as ContextLine
from bot.parsing.times import show_time
from storage import checkin_answers, checkins, directory, groups, timers
from storage.checkin_answers import ToTell
from storage.checkins import RoundRecord
from storage.directory import IdentityRecord, MemberRecord
from storage.groups import GroupRecord
from storage.timers import TimerRecord

MINUTE_TIMER = "checkin.counts"
EVERY = timedelta(minutes=1)
MARK_STALE = 2 * EVERY  # a mark older than this lost its timer; set it again
PURPOSE = "checkin.red"


def answers_changed(ctx: Context, round: RoundRecord, *, marked_at: datetime | None) -> None:
    """Have the next minute show what this answer changed. The first change since the last
    minute marks the round and schedules the timer; the rest of the minute's answers find the
    mark set (`marked_at`, read with the round) and write nothing more."""
    if marked_at is not None and marked_at >= ctx.now - MARK_STALE:
        return
    if checkins.mark_counts_changed(
        ctx.connection, round_id=round.id, now=ctx.now, stale_before=ctx.now - MARK_STALE
    ):
        on_the_minute = ctx.now.replace(second=0, microsecond=0) + EVERY
        timers.add_timer(
            ctx.connection,
            key=f"checkin-counts:{round.id}:{on_the_minute:%Y%m%dT%H%M}",
            kind=MINUTE_TIMER,
            due_at=on_the_minute,
            network_id=round.network_id,
            ref=str(round.id),
        )


def minute_timer(timer: TimerRecord, ctx: Context) -> None:
    """On the minute: the counts and the leaders' notices, if answers changed and the round is
    still open (closing does both itself)."""
    round = checkins.lock_round(ctx.connection, round_id=int(timer.ref))
    if round is None or not checkins.clear_counts_changed(ctx.connection, round_id=round.id):
        return
    group = groups.get_group(ctx.connection, group_id=round.group_id)
    if round.is_open and group is not None and ctx.network is not None:
        update_round_post(ctx, round, group)
        tell_leaders(ctx, round, group)


def red_notice_key(round_id: int, member_id: int, recipient_id: int) -> str:
    """The leader's private notice that the member answered red by name."""
    return f"checkin-red:{round_id}:{member_id}:{recipient_id}"


def red_notices_about(member_id: int) -> str:
    """Every `red_notice_key` about the member (a LIKE pattern), edits included."""
    return f"checkin-red:%:{member_id}:%"


def tell_leaders(
    ctx: Context, round: RoundRecord, group: GroupRecord, *, closing: bool = False
) -> None:
    """Tell the leaders privately who asked for help by name since they were last told, and
    correct a notice whose answer changed since. Closing sends no new notices: the leaders'
    summary names everyone who asked.

    Anonymous answers are never named, and not announced one by one either: the moment a
    message arrived could point at the person who had just pressed the button.
    """
    changes = checkin_answers.to_tell(ctx.connection, round_id=round.id)
    if not changes:
        return
    recipients = leaders_or_facilitators_reachable(ctx, group)
    new: list[tuple[IdentityRecord, str, Reply]] = []
    for change in changes:
        if change.asks_by_name and closing and not change.told:
            continue
        notices: dict[ZoneInfo, Reply] = {}  # the notice differs only by the reader's time zone
        withdrawn = None if change.asks_by_name else _withdrawn(round, group, change)
        for recipient, identity in recipients:
            if recipient.id == change.member_id:
                continue
            key = red_notice_key(round.id, change.member_id, recipient.id)
            if withdrawn is not None:
                ctx.outbox.edit(key=key, reply=withdrawn, purpose=PURPOSE)
                continue
            zone = zone_of(ctx, recipient)
            notice = notices.get(zone)
            if notice is None:
                notice = notices[zone] = _red_notice(round, group, change, zone)
            if change.told or identity is None:
                ctx.outbox.edit(key=key, reply=notice, purpose=PURPOSE)
            else:
                new.append((identity, key, notice))
    queued = ctx.outbox.to_members(new, purpose=PURPOSE)
    for _, key, notice in new:
        if key not in queued:  # told before, then withdrawn: the same message says it again
            ctx.outbox.edit(key=key, reply=notice, purpose=PURPOSE)
    checkin_answers.mark_told(ctx.connection, round_id=round.id, told=changes)


def _withdrawn(round: RoundRecord, group: GroupRecord, change: ToTell) -> Reply:
    return Reply.say(
        f"{change.display_name} asked for help in the **{group.name}** check-in "
        f"{render.quoted(round.prompt, 80)}, then changed their answer. The summary at "
        "close shows where everyone stands."
    )


def _red_notice(round: RoundRecord, group: GroupRecord, change: ToTell, zone: ZoneInfo) -> Reply:
    school = f" ({change.school_name})" if change.school_name else ""
    blocks: list[Block] = [
        Heading(f"🔴 Someone needs help · {group.name}"),
        Text(
            f"**{change.display_name}**{school} answered {colour_label(RED)} to "
            f"{render.quoted(round.prompt, 120)}."
        ),
    ]
    if change.note:
        blocks.append(Text(f"Their note: {render.quoted(change.note, 500)}"))
    blocks.append(
        ContextLine(
            f"At {show_time(change.changed_at, zone)}. You could message them now; when "
            "the round closes you'll also get suggested pairings."
        )
    )
    return Reply(tuple(blocks), tone=Tone.RED)


def leaders_or_facilitators_reachable(
    ctx: Context, group: GroupRecord
) -> list[tuple[MemberRecord, IdentityRecord | None]]:
    """Who gets the group's leader prompts (`rounds.leaders_or_facilitators`), each with the
    identity a direct message reaches them on: one query for a group with leaders."""
    leaders = checkins.leaders_reachable(ctx.connection, group_id=group.id)
    if leaders:
        return leaders
    return [
        (member, next(iter(directory.identities_of(ctx.connection, member_id=member.id)), None))
        for member in directory.facilitators(ctx.connection, network_id=group.network_id)
    ]
