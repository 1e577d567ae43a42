"""Digest commands: `digest [week] [group]` on demand, and the facilitator's weekly schedule."""

from __future__ import annotations

from bot.digests.build import build_digest
from bot.digests.chart import engagement_chart
from bot.digests.chat import digest_reply
from bot.digests.weekly import KIND, schedule_next
from bot.digests.weeks import Week, last_full_week, week_named
from bot.groups.lookup import find_group
from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import is_leader, require_facilitator
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Reply, Tone
from bot.parsing.arguments import split_words
from bot.parsing.times import WEEKDAYS, parse_time_of_day, parse_weekday, show_time
from storage import digests, groups, timers


def _split_week(arguments: str, ctx: Context) -> tuple[Week, str]:
    """The week the first words name ("last week", "2026-W47", "16 Nov 2026"), and the group
    name after it; without a week first ("6th Form Maths"), last week and all of it."""
    words = split_words(arguments)
    today = ctx.now.astimezone(ctx.zone).date()
    for size in (3, 2, 1):
        week = week_named(" ".join(words[:size]), today) if len(words) >= size else None
        if week is not None:
            return week, " ".join(words[size:])
    return last_full_week(today), " ".join(words)


def digest(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    member = ctx.require_member()
    week = _split_week(arguments, ctx)
    chosen, group_name = week
    if chosen.first > ctx.now.astimezone(ctx.zone).date():
        raise Refusal(f"{chosen.label} hasn't started yet. Try `/staffroom digest last`.")
    sources = ctx.registry.digest_sources
    if group_name:
        group = find_group(
            ctx, group_name, allow_archived=True, usage="digest last A-level Chemistry"
        )
        if not (member.is_facilitator or is_leader(ctx, group)):
            raise Refusal(f"Only leaders of **{group.name}** and facilitators can see its digest.")
        result = build_digest(
            ctx.connection,
            network,
            chosen,
            sources=sources,
            group_ids=[group.id],
            with_quieter_members=True,
            now=ctx.now,
        )
        return digest_reply(result, chart=engagement_chart(result), leader_view=True)
    if member.is_facilitator:
        result = build_digest(ctx.connection, network, chosen, sources=sources, now=ctx.now)
        return digest_reply(result, chart=engagement_chart(result), leader_view=False)
    led = [
        group.id
        for group, role in groups.groups_of_member(ctx.connection, member_id=member.id)
        if role == groups.LEADER
    ]
    if not led:
        raise Refusal(
            "Digests are for group leaders and facilitators. `/staffroom groups` shows how busy each "
            "group is, and `/staffroom home` what's coming up for you."
        )
    result = build_digest(
        ctx.connection,
        network,
        chosen,
        sources=sources,
        group_ids=led,
        with_quieter_members=True,
        now=ctx.now,
    )
    return digest_reply(result, chart=engagement_chart(result), leader_view=True)


def digest_schedule(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    current = digests.digest_schedule(ctx.connection, network_id=network.id)
    words = split_words(arguments)
    if not words:
        state = (
            f"every {WEEKDAYS[current.weekday].title()} at {current.time_of_day}"
            if current.enabled
            else "off"
        )
        return Reply.say(
            f"The weekly digest goes out {state} ({network.timezone}). Change it with "
            "`/staffroom digest schedule Monday 07:30`, or `/staffroom digest off`."
        )
    require_facilitator(ctx, doing="change when the digest goes out")
    if len(words) != 2:
        raise Refusal(
            "Give a day and a time, for example `/staffroom digest schedule Monday 07:30`."
        )
    weekday, at = parse_weekday(words[0]), parse_time_of_day(words[1])
    return _reschedule(ctx, digests.DigestSchedule(weekday, f"{at:%H:%M}", True))


def digest_off(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="turn the weekly digest off")
    current = digests.digest_schedule(ctx.connection, network_id=network.id)
    return _reschedule(ctx, digests.DigestSchedule(current.weekday, current.time_of_day, False))


def digest_on(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    require_facilitator(ctx, doing="turn the weekly digest on")
    current = digests.digest_schedule(ctx.connection, network_id=network.id)
    return _reschedule(ctx, digests.DigestSchedule(current.weekday, current.time_of_day, True))


def _reschedule(ctx: Context, schedule: digests.DigestSchedule) -> Reply:
    network = ctx.require_network()
    digests.set_digest_schedule(ctx.connection, network_id=network.id, schedule=schedule)
    timers.cancel_timers(ctx.connection, kind=KIND, ref=str(network.id))
    due = schedule_next(ctx, network, ctx.now)
    if due is None:
        return Reply.say(
            "The weekly digest is off. `/staffroom digest on` turns it back on.", tone=Tone.SUCCESS
        )
    return Reply.say(
        f"The weekly digest goes to facilitators and leaders every {WEEKDAYS[schedule.weekday].title()} at "
        f"{schedule.time_of_day}; the next is {show_time(due, ctx.zone)}.",
        tone=Tone.SUCCESS,
    )
