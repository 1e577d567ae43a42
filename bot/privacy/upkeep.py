"""The daily data-protection upkeep, one timer a day for the whole deployment: roll each
network's channel activity up into weekly aggregates, delete per-day detail older than the
retention period, and drop delivered copies of data exports.

It also forgets the platform delivery ids noted so that a repeated delivery is handled once
(platforms stop repeating within the hour; a day is kept).

The timer's key names its day, so however many replicas start or run it, each day's upkeep
is queued and done once; each run queues the next, and a schedule keeper queues it too, so a
run that failed for good stops only that day's upkeep.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.kernel.context import Context
from bot.privacy.foundation import EXPORT_PURPOSE
from storage import activity_weeks, deliveries, networks, timers
from storage import personal_data as store
from storage.scrub import scrub_after_commit
from storage.timers import TimerRecord

log = logging.getLogger("staffroom.privacy")

DAILY_UPKEEP = "privacy.upkeep"
UPKEEP_AT = time(2, 30)  # UTC: a quiet hour in Europe
EXPORT_COPY_LIFETIME = timedelta(days=1)
DELIVERY_MEMORY = timedelta(days=1)


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def schedule_upkeep(connection: Connection, now: datetime) -> None:
    """Queue the next daily upkeep (idempotent: called at every start and after every run)."""
    schedule_daily(connection, now, DAILY_UPKEEP)


def schedule_daily(connection: Connection, now: datetime, kind: str) -> None:
    """Queue the next run of a daily timer `kind` at the upkeep's hour, once per day."""
    due = datetime.combine(now.date(), UPKEEP_AT, tzinfo=now.tzinfo)
    if due <= now:
        due += timedelta(days=1)
    timers.add_timer(connection, key=f"{kind}:{due.date()}", kind=kind, due_at=due)


def keep_upkeep_scheduled(ctx: Context) -> None:
    """A schedule keeper: the next daily upkeep is queued even when a run failed for good
    (a run queues the next only when it succeeds), so retention never silently stops."""
    schedule_upkeep(ctx.connection, ctx.now)


def daily_upkeep(timer: TimerRecord, ctx: Context) -> None:
    months = ctx.config.activity_retention_months
    deleted = 0
    for network in networks.list_networks(ctx.connection):
        activity_weeks.roll_up_recent(ctx.connection, network_id=network.id)
        if months:
            today = ctx.now.astimezone(ZoneInfo(network.timezone)).date()
            deleted += activity_weeks.delete_detail_before(
                ctx.connection, network_id=network.id, before=months_before(today, months)
            )
    store.delete_finished_exports(
        ctx.connection, purpose=EXPORT_PURPOSE, before=ctx.now - EXPORT_COPY_LIFETIME
    )
    deliveries.forget_deliveries_before(ctx.connection, ctx.now - DELIVERY_MEMORY)
    if deleted:
        scrub_after_commit(ctx.connection, "activity_day")
    log.info("daily upkeep: %d activity detail rows past retention deleted", deleted)
    schedule_upkeep(ctx.connection, ctx.now)
