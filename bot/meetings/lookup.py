"""Finding the meeting (`12`) or the session (`12.3`, the third of meeting 12) a command names,
within the acting member's network, and the group it belongs to."""

from __future__ import annotations

import re

from bot.kernel.context import Context
from bot.kernel.refusals import Refusal
from storage import groups, meeting_sessions, meetings
from storage.groups import GroupRecord
from storage.meeting_sessions import SessionRecord
from storage.meetings import MeetingRecord

_TARGET = re.compile(r"^#?(\d{1,9})(?:\.(\d{1,4}))?$")


def find_target(
    ctx: Context, typed: str, *, usage: str
) -> tuple[MeetingRecord, SessionRecord | None]:
    """The meeting and, for `12.3`, the session; refuses with `usage` as the example."""
    network = ctx.require_network()
    match = _TARGET.match(typed.strip())
    if match is None:
        raise Refusal(
            f"Which meeting? Give its number, like `/staffroom {usage}` (`12.3` is the third "
            "session of meeting 12). `/staffroom meetings` lists them."
        )
    meeting = meetings.get_meeting(ctx.connection, meeting_id=int(match.group(1)))
    if meeting is None or meeting.network_id != network.id:
        raise Refusal(
            f"There's no meeting {match.group(1)} in this network. `/staffroom meetings` lists "
            "the ones coming up in your groups."
        )
    if match.group(2) is None:
        return meeting, None
    session = meeting_sessions.session_numbered(
        ctx.connection, meeting_id=meeting.id, number=int(match.group(2))
    )
    if session is None:
        raise Refusal(
            f"Meeting {meeting.id} has no session {match.group(2)}; "
            f"`/staffroom meeting {meeting.id}` lists its sessions."
        )
    return meeting, session


def group_of(ctx: Context, meeting: MeetingRecord) -> GroupRecord:
    group = groups.get_group(ctx.connection, group_id=meeting.group_id)
    assert group is not None  # a meeting's group is deleted with it
    return group
