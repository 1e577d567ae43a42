"""The question's post in its group's channels and its thread: the idempotency keys, queuing
things under the post, and refreshing the post in place when it changes (me-too counts,
resolved, hidden)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.kernel.context import Context
from bot.kernel.replies import Reply
from bot.questions import render
from storage import metoo as metoo_store
from storage import questions as store
from storage.questions import QuestionRecord

PURPOSE = "question.post"


def post_key(question_id: int) -> str:
    return f"question:{question_id}"


def publish(ctx: Context, question: QuestionRecord) -> None:
    """Queue the first post of a question to every channel of its group."""
    ctx.outbox.to_group(
        question.group_id,
        key=post_key(question.id),
        reply=render.post(question, schools=0, k=ctx.require_network().k_threshold),
        purpose=PURPOSE,
    )


COUNTS_EVERY = timedelta(minutes=1)
"""Me-too counts on a post change at most this often, on the minute (like check-in counts):
presses within one minute show together, so the moment one person pressed cannot be read off
the post."""


def next_count_update(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0) + COUNTS_EVERY


def refresh(ctx: Context, question_id: int, *, batched: bool = False) -> QuestionRecord:
    """Re-render the post from the database and replace every channel's copy (under the
    question's lock, so the newest edit has the newest count); `batched`: with the other
    changes of this minute, at its end."""
    question = store.lock_question(ctx.connection, question_id=question_id)
    assert question is not None
    schools = metoo_store.schools_seen(ctx.connection, question_id=question.id)
    ctx.outbox.edit_group_post(
        question.group_id,
        key=post_key(question.id),
        reply=render.post(question, schools=schools, k=ctx.require_network().k_threshold),
        purpose=PURPOSE,
        not_before=next_count_update(ctx.now) if batched else None,
    )
    return question


def under_post(ctx: Context, question: QuestionRecord, *, key: str, reply: Reply) -> None:
    """Queue a message in the post's thread, in every channel of the group."""
    ctx.outbox.to_group(
        question.group_id,
        key=f"{post_key(question.id)}:{key}",
        reply=reply,
        purpose="question.thread",
        thread_of=post_key(question.id),
    )


def reply_key(reply_id: int) -> str:
    """The key of a reply's post in its question's thread (`under_post`)."""
    return f"reply:{reply_id}"
