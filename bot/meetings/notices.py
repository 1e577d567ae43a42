"""Telling people when sessions change: a direct message to everyone who said Going or Maybe
(times in their own zone), and a post in the group's channels. Keys carry the meeting's new
calendar SEQUENCE, so each change is told once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.meetings import render
from bot.replies import Block, Heading, Reply, Text
from storage import rsvps
from storage.meetings import MeetingRecord, SessionRecord

CHANGE = "meeting.change"
Describe = Callable[[ZoneInfo], str]


def tell_people(
    ctx: Context,
    meeting: MeetingRecord,
    sessions: Sequence[SessionRecord],
    *,
    heading: str,
    describe: Describe,
    sequence: int,
    ask_again: SessionRecord | None = None,
) -> int:
    """Tell the group and everyone who said they might come; returns how many people were told.

    `describe(zone)` writes what changed with times in that zone; `ask_again` adds RSVP buttons
    for a session whose new time people should confirm.
    """
    network = ctx.require_network()
    buttons: tuple[Block, ...] = (render.rsvp_buttons(ask_again),) if ask_again else ()
    people = rsvps.recipients(
        ctx.connection,
        session_ids=[s.id for s in sessions],
        answers=[rsvps.GOING, rsvps.MAYBE],
    )
    for person in people:
        zone = ZoneInfo(person.timezone or network.timezone)
        ctx.outbox.to_member(
            person.member_id,
            key=f"{CHANGE}:{meeting.id}:{sequence}:{person.member_id}",
            reply=Reply((Heading(heading), Text(describe(zone)), *buttons)),
            purpose=CHANGE,
        )
    ctx.outbox.to_group(
        meeting.group_id,
        key=f"{CHANGE}:{meeting.id}:{sequence}",
        reply=Reply((Heading(heading), Text(describe(ZoneInfo(network.timezone))), *buttons)),
        purpose=CHANGE,
    )
    return len(people)
