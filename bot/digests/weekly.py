"""The weekly delivery: at the network's digest time (default Monday 07:30, network time) each
facilitator gets the network digest and each leader a digest of their own groups, by direct
message. Holidays are skipped.

The network's weekly timer only plans the week: it schedules the next week's and adds one
sending timer for the facilitators and one per leader, so that each digest is built and queued
in a transaction of its own (a trust's forty leaders are forty short transactions, not one long
one). A keeper makes sure every network — including new ones — has its next delivery
scheduled, at the right instant: after a change of the network's time zone it plans again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.digests.build import build_digest
from bot.digests.chart import engagement_chart
from bot.digests.chat import digest_reply
from bot.digests.weeks import Week, last_full_week
from bot.kernel.context import Context
from bot.parsing.times import next_weekly, parse_time_of_day
from storage import calendar, digests, directory, groups, timers
from storage.networks import NetworkRecord
from storage.timers import TimerRecord

log = logging.getLogger("staffroom.digests")
KIND = "digest.weekly"
SEND_KIND = "digest.send"  # one digest for one audience: the facilitators, or one leader
FACILITATORS = "facilitators"
LEADER = "leader:"
# A digest that could not go out (the bot was down) is still worth sending for a few days.
STILL_USEFUL_FOR = timedelta(days=3)


def next_delivery(ctx: Context, network: NetworkRecord, after: datetime) -> datetime | None:
    schedule = digests.digest_schedule(ctx.connection, network_id=network.id)
    if not schedule.enabled:
        return None
    return next_weekly(
        after, schedule.weekday, parse_time_of_day(schedule.time_of_day), ZoneInfo(network.timezone)
    )


def schedule_next(ctx: Context, network: NetworkRecord, after: datetime) -> datetime | None:
    """Make sure the next delivery after `after` is scheduled (idempotent)."""
    due = next_delivery(ctx, network, after)
    if due is not None:
        timers.add_timer(
            ctx.connection,
            key=f"{KIND}:{network.id}:{due.astimezone(UTC):%Y%m%dT%H%M}",
            kind=KIND,
            due_at=due,
            network_id=network.id,
            ref=str(network.id),
        )
    return due


def keep_digest_scheduled(ctx: Context) -> None:
    """Schedule the network's next delivery, or plan it again when the one scheduled is no
    longer at the right instant (the network's time zone changed, say).

    A delivery that is due now, or being retried after a failure, is left alone: when it runs
    it schedules the next one itself, from the settings of that moment.
    """
    network = ctx.require_network()
    pending = timers.pending_timers(ctx.connection, kind=KIND, ref=str(network.id))
    if any(timer.due_at <= ctx.now or timer.attempts for timer in pending):
        return
    due = next_delivery(ctx, network, ctx.now)
    if [timer.due_at for timer in pending] == ([due] if due else []):
        return
    if pending:
        timers.cancel_timers(ctx.connection, kind=KIND, ref=str(network.id))
        log.info("weekly digest of network %s planned again for %s", network.id, due)
    schedule_next(ctx, network, ctx.now)


def deliver_weekly(timer: TimerRecord, ctx: Context) -> None:
    """Plan this week's digests: one sending timer for the facilitators, one per leader."""
    network = ctx.require_network()
    today = timer.due_at.astimezone(ZoneInfo(network.timezone)).date()
    schedule_next(ctx, network, timer.due_at)
    holiday = calendar.holiday_on(ctx.connection, network_id=network.id, day=today)
    if holiday is not None:
        log.info("weekly digest skipped for network %s: %s", network.id, holiday)
        return
    if ctx.now > timer.due_at + STILL_USEFUL_FOR:
        log.info("weekly digest for network %s missed: the bot was away until too late", network.id)
        return
    week = last_full_week(today)
    leaders = groups.leaders_by_member(ctx.connection, network_id=network.id)
    for audience in [FACILITATORS, *(f"{LEADER}{leader_id}" for leader_id in leaders)]:
        timers.add_timer(
            ctx.connection,
            key=f"{SEND_KIND}:{network.id}:{week.label}:{audience}",
            kind=SEND_KIND,
            due_at=timer.due_at,  # already due: sent in this pass, and expiring with the week
            network_id=network.id,
            ref=audience,
        )


def send_weekly(timer: TimerRecord, ctx: Context) -> None:
    """Build one audience's digest of the week the weekly timer planned, and queue it."""
    network = ctx.require_network()
    expires_at = timer.due_at + STILL_USEFUL_FOR
    if ctx.now > expires_at:
        return
    week = last_full_week(timer.due_at.astimezone(ZoneInfo(network.timezone)).date())
    if timer.ref == FACILITATORS:
        _to_facilitators(ctx, network, week, expires_at)
    elif timer.ref.startswith(LEADER):
        _to_leader(ctx, network, week, int(timer.ref.removeprefix(LEADER)), expires_at)


def _to_facilitators(
    ctx: Context, network: NetworkRecord, week: Week, expires_at: datetime
) -> None:
    whole = build_digest(ctx.connection, network, week, sources=ctx.registry.digest_sources)
    reply = digest_reply(whole, chart=engagement_chart(whole), leader_view=False)
    for facilitator in directory.facilitators(ctx.connection, network_id=network.id):
        ctx.outbox.to_member(
            facilitator.id,
            key=f"digest:{network.id}:{week.label}:facilitator:{facilitator.id}",
            reply=reply,
            purpose="digest",
            expires_at=expires_at,
        )


def _to_leader(
    ctx: Context, network: NetworkRecord, week: Week, leader_id: int, expires_at: datetime
) -> None:
    group_ids = groups.leaders_by_member(ctx.connection, network_id=network.id).get(leader_id)
    if not group_ids:  # stood down (or was erased) since the week was planned
        return
    mine = build_digest(
        ctx.connection,
        network,
        week,
        sources=ctx.registry.digest_sources,
        group_ids=group_ids,
        with_quieter_members=True,
    )
    ctx.outbox.to_member(
        leader_id,
        key=f"digest:{network.id}:{week.label}:leader:{leader_id}",
        reply=digest_reply(mine, chart=engagement_chart(mine), leader_view=True),
        purpose="digest",
        expires_at=expires_at,
    )
