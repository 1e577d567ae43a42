"""The weekly delivery: at the network's digest time (default Monday 07:30, network time) each
facilitator gets the network digest and each leader a digest of their own groups, by direct
message. Holidays are skipped. The next delivery is scheduled as each one runs, and a keeper
makes sure every network — including new ones — has one scheduled."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.digests.build import build_digest
from bot.digests.chart import engagement_chart
from bot.digests.chat import digest_reply
from bot.digests.weeks import last_full_week
from bot.times import next_weekly, parse_time_of_day
from storage import calendar, digests, directory, groups, timers
from storage.directory import NetworkRecord
from storage.timers import TimerRecord

log = logging.getLogger("staffroom.digests")
KIND = "digest.weekly"
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
    network = ctx.require_network()
    if not timers.pending_timers(ctx.connection, kind=KIND, ref=str(network.id)):
        schedule_next(ctx, network, ctx.now)


def deliver_weekly(timer: TimerRecord, ctx: Context) -> None:
    network = ctx.require_network()
    zone = ZoneInfo(network.timezone)
    today = timer.due_at.astimezone(zone).date()
    schedule_next(ctx, network, timer.due_at)
    holiday = calendar.holiday_on(ctx.connection, network_id=network.id, day=today)
    if holiday is not None:
        log.info("weekly digest skipped for network %s: %s", network.id, holiday)
        return
    expires_at = timer.due_at + STILL_USEFUL_FOR
    if ctx.now > expires_at:
        log.info("weekly digest for network %s missed: the bot was away until too late", network.id)
        return
    week = last_full_week(today)
    sources = ctx.registry.digest_sources
    whole = build_digest(ctx.connection, network, week, sources=sources)
    chart = engagement_chart(whole)
    for facilitator in directory.facilitators(ctx.connection, network_id=network.id):
        ctx.outbox.to_member(
            facilitator.id,
            key=f"digest:{network.id}:{week.label}:facilitator:{facilitator.id}",
            reply=digest_reply(whole, chart=chart, leader_view=False),
            purpose="digest",
            expires_at=expires_at,
        )
    for leader_id, group_ids in groups.leaders_by_member(
        ctx.connection, network_id=network.id
    ).items():
        mine = build_digest(
            ctx.connection,
            network,
            week,
            sources=sources,
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
