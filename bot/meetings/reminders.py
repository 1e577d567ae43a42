"""A session's timed work, as durable timers: reminders to the group's channels at each offset,
a direct message an hour before to those going, and (handled by `bot.reflections`) the
reflection prompt after it ends and the summary two days later.

Every timer key and outbox key carries the session id and its revision, so a moved session
gets fresh work and a repeat of the same work is a no-op. Reminders expire when the session
starts: one that fell due while the bot was down is sent late if the session is still to
come, and otherwise recorded as missed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.kernel.registry import TimerHandler
from bot.kernel.replies import Context as ContextLine
from bot.kernel.replies import Fields, Heading, Reply
from bot.meetings import render
from bot.parsing.durations import describe
from bot.parsing.times import wall_clock_to_utc
from storage import meeting_sessions, rsvps, timers
from storage.meeting_sessions import SessionRecord
from storage.meetings import SCHEDULED, MeetingRecord
from storage.timers import TimerRecord

REMINDER = "meeting.reminder"
SOON = "meeting.soon"
REFLECT = "meeting.reflect"
SUMMARY = "meeting.summary"
SESSION_TIMERS = (REMINDER, SOON, REFLECT, SUMMARY)
SOON_BEFORE = timedelta(hours=1)
REFLECT_AFTER = timedelta(minutes=15)
SUMMARY_AFTER = timedelta(hours=48)
_DAY_MINUTES = 24 * 60


def reminder_key(session: SessionRecord, offset: int) -> str:
    return f"reminder:{session.id}:{offset}:{session.revision}"


def announcement_key(session: SessionRecord) -> str:
    return f"announce:{session.id}:{session.revision}"


def reminder_at(starts_at: datetime, offset: int, zone: ZoneInfo) -> datetime:
    """When a reminder `offset` minutes before is due. Whole days keep the wall-clock time
    ("a day before" a 16:00 meeting is 16:00 the day before, even across a clock change)."""
    if offset % _DAY_MINUTES:
        return starts_at - timedelta(minutes=offset)
    local = starts_at.astimezone(zone)
    day = local.date() - timedelta(days=offset // _DAY_MINUTES)
    return wall_clock_to_utc(day, local.time(), zone)


def reminder_heading(meeting: MeetingRecord, offset: int) -> str:
    if offset == _DAY_MINUTES:
        return f"Tomorrow: {meeting.title}"
    return f"Coming up in {describe(timedelta(minutes=offset))}: {meeting.title}"


def posts(meeting: MeetingRecord, session: SessionRecord) -> list[tuple[str, str]]:
    """(outbox key, heading) of every group post about the session that shows live counts."""
    found = [(announcement_key(session), f"New meeting: {meeting.title}")]
    found += [(reminder_key(session, m), reminder_heading(meeting, m)) for m in meeting.reminders]
    return found


def schedule_session(ctx: Context, meeting: MeetingRecord, session: SessionRecord) -> None:
    """Add the session's timers (those not already in the past)."""
    if session.status != SCHEDULED:
        return
    zone = ZoneInfo(meeting.timezone)
    ref = str(session.id)
    work = [
        (reminder_key(session, m), REMINDER, reminder_at(session.starts_at, m, zone))
        for m in meeting.reminders
    ]
    work += [
        (f"soon:{session.id}:{session.revision}", SOON, session.starts_at - SOON_BEFORE),
        (f"reflect:{session.id}:{session.revision}", REFLECT, session.ends_at + REFLECT_AFTER),
        (f"summary:{session.id}:{session.revision}", SUMMARY, session.ends_at + SUMMARY_AFTER),
    ]
    for key, kind, due in work:
        if due > ctx.now:
            timers.add_timer(
                ctx.connection,
                key=key,
                kind=kind,
                due_at=due,
                network_id=meeting.network_id,
                ref=ref,
            )


def unschedule_session(ctx: Context, session: SessionRecord) -> None:
    for kind in SESSION_TIMERS:
        timers.cancel_timers(ctx.connection, kind=kind, ref=str(session.id))


def _session_for_timer(
    ctx: Context, timer: TimerRecord
) -> tuple[MeetingRecord, SessionRecord] | None:
    """The timer's session, if it is still going ahead as it was when the timer was set."""
    revision = int(timer.key.rsplit(":", 1)[1])
    found = meeting_sessions.get_session(ctx.connection, session_id=int(timer.ref))
    if found is None:
        return None
    meeting, session = found
    if meeting.cancelled or session.status != SCHEDULED or session.revision != revision:
        return None
    return meeting, session


SessionWork = Callable[[Context, TimerRecord, MeetingRecord, SessionRecord], None]


def for_session(work: SessionWork) -> TimerHandler:
    """A timer handler that does `work` only while the timer's session goes ahead as planned."""

    def handle(timer: TimerRecord, ctx: Context) -> None:
        found = _session_for_timer(ctx, timer)
        if found is not None:
            work(ctx, timer, *found)

    return handle


@for_session
def send_reminder(
    ctx: Context, timer: TimerRecord, meeting: MeetingRecord, session: SessionRecord
) -> None:
    network = ctx.require_network()
    offset = int(timer.key.split(":")[2])
    reply = render.session_card(
        meeting,
        session,
        heading=reminder_heading(meeting, offset),
        zone=ZoneInfo(network.timezone),
        tally=rsvps.tally(ctx.connection, session_id=session.id),
        k=network.k_threshold,
    )
    ctx.outbox.to_group(
        meeting.group_id,
        key=timer.key,
        reply=reply,
        purpose=REMINDER,
        expires_at=session.starts_at,
    )


@for_session
def send_soon(
    ctx: Context, timer: TimerRecord, meeting: MeetingRecord, session: SessionRecord
) -> None:
    """An hour before: a direct message to each person who said they're going."""
    network = ctx.require_network()
    for person in rsvps.recipients(ctx.connection, session_ids=[session.id], answers=[rsvps.GOING]):
        zone = ZoneInfo(person.timezone or network.timezone)
        reply = Reply(
            (
                Heading(f"{meeting.title} starts in an hour"),
                Fields((("When", render.when(session, zone)), ("Where", render.where(meeting)))),
                ContextLine("Plans changed? Tell the group:"),
                render.rsvp_buttons(session),
            )
        )
        ctx.outbox.to_member(
            person.member_id,
            key=f"{timer.key}:{person.member_id}",
            reply=reply,
            purpose=SOON,
            expires_at=session.starts_at,
        )
