"""How long anonymous-question data is kept, and what a member can export or erase.

Timers delete the asker's encrypted notification address (and any sealed notices queued with
it) 30 days after asking, drafts after an hour, and the daily-limit counts once their day is
over everywhere. Every day, at the upkeep's hour, every address is sealed afresh, and one whose
asker is no longer a member is sealed as nobody's: every row changes the same way, so two
backups cannot show whose address went; and the "me too" rows are rewritten so they keep no
order of pressing. Replies are personal data of their writers. Nothing stored names the asker of
a question or whoever said "me too", so there is nothing of that to export; keyed hashes tie
them to the member only through the member's own salt (`storage.member_keys`), which goes with
their member row — so erasure changes no question, "me too" or count row, and two backups
around it cannot show which were theirs. Members from before salts (an empty salt) have the
earlier hashes, which only the secret and their id make; for them erasure recomputes each and
unties it: the asker's hash and address go from their open questions, their "me too"s are
re-keyed at random (the counts stay, pointing at nobody), and their count for the day goes.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from bot.kernel.context import Context
from bot.kernel.registry import PersonalDataSpec, Registry, TimerSpec
from bot.privacy.anonymity import (
    InvalidToken,
    is_asker,
    metoo_person_hash,
    open_address,
    quota_hash,
    seal_address,
)
from bot.privacy.upkeep import schedule_daily
from bot.questions.posts import post_key, reply_key
from storage import asking as asking_store
from storage import directory, member_keys, personal_data, question_replies, timers
from storage import metoo as metoo_store
from storage import questions as store
from storage.member_keys import LEGACY_SALT
from storage.timers import TimerRecord

NOTIFY_EXPIRY = "question.notify_expiry"
DAILY = "question.daily"
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


def still_the_askers(
    connection: Connection, secret: bytes, *, question_id: int, asker_hash: str | None, sealed: str
) -> bool:
    """Whether a question's sealed address names the member who asked it — not someone
    erased since, nor someone new on that chat account."""
    try:
        platform, workspace, user_id = open_address(secret, sealed)
    except InvalidToken:
        return False
    member = directory.member_for_identity(
        connection, platform=platform, workspace=workspace, user_id=user_id
    )
    if member is None:
        return False
    person = member_keys.hashed_person(connection, member_id=member.id)
    return is_asker(secret, asker_hash, question_id=question_id, person=person)


def _daily(timer: TimerRecord, ctx: Context) -> None:
    secret = ctx.config.secret
    for question_id, stored, sealed in store.sealed_addresses(ctx.connection):
        try:
            platform, workspace, user_id = open_address(secret, sealed)
        except InvalidToken:
            continue  # under an earlier secret: deleted when it expires
        if not still_the_askers(
            ctx.connection, secret, question_id=question_id, asker_hash=stored, sealed=sealed
        ):
            user_id = secrets.token_hex(len(user_id))[: len(user_id)]  # same length, nobody
        fresh = seal_address(secret, platform=platform, workspace=workspace, user_id=user_id)
        store.reseal_address(ctx.connection, question_id=question_id, sealed=fresh)
    metoo_store.forget_press_order(ctx.connection)
    keep_daily_scheduled(ctx)


def keep_daily_scheduled(ctx: Context) -> None:
    schedule_daily(ctx.connection, ctx.now, DAILY)


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
    """For a member from before salts, recompute their keyed hashes with the secret and untie
    whatever matches (a salted member's hashes are untied by their salt going)."""
    member = directory.get_member(connection, member_id=member_id)
    if member is None or member_keys.salt_of(connection, member_id=member_id) != LEGACY_SALT:
        return
    network_id = member.network_id
    person = str(member_id)
    for question_id, stored in store.asker_hashes(connection, network_id=network_id):
        if is_asker(secret, stored, question_id=question_id, person=person):
            store.forget_asker_hash(connection, question_id=question_id)
            forget_notify_address(connection, question_id)
    for question_id, pressed in metoo_store.person_hashes(connection, network_id=network_id):
        if pressed == metoo_person_hash(secret, question_id=question_id, person=person):
            metoo_store.replace_person_hash(
                connection,
                question_id=question_id,
                person_hash=pressed,
                replacement=secrets.token_hex(32),  # the shape of a hash, the hash of nobody
            )
    for day, counted in asking_store.quota_counts(connection, network_id=network_id):
        if counted == quota_hash(secret, network_id=network_id, person=person, day=day):
            asking_store.delete_quota(connection, day=day, person_hash=counted)


def register(registry: Registry) -> None:
    registry.timer(TimerSpec(NOTIFY_EXPIRY, _notify_expired))
    registry.timer(TimerSpec(DRAFT_EXPIRY, _draft_expired))
    registry.timer(TimerSpec(QUOTA_EXPIRY, _quota_expired))
    registry.timer(TimerSpec(DAILY, _daily))
    registry.schedule_keeper(keep_daily_scheduled)
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
            "code; erasing your data deletes the random part of all your codes, so none can be "
            "matched to you again, even with the secret.",
            _nothing_linked,
            _no_member_id,
            _untie_keyed,
        )
    )
