"""Telling people when sessions change: a direct message to everyone who said Going or Maybe
(times in their own zone), and a post in the group's channels. Keys carry the meeting's new
calendar SEQUENCE, so each change is told once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.kernel.context import Context
from bot.kernel.replies import Block, Heading, Reply, Text
from bot.meetings import render
from storage import rsvps
from storage.meeting_sessions import SessionRecord
from storage.meetings import MeetingRecord

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
) -> str:
    """Tell the group and everyone who said they might come; returns who was told, in words.

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
    channels = ctx.outbox.to_group(
        meeting.group_id,
        key=f"{CHANGE}:{meeting.id}:{sequence}",
        reply=Reply((Heading(heading), Text(describe(ZoneInfo(network.timezone))), *buttons)),
        purpose=CHANGE,
    )
    return told_text(len(people), bool(channels))


def told_text(people: int, in_channels: bool) -> str:
    group = "the group" if in_channels else "nobody in a channel (the group has none linked)"
    if not people:
        return f"I've told {group}; nobody had said they were coming yet."
    who = "person" if people == 1 else "people"
    return f"I've told {group}, and the {people} {who} who said they might come."
