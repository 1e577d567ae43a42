"""The foundation's own personal data, declared like any feature's: the member record (name,
school, time zone, facilitator role), chat identities, group memberships and leadership,
per-day channel activity counts, and messages addressed to the member.

Erasing runs in `ERASE_ORDER`, after every other feature's declarations: messages are found
through the identities, and the member row goes last so that other features can still read it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from bot.kernel.registry import PersonalDataSpec
from bot.kernel.replies import Attachment, Context, Fields, Heading, Image, Text
from bot.kernel.reply_codec import decode_reply
from storage import activity_weeks, outbox
from storage import personal_data as store

EXPORT_PURPOSE = "privacy.export"


def _export_messages(connection: Connection, member_id: int) -> object:
    messages = []
    for row in store.messages_to(connection, member_id=member_id):
        entry = {
            "purpose": row.purpose,
            "status": row.status,
            "due": row.due_at,
            "sent": row.sent_at,
        }
        if row.purpose == EXPORT_PURPOSE:
            entry["content"] = "an earlier copy of this export"
        elif row.payload == outbox.SPENT:
            entry["content"] = "not kept once the message was delivered (or given up on)"
        else:
            entry["content"] = _readable(row.payload)
        messages.append(entry)
    return messages


def _readable(payload: str) -> list[str]:
    """The words of a queued message, block by block (files by name only)."""
    lines: list[str] = []
    for block in decode_reply(payload).blocks:
        if isinstance(block, Heading | Text | Context):
            lines.append(block.text)
        elif isinstance(block, Fields):
            lines.extend(f"{label}: {value}" for label, value in block.items)
        elif isinstance(block, Attachment | Image):
            lines.append(f"[file {block.filename}]")
    return lines


def _of_member(query: Callable[..., Any]) -> Callable[[Connection, int], Any]:
    """A keyword-only storage function as a declaration's export or erase."""
    return lambda connection, member_id: query(connection, member_id=member_id)


PROFILE = PersonalDataSpec(
    name="profile",
    purpose="Your name as your chat platform shows it, your school (every figure counts "
    "schools), your time zone, and whether you facilitate the network.",
    export=_of_member(store.profile),
    erase=_of_member(store.delete_member),
)
IDENTITIES = PersonalDataSpec(
    name="chat accounts",
    purpose="Your user id on each Slack workspace or Discord server where you use Staffroom, "
    "so I know it is you on every platform.",
    export=_of_member(store.identities),
    erase=_of_member(store.delete_identities),
)
MEMBERSHIPS = PersonalDataSpec(
    name="group memberships",
    purpose="The subject groups you joined and the ones you lead, so that you get their "
    "meetings, check-ins and messages.",
    export=_of_member(store.memberships),
    erase=_of_member(store.delete_memberships),
)
ACTIVITY = PersonalDataSpec(
    name="channel activity",
    purpose="How many messages you posted in a group's channel each day — never what they "
    "said — so a facilitator can see whether groups and schools are active. Daily counts are "
    "kept for a limited time; only weekly totals per group and school stay after that.",
    export=_of_member(store.activity_detail),
    erase=_of_member(activity_weeks.fold_member_detail),
)
MESSAGES = PersonalDataSpec(
    name="messages to you",
    purpose="Direct messages I have sent you or am about to send (reminders, prompts, "
    "notices), kept so each is delivered exactly once; their words are kept only until they "
    "are delivered.",
    export=_export_messages,
    erase=_of_member(store.delete_messages_to),
)

DECLARED = (PROFILE, IDENTITIES, MEMBERSHIPS, ACTIVITY, MESSAGES)
ERASE_ORDER = (MESSAGES, ACTIVITY, MEMBERSHIPS, IDENTITIES, PROFILE)
