"""How long anonymous-question data is kept, and what a member can export or erase.

Timers delete the asker's encrypted notification address (and any sealed notices queued with
it) 30 days after asking, drafts after an hour, and the daily-limit counts once their day is
over everywhere. Replies are personal data of their writers. Nothing stored names the asker of
a question or whoever said "me too", so there is nothing of that to export; but keyed hashes
tie them to the member for whoever holds the server secret, so erasure recomputes them with it
and unties each: the asker's hash and address go from their open questions, their "me too"s
are re-keyed at random (the counts stay, pointing at nobody), and their count for the day goes.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from bot.kernel.context import Context
from bot.kernel.registry import PersonalDataSpec, Registry, TimerSpec
from bot.privacy.anonymity import is_asker, metoo_person_hash, quota_hash
from bot.questions.posts import post_key, reply_key
from storage import asking as asking_store
from storage import directory, personal_data, question_replies, timers
from storage import metoo as metoo_store
from storage import questions as store
from storage.timers import TimerRecord

NOTIFY_EXPIRY = "question.notify_expiry"
DRAFT_EXPIRY = "question.draft_expiry"
QUOTA_EXPIRY = "question.quota_expiry"


def expire_later(ctx: Context, kind: str, ref: str, due_at: datetime) -> None:
    """Schedule the deletion `kind` of `ref` (once, however often it is asked for)."""
    timers.add_timer(ctx.connection, key=f"{kind}:{ref}", kind=kind, due_at=due_at, ref=ref)


def forget_notify_address(connection: Connection, question_id: int) -> None:
    """Delete the asker's address and every sealed notice queued with it."""
    store.forget_notify_address(connection, question_id=question_id)
    store.delete_notifications(connection, question_id=question_id)
    timers.cancel_timers(connection, kind=NOTIFY_EXPIRY, ref=str(question_id))


def _notify_expired(timer: TimerRecord, ctx: Context) -> None:
    forget_notify_address(ctx.connection, int(timer.ref))


def _draft_expired(timer: TimerRecord, ctx: Context) -> None:
    asking_store.delete_draft(ctx.connection, draft_id=int(timer.ref))


def _quota_expired(timer: TimerRecord, ctx: Context) -> None:
    asking_store.forget_quota_before(
        ctx.connection, day=date.fromisoformat(timer.ref) + timedelta(days=1)
    )


def _export_replies(connection: Connection, member_id: int) -> list[dict[str, object]]:
    return [
        {"question": number, "text": reply.text, "written_at": reply.created_at.isoformat()}
        for number, reply in question_replies.replies_by_member(connection, member_id=member_id)
    ]


def _erase_replies(connection: Connection, member_id: int) -> None:
    for _, reply in question_replies.replies_by_member(connection, member_id=member_id):
        # Its posts and the asker's notice of it: one still waiting is not sent after all.
        posted = f"{post_key(reply.question_id)}:{reply_key(reply.id)}@%"  # every channel's copy
        personal_data.delete_messages_keyed(connection, key_like=posted)
        notice = store.notification_key(reply.question_id, reply.id)
        personal_data.delete_messages_keyed(connection, key_like=notice)
    question_replies.delete_replies_by_member(connection, member_id=member_id)


def _nothing_linked(connection: Connection, member_id: int) -> list[object]:
    return []


def _no_member_id(connection: Connection, member_id: int) -> None:
    """Questions, follow-ups and me-toos hold no member id: `_untie_keyed` finds them."""


def _untie_keyed(connection: Connection, member_id: int, secret: bytes) -> None:
    """Recompute the member's keyed hashes with the secret and untie whatever matches."""
    member = directory.get_member(connection, member_id=member_id)
    if member is None:
        return
    network_id = member.network_id
    for question_id, stored in store.asker_hashes(connection, network_id=network_id):
        if is_asker(secret, stored, question_id=question_id, member_id=member_id):
            store.forget_asker_hash(connection, question_id=question_id)
            forget_notify_address(connection, question_id)
    for question_id, person in metoo_store.person_hashes(connection, network_id=network_id):
        if person == metoo_person_hash(secret, question_id=question_id, member_id=member_id):
            metoo_store.replace_person_hash(
                connection,
                question_id=question_id,
                person_hash=person,
                replacement=secrets.token_hex(32),  # the shape of a hash, the hash of nobody
            )
    for day, person in asking_store.quota_counts(connection, network_id=network_id):
        if person == quota_hash(secret, network_id=network_id, member_id=member_id, day=day):
            asking_store.delete_quota(connection, day=day, person_hash=person)


def register(registry: Registry) -> None:
    registry.timer(TimerSpec(NOTIFY_EXPIRY, _notify_expired))
    registry.timer(TimerSpec(DRAFT_EXPIRY, _draft_expired))
    registry.timer(TimerSpec(QUOTA_EXPIRY, _quota_expired))
    registry.personal(
        PersonalDataSpec(
            "replies to questions",
            "The replies you wrote under questions, with your name, as they were posted in "
            "the group's channels. Erasing deletes them here, and any not yet posted are not "
            "posted (copies already posted in chat stay on the chat platform).",
            _export_replies,
            _erase_replies,
        )
    )
    registry.personal(
        PersonalDataSpec(
            "anonymous questions",
            "The questions you asked, followed up or said “me too” to are stored without your "
            "name, school or chat account, so there is nothing of that to export. The bot "
            "recognises you as the asker of an open question, and counts your “me too” once, "
            "by recomputing keyed codes with the server's secret; whoever runs the server, "
            "holding both the database and that secret, could do the same to find out who "
            "asked an open question or said “me too”. Resolving a question deletes its asker's "
            "code; erasing your data deletes or scrambles all of yours.",
            _nothing_linked,
            _no_member_id,
            _untie_keyed,
        )
    )
