"""How long anonymous-question data is kept, and what a member can export or erase.

Timers delete the asker's encrypted notification address (and any sealed notices queued with
it) 30 days after asking, drafts after an hour, and the daily-limit counts once their day is
over everywhere. Replies are personal data of their writers; nothing links a member to the
questions they asked or agreed with, so there is nothing of that to export.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from bot.context import Context
from bot.registry import PersonalDataSpec, Registry, TimerSpec
from storage import asking as asking_store
from storage import questions as store
from storage import timers
from storage.timers import TimerRecord

NOTIFY_EXPIRY = "question.notify_expiry"
DRAFT_EXPIRY = "question.draft_expiry"
QUOTA_EXPIRY = "question.quota_expiry"


def expire_later(ctx: Context, kind: str, ref: str, due_at: datetime) -> None:
    """Schedule the deletion `kind` of `ref` (once, however often it is asked for)."""
    timers.add_timer(ctx.connection, key=f"{kind}:{ref}", kind=kind, due_at=due_at, ref=ref)


def forget_notify_address(ctx: Context, question_id: int) -> None:
    """Delete the asker's address and every sealed notice queued with it."""
    store.forget_notify_address(ctx.connection, question_id=question_id)
    store.delete_notifications(ctx.connection, question_id=question_id)
    timers.cancel_timers(ctx.connection, kind=NOTIFY_EXPIRY, ref=str(question_id))


def _notify_expired(timer: TimerRecord, ctx: Context) -> None:
    forget_notify_address(ctx, int(timer.ref))


def _draft_expired(timer: TimerRecord, ctx: Context) -> None:
    asking_store.delete_draft(ctx.connection, draft_id=int(timer.ref))


def _quota_expired(timer: TimerRecord, ctx: Context) -> None:
    asking_store.forget_quota_before(
        ctx.connection, day=date.fromisoformat(timer.ref) + timedelta(days=1)
    )


def _export_replies(connection: Connection, member_id: int) -> list[dict[str, object]]:
    return [
        {"question": number, "text": reply.text, "written_at": reply.created_at.isoformat()}
        for number, reply in store.replies_by_member(connection, member_id=member_id)
    ]


def _erase_replies(connection: Connection, member_id: int) -> None:
    store.delete_replies_by_member(connection, member_id=member_id)


def _nothing_linked(connection: Connection, member_id: int) -> list[object]:
    return []


def _nothing_to_erase(connection: Connection, member_id: int) -> None:
    """Questions, follow-ups and me-toos hold no member id, so there is nothing to find."""


def register(registry: Registry) -> None:
    registry.timer(TimerSpec(NOTIFY_EXPIRY, _notify_expired))
    registry.timer(TimerSpec(DRAFT_EXPIRY, _draft_expired))
    registry.timer(TimerSpec(QUOTA_EXPIRY, _quota_expired))
    registry.personal(
        PersonalDataSpec(
            "replies to questions",
            "The replies you wrote under questions, with your name, as they were posted in "
            "the group's channels. Erasing deletes them here (copies already posted in chat "
            "stay on the chat platform).",
            _export_replies,
            _erase_replies,
        )
    )
    registry.personal(
        PersonalDataSpec(
            "anonymous questions",
            "Nothing that links you to the questions you asked, followed up or said “me too” "
            "to: they are stored without your name, school or chat account, so there is "
            "nothing of that to export. The bot recognises you as the asker only by "
            "recomputing a keyed code with the server's secret, and forgets even that when "
            "you resolve the question.",
            _nothing_linked,
            _nothing_to_erase,
        )
    )
