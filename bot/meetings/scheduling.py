"""Scheduling a meeting once it has been asked for (by one line or the form, see
`schedule_input`): find its group, plan it in full — every session checked against the clock,
clock changes and the term calendar — before anything is written, then commit the meeting, its
sessions, their timers and an announcement to the group together, and confirm to the leader.

One person can have at most `SESSIONS_PER_LEADER` sessions still to come across the meetings
they scheduled (holiday sessions count: each has its row and timers), so nobody can fill the
database or the scheduler; a refusal says when the next series fits.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.groups.lookup import find_group, group_here
from bot.kernel.context import Context
from bot.kernel.permissions import require_leader
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Button, Buttons, Fields, Heading, Reply, Text, Tone
from bot.kernel.replies import Context as ContextLine
from bot.meetings import reminders, render
from bot.meetings.grammar import to_line
from bot.meetings.planning import Plan, plan_sessions
from bot.meetings.recurrence import describe
from bot.meetings.request import MeetingRequest
from bot.parsing.times import show_date, show_time
from storage import calendar, groups, limits, meeting_sessions, meetings
from storage.groups import ChannelRecord, GroupRecord
from storage.meeting_sessions import SessionRecord
from storage.meetings import SCHEDULED, MeetingRecord

NEW = "meeting.new"
SESSIONS_PER_LEADER = 260  # five weekly series a year ahead
ICS_BUTTON = "meeting.ics"


def group_for(ctx: Context, typed: str) -> GroupRecord:
    """The group named, else this channel's, else the only group the member leads."""
    if typed.strip():
        return find_group(ctx, typed)
    here = group_here(ctx)
    if here is not None:
        return here
    led = [
        group
        for group, role in groups.groups_of_member(
            ctx.connection, member_id=ctx.require_member().id
        )
        if role == groups.LEADER
    ]
    if len(led) == 1:
        return led[0]
    raise Refusal(
        "Which group is the meeting for? Type the command in the group's channel, or add "
        '`group "A-level Chemistry"` to the line.'
    )


def prepare(ctx: Context, group: GroupRecord, request: MeetingRequest) -> Plan:
    """Check permission and plan every session; writes nothing."""
    require_leader(ctx, group, doing="schedule its meetings")
    network = ctx.require_network()
    plan = plan_sessions(
        request,
        zone=ZoneInfo(network.timezone),
        now=ctx.now,
        holiday_on=lambda day: calendar.holiday_on(ctx.connection, network_id=network.id, day=day),
    )
    _check_sessions_per_leader(ctx, len(plan.sessions))
    return plan


def _check_sessions_per_leader(ctx: Context, adding: int) -> None:
    upcoming = limits.upcoming_session_starts(
        ctx.connection, member_id=ctx.require_member().id, now=ctx.now
    )
    over = len(upcoming) + adding - SESSIONS_PER_LEADER
    if over <= 0:
        return
    room = max(SESSIONS_PER_LEADER - len(upcoming), 0)
    fewer = f" or with at most {room} sessions now (`… {room} times`)" if room else ""
    raise Refusal(
        f"You have {len(upcoming)} sessions still to come in meetings you scheduled (holiday "
        f"sessions count); one person can have at most {SESSIONS_PER_LEADER} at a time, and "
        f"this would add {adding}. You can schedule it once {over} of yours have taken place, "
        f"after {show_time(upcoming[over - 1], ctx.zone)}{fewer}. `/staffroom meetings` lists "
        "them; cancelling one you no longer need makes room at once."
    )


def commit(
    ctx: Context,
    group: GroupRecord,
    request: MeetingRequest,
    plan: Plan,
    *,
    from_form: bool = False,
) -> Reply:
    """Write the meeting, its sessions and timers, announce it, and confirm to the leader."""
    network = ctx.require_network()
    member = ctx.require_member()
    meeting_id = meetings.create_meeting(
        ctx.connection,
        network_id=network.id,
        group_id=group.id,
        uid=f"{uuid.uuid4()}@staffroom",
        title=request.title,
        timezone=network.timezone,
        freq=request.rule.freq,
        interval=request.rule.interval,
        nth=request.rule.nth,
        duration_minutes=int(request.length.total_seconds() // 60),
        place=request.place,
        link=request.link,
        reminders=[int(offset.total_seconds() // 60) for offset in request.reminders],
        created_by=member.id,
        now=ctx.now,
    )
    sessions = meeting_sessions.add_sessions(
        ctx.connection, meeting_id=meeting_id, sessions=plan.sessions
    )
    meeting = meetings.get_meeting(ctx.connection, meeting_id=meeting_id)
    assert meeting is not None
    for session in sessions:
        reminders.schedule_session(ctx, meeting, session)
    first = next(s for s in sessions if s.status == SCHEDULED)
    channels = ctx.outbox.to_group(
        group.id,
        key=reminders.announcement_key(first),
        reply=render.session_card(
            meeting,
            first,
            heading=f"New meeting: {meeting.title}",
            zone=ZoneInfo(network.timezone),
            tally=[],
            k=network.k_threshold,
        ),
        purpose=NEW,
        expires_at=first.starts_at,
    )
    line = to_line(replace(request, group=group.name)) if from_form else ""
    return _confirmation(ctx, group, meeting, sessions, request, plan, channels, line)


def _confirmation(
    ctx: Context,
    group: GroupRecord,
    meeting: MeetingRecord,
    sessions: list[SessionRecord],
    request: MeetingRequest,
    plan: Plan,
    channels: list[ChannelRecord],
    line: str,
) -> Reply:
    zone = ctx.zone
    first = next(s for s in sessions if s.status == SCHEDULED)
    last = sessions[-1].starts_at.astimezone(ZoneInfo(meeting.timezone)).date()
    repeats = describe(request.rule, request.day)
    if request.rule.repeats:
        repeats += f" until {show_date(last)} — {plan.held} sessions"
    posted = (
        " in " + ", ".join(f"#{c.channel_name or c.channel_id}" for c in channels)
        if channels
        else " — but the group has no channel yet, so link one with "
        f"`/staffroom group link {group.name}` for reminders to appear"
    )
    notes = [ContextLine(plan.capped)] if plan.capped else []
    if line:
        notes.append(
            ContextLine(f"Next time, one line does the same: `/staffroom meeting schedule {line}`")
        )
    return Reply(
        (
            Heading(f"Scheduled: {meeting.title} (meeting {meeting.id}, {group.name})"),
            Fields(
                (
                    ("When", render.when(first, zone)),
                    ("Repeats", repeats),
                    ("Where", render.where(meeting)),
                    ("Reminders", render.reminders_text(meeting.reminders) + posted),
                )
            ),
            Text(render.series_text(sessions, zone, ctx.now)),
            *notes,
            Buttons((Button("Add to my calendar", ICS_BUTTON, str(meeting.id)),)),
        ),
        tone=Tone.SUCCESS,
    )
