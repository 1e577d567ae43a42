"""Opening check-in rounds (by a leader, or by a weekly cadence), reminding the whole group,
and the shared pieces every check-in module uses: finding a round, the group a command is
about, and who gets a leader's prompts (the leaders, or the facilitators when there are none).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.checkins import parsing, render
from bot.groups.lookup import find_group, group_here
from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import require_leader
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Reply, Tone
from bot.parsing.durations import describe
from bot.parsing.names import name_key
from bot.parsing.numbers import id_in
from bot.parsing.suggest import did_you_mean
from bot.parsing.times import show_time
from storage import checkin_answers, checkins, directory, groups, timers
from storage.checkins import RoundRecord
from storage.directory import MemberRecord
from storage.groups import GroupRecord
from storage.timers import TimerRecord

CLOSE_TIMER = "checkin.close"
REMIND_TIMER = "checkin.remind"
LONGEST_ROUND = timedelta(days=14)
SHORTEST_ROUND = timedelta(minutes=5)
REMIND_FROM = timedelta(hours=2)  # rounds at least this long get a reminder half-way
REMIND_AGAIN_AFTER = timedelta(hours=1)  # the least time between two reminders of a round


def post_key(round_id: int) -> str:
    """The outbox key of a round's message (each channel's copy adds its own suffix)."""
    return f"checkin-round:{round_id}"


def network_zone(ctx: Context) -> ZoneInfo:
    return ZoneInfo(ctx.require_network().timezone)


def zone_of(ctx: Context, member: MemberRecord) -> ZoneInfo:
    return ZoneInfo(member.timezone) if member.timezone else network_zone(ctx)


ROUND_GONE = "That check-in no longer exists. `/staffroom checkin` shows the ones open to you now."


def round_and_group(ctx: Context, value: str) -> tuple[RoundRecord, GroupRecord]:
    """The round a button's value names (`<round id>` or `<round id>:<anything>`)."""
    network = ctx.require_network()
    round = checkins.get_round(ctx.connection, round_id=id_in(value.split(":", 1)[0]))
    group = groups.get_group(ctx.connection, group_id=round.group_id) if round else None
    if round is None or group is None or round.network_id != network.id:
        raise Refusal(ROUND_GONE)
    return round, group


def leaders_or_facilitators(ctx: Context, group: GroupRecord) -> list[MemberRecord]:
    """Who gets the group's leader prompts: its leaders, or the facilitators when it has none."""
    leaders = checkins.leaders_of_group(ctx.connection, group_id=group.id)
    return leaders or directory.facilitators(ctx.connection, network_id=group.network_id)


def group_and_rest(ctx: Context, text: str, *, example: str) -> tuple[GroupRecord, str]:
    """The group named before a colon ("A-level Chemistry: …"), else the channel's group."""
    network = ctx.require_network()
    head, tail = parsing.split_group_prefix(text)
    if head is not None and groups.find_group(
        ctx.connection, network_id=network.id, name_key=name_key(head)
    ):
        return find_group(ctx, head), tail
    here = group_here(ctx)
    if here is not None and not here.archived:
        return here, text.strip()
    names = [g.group.name for g in groups.list_groups(ctx.connection, network_id=network.id)]
    hint = did_you_mean(head, names) if head else ""
    if head and hint:
        raise Refusal(f"There is no group called “{head[:60]}”. {hint}")
    raise Refusal(
        "Which group? In the group's channel just type the rest; anywhere else put the group "
        f"first, followed by a colon: `/staffroom {example}`."
    )


def round_post(ctx: Context, round: RoundRecord, group: GroupRecord) -> Reply:
    """The round message as it should read now (open with live counts, or closed)."""
    counts = render.suppressed(
        checkin_answers.counts(ctx.connection, round_id=round.id), ctx.require_network().k_threshold
    )
    opener = (
        directory.get_member(ctx.connection, member_id=round.opened_by) if round.opened_by else None
    )
    return render.round_message(
        round, group.name, counts, network_zone(ctx), opener.display_name if opener else None
    )


def update_round_post(ctx: Context, round: RoundRecord, group: GroupRecord) -> None:
    """Edit the round message in place in every channel of the group, now."""
    ctx.outbox.edit_group_post(
        group.id,
        key=post_key(round.id),
        reply=round_post(ctx, round, group),
        purpose="checkin.counts",
    )


def start_round(
    ctx: Context,
    group: GroupRecord,
    *,
    prompt: str,
    opened_by: MemberRecord | None,
    open_for: timedelta | None,
    cadence_id: int | None = None,
) -> tuple[RoundRecord, int]:
    """Open a round and post it to every channel of the group; (round, channels posted to)."""
    existing = checkins.open_round_of_group(ctx.connection, group_id=group.id)
    if existing is not None:
        raise Refusal(
            f"**{group.name}** already has an open check-in ({render.quoted(existing.prompt, 80)},"
            f" opened {show_time(existing.opened_at, ctx.zone)}). One round at a time: close it "
            f"first with `/staffroom checkin close {group.name}`."
        )
    closes_at = ctx.now + open_for if open_for else None
    round = checkins.open_round(
        ctx.connection,
        network_id=group.network_id,
        group_id=group.id,
        prompt=prompt,
        opened_by=opened_by.id if opened_by else None,
        now=ctx.now,
        closes_at=closes_at,
        cadence_id=cadence_id,
    )
    channels = ctx.outbox.to_group(
        group.id,
        key=post_key(round.id),
        reply=round_post(ctx, round, group),
        purpose="checkin.round",
    )
    if closes_at is not None and open_for is not None:
        ref = str(round.id)
        timers.add_timer(
            ctx.connection,
            key=f"checkin-close:{round.id}",
            kind=CLOSE_TIMER,
            due_at=closes_at,
            network_id=group.network_id,
            ref=ref,
        )
        if open_for >= REMIND_FROM:
            timers.add_timer(
                ctx.connection,
                key=f"checkin-remind:{round.id}",
                kind=REMIND_TIMER,
                due_at=ctx.now + open_for / 2,
                network_id=group.network_id,
                ref=ref,
            )
    return round, len(channels)


def open_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    group, rest = group_and_rest(
        ctx, arguments, example="checkin open A-level Chemistry: How confident are you with moles?"
    )
    member = require_leader(ctx, group, doing="open a check-in")
    text, open_for = parsing.split_closing(rest)
    prompt = parsing.clean_prompt(text)
    if open_for is not None and not SHORTEST_ROUND <= open_for <= LONGEST_ROUND:
        raise Refusal(
            f"A check-in can be open for {describe(SHORTEST_ROUND)} to {describe(LONGEST_ROUND)}; "
            "for example `closing in 2h` or `closing in 3d`."
        )
    round, channels = start_round(ctx, group, prompt=prompt, opened_by=member, open_for=open_for)
    until = (
        f"It closes {show_time(round.closes_at, ctx.zone)}."
        if round.closes_at
        else f"Close it when you're ready with `/staffroom checkin close {group.name}`."
    )
    where = (
        f"Posted to {channels} channel{'s' if channels != 1 else ''}."
        if channels
        else "The group has no linked channel, so members answer from `/staffroom checkin` "
        "or their home view (`/staffroom group link` links one)."
    )
    return Reply.say(
        f"Opened a check-in in **{group.name}**: {render.quoted(prompt, 120)}. {where} {until}",
        "You'll get a private message when someone asks for help by name, and the totals and "
        "suggested pairings when it closes.",
        tone=Tone.SUCCESS,
    )


def remind_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    group = find_group(ctx, arguments, usage="checkin remind A-level Chemistry")
    require_leader(ctx, group, doing="send check-in reminders")
    found = checkins.open_round_of_group(ctx.connection, group_id=group.id)
    # Locked, so two leaders reminding at once send one reminder.
    round = checkins.lock_round(ctx.connection, round_id=found.id) if found else None
    if round is None or not round.is_open:
        raise Refusal(
            f"**{group.name}** has no open check-in to remind people about. Open one with "
            f"`/staffroom checkin open {group.name}: <question>`."
        )
    if _reminded_lately(ctx, round):
        assert round.reminded_at is not None
        return Reply.say(
            f"A reminder went out {show_time(round.reminded_at, ctx.zone)}; one an hour is "
            f"enough. The next can go from {show_time(round.reminded_at + REMIND_AGAIN_AFTER, ctx.zone)}."
        )
    if not _post_reminder(ctx, round, group, stamp=f"{ctx.now:%Y%m%dT%H%M%S}"):
        raise Refusal(
            f"**{group.name}** has no linked channel to post a reminder in. In the group's "
            f"channel, type `/staffroom group link {group.name}` to link it."
        )
    return Reply.say(
        f"Reminded everyone in **{group.name}** — the whole group, so nobody can tell who "
        "hasn't answered yet.",
        tone=Tone.SUCCESS,
    )


def _reminded_lately(ctx: Context, round: RoundRecord) -> bool:
    return round.reminded_at is not None and ctx.now < round.reminded_at + REMIND_AGAIN_AFTER


def _post_reminder(ctx: Context, round: RoundRecord, group: GroupRecord, *, stamp: str) -> int:
    counts = render.suppressed(
        checkin_answers.counts(ctx.connection, round_id=round.id), ctx.require_network().k_threshold
    )
    reply = render.reminder_message(round, group.name, counts, network_zone(ctx))
    channels = ctx.outbox.to_group(
        group.id,
        key=f"checkin-reminder:{round.id}:{stamp}",
        reply=reply,
        purpose="checkin.reminder",
        expires_at=round.closes_at,
    )
    checkins.mark_reminded(ctx.connection, round_id=round.id, now=ctx.now)
    return len(channels)


def remind_timer(timer: TimerRecord, ctx: Context) -> None:
    """The half-way reminder, unless a leader reminded the group within the hour."""
    round = checkins.lock_round(ctx.connection, round_id=int(timer.ref))
    if round is None or not round.is_open or ctx.network is None or _reminded_lately(ctx, round):
        return
    group = groups.get_group(ctx.connection, group_id=round.group_id)
    if group is not None:
        _post_reminder(ctx, round, group, stamp="halfway")
