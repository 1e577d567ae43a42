"""`meeting cancel` and `meeting move`, for one session (`12.3`) or every session still to come
(`12 all`). Each change cancels the sessions' timers (and, for a move, sets new ones), raises
the calendar SEQUENCE, and tells the group and everyone who said Going or Maybe."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import require_leader
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Reply, Tone
from bot.meetings import reminders
from bot.meetings.lookup import find_target, group_of
from bot.meetings.notices import tell_people
from bot.parsing.dates import take_date
from bot.parsing.times import parse_time_of_day, show_time, to_utc
from storage import calendar, meeting_sessions, meetings
from storage.meeting_sessions import SessionRecord
from storage.meetings import CANCELLED, SCHEDULED, MeetingRecord

_ALL = ("all", "series", "every")
LISTED = 6


def times_of(sessions: Sequence[SessionRecord], zone: ZoneInfo) -> str:
    """`Thu 3 Dec, 16:00, Thu 17 Dec, 16:00 and 4 more` in `zone`."""
    shown = "; ".join(show_time(s.starts_at, zone) for s in sessions[:LISTED])
    more = len(sessions) - LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _targets(
    ctx: Context,
    meeting: MeetingRecord,
    session: SessionRecord | None,
    whole: bool,
    verb: str,
) -> list[SessionRecord]:
    """The sessions a change applies to: the one named, or every one still to come."""
    if session is not None:
        if session.status != SCHEDULED:
            reason = f" ({session.note})" if session.note else ""
            raise Refusal(f"Session {session.label} is already {session.status}{reason}.")
        if session.starts_at <= ctx.now:
            raise Refusal(f"Session {session.label} has already started.")
        return [session]
    sessions = meeting_sessions.sessions_of(ctx.connection, meeting_id=meeting.id)
    upcoming = [s for s in sessions if s.status == SCHEDULED and s.starts_at > ctx.now]
    if not whole and len(sessions) > 1:
        example = upcoming[0].label if upcoming else f"{meeting.id}.1"
        raise Refusal(
            f"Meeting {meeting.id} is a series of {len(sessions)} sessions. To {verb} one, give "
            f"its number, like `/staffroom meeting {verb} {example}`; to {verb} every session "
            f"still to come, `/staffroom meeting {verb} {meeting.id} all`."
        )
    if not upcoming:
        raise Refusal(f"Meeting {meeting.id} has no sessions still to come.")
    return upcoming


def cancel_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    words = arguments.split()
    meeting, session = find_target(ctx, words[0] if words else "", usage="meeting cancel 12.3")
    require_leader(ctx, group_of(ctx, meeting), doing="cancel its meetings")
    whole = len(words) > 1 and words[1].lower() in _ALL
    targets = _targets(ctx, meeting, session, whole, "cancel")
    for target in targets:
        meeting_sessions.update_session(ctx.connection, session_id=target.id, status=CANCELLED)
        reminders.unschedule_session(ctx, target)
    remaining = meeting_sessions.sessions_of(ctx.connection, meeting_id=meeting.id)
    if not any(s.status == SCHEDULED and s.starts_at > ctx.now for s in remaining):
        meetings.cancel_meeting(ctx.connection, meeting_id=meeting.id, now=ctx.now)
    sequence = meetings.bump_sequence(ctx.connection, meeting_id=meeting.id)
    told = tell_people(
        ctx,
        meeting,
        targets,
        heading=f"Cancelled: {meeting.title}",
        describe=lambda zone: f"Not happening: {times_of(targets, zone)}.",
        sequence=sequence,
    )
    return Reply.say(
        f"Cancelled **{meeting.title}**: {times_of(targets, ctx.zone)}. {told}",
        tone=Tone.SUCCESS,
    )


def move_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    usage = "meeting move 12.3 2026-12-10 16:00"
    words = arguments.split()
    meeting, session = find_target(ctx, words[0] if words else "", usage=usage)
    require_leader(ctx, group_of(ctx, meeting), doing="move its meetings")
    rest = words[1:]
    whole = bool(rest) and rest[0].lower() in _ALL
    targets = _targets(ctx, meeting, session, whole, "move")
    zone = ZoneInfo(meeting.timezone)
    today = ctx.now.astimezone(zone).date()
    new_day, new_time = _where_to(rest[1:] if whole else rest, today, usage)
    first = targets[0].starts_at.astimezone(zone)
    shift = new_day - first.date() if new_day else timedelta(0)
    moves = []
    for target in targets:
        local = target.starts_at.astimezone(zone)
        start = to_utc(local.date() + shift, new_time or local.time(), zone)
        if start <= ctx.now:
            raise Refusal(
                f"{show_time(start, zone)} has already passed; please choose a later time."
            )
        moves.append((target, start))
    if all(start == target.starts_at for target, start in moves):
        raise Refusal("That's when it already is — nothing to move.")
    for target, start in moves:
        meeting_sessions.update_session(
            ctx.connection,
            session_id=target.id,
            status=SCHEDULED,
            starts_at=start,
            ends_at=start + (target.ends_at - target.starts_at),
            moved=True,
        )
        reminders.unschedule_session(ctx, target)
    moved_ids = {target.id for target in targets}
    moved = [
        s
        for s in meeting_sessions.sessions_of(ctx.connection, meeting_id=meeting.id)
        if s.id in moved_ids
    ]
    for target in moved:
        reminders.schedule_session(ctx, meeting, target)
    sequence = meetings.bump_sequence(ctx.connection, meeting_id=meeting.id)
    told = tell_people(
        ctx,
        meeting,
        moved,
        heading=f"Moved: {meeting.title}",
        describe=lambda zone: f"New time: {times_of(moved, zone)}. Can you still come?",
        sequence=sequence,
        ask_again=moved[0] if len(moved) == 1 else None,
    )
    network = ctx.require_network()
    holidays = {
        name
        for target in moved
        if (
            name := calendar.holiday_on(
                ctx.connection, network_id=network.id, day=target.starts_at.astimezone(zone).date()
            )
        )
    }
    warning = f" Note: that falls in {', '.join(sorted(holidays))}." if holidays else ""
    return Reply.say(
        f"Moved **{meeting.title}** to {times_of(moved, ctx.zone)}. {told}{warning}",
        tone=Tone.SUCCESS,
    )


def _where_to(words: list[str], today: date, usage: str) -> tuple[date | None, time | None]:
    """The new date and/or time of day from `2026-12-10 16:00`, `16:00` or `10 Dec`."""
    found = take_date(words, 0, today=today)
    day, index = found if found is not None else (None, 0)
    typed = "".join(words[index:])  # "4 pm" → "4pm"
    at = parse_time_of_day(typed) if typed else None
    if day is None and at is None:
        raise Refusal(f"When to? Give a new date and/or time, like `/staffroom {usage}`.")
    return day, at
