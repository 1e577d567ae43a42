"""Keeping sessions in step with the term calendar: when a facilitator adds or removes a term
or holiday, sessions still to come that now fall in a holiday are skipped (and the people who
said they'd come are told), and skipped ones that no longer do are back on."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.meetings import reminders
from bot.meetings.notices import Describe, tell_people
from bot.parsing.times import show_time
from storage import calendar, meeting_sessions, meetings
from storage.meeting_sessions import SessionRecord
from storage.meetings import SCHEDULED, SKIPPED

MOST_SESSIONS = 5000


@dataclass
class CalendarEffect:
    """What a calendar change did to sessions, as lines for the facilitator."""

    skipped: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)


def _skipped_because(session: SessionRecord, holiday: str) -> Describe:
    def describe(zone: ZoneInfo) -> str:
        return (
            f"{show_time(session.starts_at, zone)} falls in {holiday}, so the session is skipped."
        )

    return describe


def apply_calendar(ctx: Context) -> CalendarEffect:
    network = ctx.require_network()
    effect = CalendarEffect()
    upcoming = meeting_sessions.sessions_between(
        ctx.connection,
        after=ctx.now,
        network_id=network.id,
        statuses=(SCHEDULED, SKIPPED),
        limit=MOST_SESSIONS,
    )
    for meeting, session in upcoming:
        if meeting.cancelled:
            continue
        zone = ZoneInfo(meeting.timezone)
        holiday = calendar.holiday_on(
            ctx.connection, network_id=network.id, day=session.starts_at.astimezone(zone).date()
        )
        line = f"{meeting.title} ({meeting.group_name}), {show_time(session.starts_at, ctx.zone)}"
        if session.status == SCHEDULED and holiday:
            meeting_sessions.update_session(
                ctx.connection, session_id=session.id, status=SKIPPED, note=holiday[:60]
            )
            reminders.unschedule_session(ctx, session)
            tell_people(
                ctx,
                meeting,
                [session],
                heading=f"Not happening: {meeting.title}",
                describe=_skipped_because(session, holiday),
                sequence=meetings.bump_sequence(ctx.connection, meeting_id=meeting.id),
            )
            effect.skipped.append(f"{line} — {holiday}")
        elif session.status == SKIPPED and not holiday:
            # A new revision, so its reminders are new work rather than the cancelled ones.
            meeting_sessions.update_session(
                ctx.connection,
                session_id=session.id,
                status=SCHEDULED,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                moved=True,
            )
            meetings.bump_sequence(ctx.connection, meeting_id=meeting.id)
            restored = meeting_sessions.session_numbered(
                ctx.connection, meeting_id=meeting.id, number=session.number
            )
            assert restored is not None
            reminders.schedule_session(ctx, meeting, restored)
            effect.restored.append(line)
    return effect
