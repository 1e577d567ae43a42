"""What reflections become: two days after a session, a short summary in the group's channels
(how many reflected and attended — only from k people — and the highlights people chose to
share, without names); and, for the group's leaders, every reflection in full."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import require_leader
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Block, Heading, Reply, Text
from bot.kernel.replies import Context as ContextLine
from bot.meetings.lookup import find_target, group_of
from bot.meetings.reminders import for_session
from bot.parsing.times import show_date, show_time
from bot.privacy.suppression import suppress_small_counts
from storage import meeting_sessions, reflections
from storage.meeting_sessions import SessionRecord
from storage.meetings import SCHEDULED, MeetingRecord
from storage.networks import NetworkRecord
from storage.reflections import Reflection
from storage.timers import TimerRecord

SUMMARY = "reflection.summary"
HIGHLIGHTS_SHOWN = 5
SHOWN_LIMIT = 600


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_LIMIT else text[: SHOWN_LIMIT - 1] + "…"


def figures_line(written: list[Reflection], k: int) -> str:
    attended = [r for r in written if r.attended]
    figures = suppress_small_counts(
        {
            "reflections": len(written),
            "attended": len(attended),
            "schools": len({r.school_name for r in attended}),
        },
        k=k,
        population=len(written),
    )
    if figures.counts is None:
        return f"Reflections so far: {figures.hidden_reason()}."
    counts = figures.counts
    return (
        f"{counts['reflections']} reflections; {counts['attended']} people said they attended, "
        f"from {counts['schools']} school{'s' if counts['schools'] != 1 else ''}."
    )


def summary_reply(
    written: list[Reflection],
    network: NetworkRecord,
    meeting: MeetingRecord,
    session: SessionRecord,
) -> Reply:
    day = session.starts_at.astimezone(ZoneInfo(network.timezone)).date()
    blocks: list[Block] = [Heading(f"After {meeting.title} ({show_date(day)})")]
    if not written:
        blocks.append(
            Text(
                "No reflections yet. If you were there, `/staffroom reflect` takes two minutes "
                "and helps the network learn what works."
            )
        )
        return Reply(tuple(blocks))
    blocks.append(Text(figures_line(written, network.k_threshold)))
    shared = [r for r in written if r.shared][:HIGHLIGHTS_SHOWN]
    if shared:
        lines = [
            f"• {_short(r.achieved)}"
            + (f" — _for students:_ {_short(r.benefit)}" if r.benefit else "")
            for r in shared
        ]
        blocks.append(Text("**Highlights**\n" + "\n".join(lines)))
    blocks.append(
        ContextLine(
            "Shared highlights go into the network's weekly digest. Not reflected yet? "
            f"`/staffroom reflect {session.label}`."
        )
    )
    return Reply(tuple(blocks))


@for_session
def send_summary(
    ctx: Context, timer: TimerRecord, meeting: MeetingRecord, session: SessionRecord
) -> None:
    network = ctx.require_network()
    written = reflections.reflections_of(ctx.connection, session_id=session.id)
    ctx.outbox.to_group(
        meeting.group_id,
        key=timer.key,
        reply=summary_reply(written, network, meeting, session),
        purpose=SUMMARY,
    )


def leader_view(cmd: Command, ctx: Context, arguments: str) -> Reply:
    meeting, session = find_target(ctx, arguments, usage="meeting reflections 12.3")
    require_leader(ctx, group_of(ctx, meeting), doing="read its reflections")
    if session is None:
        held = [
            s
            for s in meeting_sessions.sessions_of(ctx.connection, meeting_id=meeting.id)
            if s.status == SCHEDULED and s.starts_at <= ctx.now
        ]
        if not held:
            raise Refusal(f"**{meeting.title}** hasn't met yet, so there are no reflections.")
        session = held[-1]
    written = reflections.reflections_of(ctx.connection, session_id=session.id)
    heading = f"Reflections on {meeting.title}, {show_time(session.starts_at, ctx.zone)}"
    if not written:
        return Reply.say(f"No reflections on session {session.label} of **{meeting.title}** yet.")
    blocks: list[Block] = [Heading(heading)]
    for r in written:
        marks = [m for m, on in (("attended", r.attended), ("shared", r.shared)) if on]
        lines = [
            f"**{r.display_name}** ({r.school_name or 'school not set'})"
            + (" · " + ", ".join(marks) if marks else "")
        ]
        lines.append(f"_Achieved:_ {_short(r.achieved)}")
        if r.benefit:
            lines.append(f"_For students:_ {_short(r.benefit)}")
        if r.next_step:
            lines.append(f"_Next:_ {_short(r.next_step)}")
        blocks.append(Text("\n".join(lines)))
    return Reply(tuple(blocks))
