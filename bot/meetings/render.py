"""How meetings look: a session's card (for announcements and reminders, with RSVP buttons and
live counts by school), one-line summaries for lists, and the schedule of a series with its
skipped sessions ("skipped: half term").

Posts to a group's channels show times in the network's zone (with its abbreviation, since
readers may be elsewhere); replies to one person use that person's zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.kernel.replies import Button, Buttons, ButtonStyle, Fields, Heading, Reply
from bot.kernel.replies import Context as ContextLine
from bot.parsing.durations import describe
from bot.parsing.times import show_time
from bot.privacy.suppression import enough_people, named_and_pooled, suppress_small_counts
from storage.meeting_sessions import SessionRecord
from storage.meetings import CANCELLED, SKIPPED, MeetingRecord
from storage.rsvps import GOING, MAYBE, NOT_GOING, TallyRow

RSVP_ACTION = "meeting.rsvp"
ANSWER_LABELS = {GOING: "Going", MAYBE: "Maybe", NOT_GOING: "Can't make it"}


def when(session: SessionRecord, zone: ZoneInfo, *, with_zone: bool = True) -> str:
    """`Thu 3 Dec, 16:00–17:30 GMT` in `zone`."""
    end = session.ends_at.astimezone(zone)
    text = f"{show_time(session.starts_at, zone)}–{end:%H:%M}"
    return f"{text} {end.tzname()}" if with_zone else text


def where(meeting: MeetingRecord) -> str:
    parts = [meeting.place] if meeting.place else []
    if meeting.link:
        parts.append(f"online: {meeting.link}")  # the address in full, never behind a label
    return " · ".join(parts) or "place to be confirmed"


def rsvp_buttons(session: SessionRecord) -> Buttons:
    return Buttons(
        tuple(
            Button(
                label,
                RSVP_ACTION,
                f"{session.id}:{answer}",
                ButtonStyle.PRIMARY if answer == GOING else ButtonStyle.DEFAULT,
            )
            for answer, label in ANSWER_LABELS.items()
        )
    )


def counts_text(rows: Sequence[TallyRow], k: int) -> str:
    """The live counts: totals by answer, and who is going by school — each only from k people."""
    totals = Counter({answer: 0 for answer in ANSWER_LABELS})
    going_by_school: Counter[str] = Counter()
    for row in rows:
        totals[row.answer] += row.people
        if row.answer == GOING:
            going_by_school[row.school_name or "school not set"] += row.people
    if not sum(totals.values()):
        return "No replies yet."
    replies = suppress_small_counts(totals, k=k)
    if replies.counts is None:
        return f"Replies so far: {replies.hidden_reason()}."
    line = " · ".join(f"{ANSWER_LABELS[a]} {replies.counts[a]}" for a in ANSWER_LABELS)
    if not going_by_school:
        return line
    by_school = suppress_small_counts(going_by_school, k=k)
    if by_school.counts is None:
        return f"{line} — going by school: {by_school.hidden_reason()}."
    return f"{line} — going by school: " + _by_school(by_school.counts, k)


def _by_school(counts: Mapping[str, int], k: int) -> str:
    """Schools with k or more going are named with their count; the rest are pooled, so no
    count points at the one or two people from a school."""
    named, pooled = named_and_pooled(counts, k=k)
    parts = [f"{name} {n}" for name, n in named]
    if enough_people(pooled, k=k):
        parts.append(f"other schools {pooled}")
    elif pooled:
        parts.append("a few from other schools")
    return ", ".join(parts)


def session_card(
    meeting: MeetingRecord,
    session: SessionRecord,
    *,
    heading: str,
    zone: ZoneInfo,
    tally: Sequence[TallyRow],
    k: int,
) -> Reply:
    """A session as posted to the group: what, when, where, the counts and the RSVP buttons."""
    fields = (
        ("When", when(session, zone)),
        ("Where", where(meeting)),
        ("Group", meeting.group_name),
    )
    return Reply(
        (
            Heading(heading),
            Fields(fields),
            ContextLine(counts_text(tally, k)),
            rsvp_buttons(session),
            ContextLine(
                f"Session {session.label} · `/staffroom meeting ics {meeting.id}` adds it to "
                "your calendar"
            ),
        )
    )


def session_line(
    meeting: MeetingRecord, session: SessionRecord, zone: ZoneInfo, answer: str | None = None
) -> str:
    """`• 12.3 Moderation twilight — Thu 3 Dec, 16:00–17:30 · A-level Chemistry · you: Going`."""
    line = f"• `{session.label}` **{meeting.title}** — "
    if session.status == SKIPPED:
        return line + f"{show_time(session.starts_at, zone)} · _skipped: {session.note}_"
    if session.status == CANCELLED:
        return line + f"{show_time(session.starts_at, zone)} · _cancelled_"
    line += f"{when(session, zone, with_zone=False)} · {meeting.group_name}"
    if meeting.place:
        line += f" · {meeting.place}"
    if answer:
        line += f" · you: {ANSWER_LABELS[answer]}"
    return line


def series_text(sessions: Sequence[SessionRecord], zone: ZoneInfo, now: datetime) -> str:
    """Every session from now on, one per line, with skipped and cancelled ones marked."""
    lines = []
    for session in sessions:
        if session.ends_at < now:
            continue
        state = ""
        if session.status == SKIPPED:
            state = f" — _skipped: {session.note}_"
        elif session.status == CANCELLED:
            state = " — _cancelled_"
        elif session.starts_at != session.original_start:
            state = " — _moved_"
        lines.append(f"`{session.label}` {show_time(session.starts_at, zone)}{state}")
    return "\n".join(lines) or "No sessions to come."


def reminders_text(offsets: Sequence[int]) -> str:
    if not offsets:
        return "none"
    return " and ".join(describe(timedelta(minutes=m)) for m in offsets) + " before"
