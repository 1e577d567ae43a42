"""RSVPs: the Going · Maybe · Can't make it buttons on announcements, reminders, direct
messages and the home view. An answer updates the live counts by school on every group post
about the session, in place, through the outbox."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.kernel.events import ButtonPress
from bot.kernel.permissions import require_membership
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Reply, Tone
from bot.meetings import reminders, render
from bot.meetings.lookup import group_of
from bot.parsing.numbers import id_in
from storage import meeting_sessions, rsvps
from storage.meeting_sessions import SessionRecord
from storage.meetings import CANCELLED, SKIPPED, MeetingRecord

COUNTS = "meeting.counts"


def press_rsvp(press: ButtonPress, ctx: Context) -> Reply:
    network = ctx.require_network()
    session_id, _, answer = press.value.partition(":")
    # Locked: answers pressed together are tallied one after the other.
    found = meeting_sessions.lock_session(ctx.connection, session_id=id_in(session_id))
    if found is None or found[0].network_id != network.id or answer not in rsvps.ANSWERS:
        raise Refusal(
            "That meeting no longer exists. `/staffroom meetings` lists the ones coming up."
        )
    meeting, session = found
    if session.status == CANCELLED:
        raise Refusal(f"That session of **{meeting.title}** was cancelled.")
    if session.status == SKIPPED:
        raise Refusal(f"That session of **{meeting.title}** isn't happening ({session.note}).")
    if session.ends_at <= ctx.now:
        raise Refusal(
            f"**{meeting.title}** has finished. If you were there, `/staffroom reflect` records "
            "what you took from it."
        )
    member = require_membership(ctx, group_of(ctx, meeting), doing="reply to its meetings")
    before = rsvps.answer_of(ctx.connection, session_id=session.id, member_id=member.id)
    label = render.ANSWER_LABELS[answer]
    if before == answer:
        return Reply.say(f"You're already down as **{label}** for **{meeting.title}**.")
    rsvps.set_answer(
        ctx.connection, session_id=session.id, member_id=member.id, answer=answer, now=ctx.now
    )
    refresh_counts(ctx, meeting, session)
    extra = " I'll send you a message an hour before." if answer == rsvps.GOING else ""
    return Reply.say(
        f"Thanks — you're down as **{label}** for **{meeting.title}**, "
        f"{render.when(session, ctx.zone)}.{extra}",
        tone=Tone.SUCCESS,
    )


def refresh_counts(ctx: Context, meeting: MeetingRecord, session: SessionRecord) -> None:
    """Re-render every group post about the session with the current counts."""
    network = ctx.require_network()
    tally = rsvps.tally(ctx.connection, session_id=session.id)
    zone = ZoneInfo(network.timezone)
    for key, heading in reminders.posts(meeting, session):
        ctx.outbox.edit_group_post(
            meeting.group_id,
            key=key,
            reply=render.session_card(
                meeting, session, heading=heading, zone=zone, tally=tally, k=network.k_threshold
            ),
            purpose=COUNTS,
        )
