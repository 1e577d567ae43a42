"""Looking at meetings: `meetings` (sessions coming up in my groups), `meeting <id>` (one
meeting and its whole schedule, skipped sessions included), `meeting ics <id>` (a calendar
file), and the "your next meetings" part of the home view, with RSVP buttons."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command
from bot.kernel.replies import Attachment, Block, Fields, Heading, Reply, Text
from bot.kernel.replies import Context as ContextLine
from bot.meetings import render
from bot.meetings.calendar_files import MIME, build_calendar, filename_for
from bot.meetings.lookup import find_target
from bot.meetings.recurrence import describe, rule_of
from bot.parsing.times import show_date
from storage import meeting_sessions, rsvps
from storage.meetings import SCHEDULED, SKIPPED, MeetingRecord

LISTED = 15
HOME_SESSIONS = 3
HOME_HORIZON = timedelta(weeks=4)


def list_meetings(cmd: Command, ctx: Context, arguments: str) -> Reply:
    member = ctx.require_member()
    upcoming = meeting_sessions.sessions_between(
        ctx.connection,
        after=ctx.now,
        member_id=member.id,
        statuses=(SCHEDULED, SKIPPED),
        limit=LISTED,
    )
    if not upcoming:
        return Reply.say(
            "Nothing is scheduled in your groups yet. Group leaders schedule meetings with "
            "`/staffroom meeting schedule`; `/staffroom groups` lists groups to join."
        )
    answers = rsvps.answers_of_member(
        ctx.connection, member_id=member.id, session_ids=[s.id for _, s in upcoming]
    )
    lines = [render.session_line(m, s, ctx.zone, answers.get(s.id)) for m, s in upcoming]
    return Reply(
        (
            Heading("Coming up in your groups"),
            Text("\n".join(lines)),
            ContextLine(
                "`/staffroom meeting <number>` shows a meeting and its sessions; reply Going · "
                "Maybe · Can't make it on its reminders or in `/staffroom home`."
            ),
        )
    )


def show_meeting(cmd: Command, ctx: Context, arguments: str) -> Reply:
    meeting, chosen = find_target(ctx, arguments, usage="meeting 12")
    sessions = meeting_sessions.sessions_of(ctx.connection, meeting_id=meeting.id)
    # The rule is the meeting's own, in its zone; the dates are the reader's.
    first, last = sessions[0].original_start, sessions[-1].original_start
    repeats = describe(rule_of(meeting), first.astimezone(ZoneInfo(meeting.timezone)).date())
    if len(sessions) > 1:
        repeats += (
            f", {show_date(first.astimezone(ctx.zone).date())} to "
            f"{show_date(last.astimezone(ctx.zone).date())}"
        )
    blocks: list[Block] = [
        Heading(
            f"{meeting.title} (meeting {meeting.id})"
            + (" — cancelled" if meeting.cancelled else "")
        ),
        Fields(
            (
                ("Group", meeting.group_name),
                ("Repeats", repeats),
                ("Where", render.where(meeting)),
                ("Reminders", render.reminders_text(meeting.reminders)),
            )
        ),
        Text(render.series_text(sessions, ctx.zone, ctx.now)),
    ]
    focus = chosen or next(
        (s for s in sessions if s.status == SCHEDULED and s.ends_at > ctx.now), None
    )
    if focus is not None and focus.status == SCHEDULED and focus.ends_at > ctx.now:
        network = ctx.require_network()
        tally = rsvps.tally(ctx.connection, session_id=focus.id)
        blocks += [
            ContextLine(
                f"Session {focus.label}, {render.when(focus, ctx.zone)}: {render.counts_text(tally, network.k_threshold)}"
            ),
            render.rsvp_buttons(focus),
        ]
    blocks.append(ContextLine(f"`/staffroom meeting ics {meeting.id}` adds it to your calendar."))
    return Reply(tuple(blocks))


def calendar_reply(ctx: Context, meeting: MeetingRecord) -> Reply:
    sessions = meeting_sessions.sessions_of(ctx.connection, meeting_id=meeting.id)
    data = build_calendar([(meeting, sessions)], name=meeting.title, now=ctx.now)
    return Reply(
        (
            Text(
                f"Here is **{meeting.title}** as a calendar file: open it to add every session "
                "to your calendar. If a session moves, download it again and your calendar "
                "updates the same entries."
            ),
            Attachment(filename_for(meeting.title), data, MIME, title=f"{meeting.title} (.ics)"),
        )
    )


def ics_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    meeting, _ = find_target(ctx, arguments, usage="meeting ics 12")
    return calendar_reply(ctx, meeting)


def press_ics(press: ButtonPress, ctx: Context) -> Reply:
    meeting, _ = find_target(ctx, press.value, usage="meeting ics 12")
    return calendar_reply(ctx, meeting)


def home_section(ctx: Context) -> list[Block]:
    member = ctx.member
    if member is None:
        return []
    upcoming = meeting_sessions.sessions_between(
        ctx.connection,
        after=ctx.now,
        before=ctx.now + HOME_HORIZON,
        member_id=member.id,
        limit=HOME_SESSIONS,
    )
    if not upcoming:
        return []
    answers = rsvps.answers_of_member(
        ctx.connection, member_id=member.id, session_ids=[s.id for _, s in upcoming]
    )
    blocks: list[Block] = [Text("**Your next meetings**")]
    for meeting, session in upcoming:
        blocks += [
            Text(render.session_line(meeting, session, ctx.zone, answers.get(session.id))),
            render.rsvp_buttons(session),
        ]
    return blocks
