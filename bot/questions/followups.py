"""The asker in control, anonymously: `ask followup #N` adds to the question in its thread,
`ask resolve #N` marks it answered, `questions mine` lists the open questions one asked.

The asker is recognised by recomputing their keyed hash for the question and comparing it with
the stored one; a refusal reads the same for everyone who is not the asker. Resolving deletes
the hash and the notification address, after which nobody can tie the question to anyone.
"""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Reply, Tone
from bot.privacy.anonymity import is_asker
from bot.questions import render
from bot.questions.form import QUESTION_LIMIT, RESOLUTION_LIMIT, typed_text
from bot.questions.limits import check_followup_limit
from bot.questions.lookup import find_numbered, keyed_self
from bot.questions.posts import refresh, under_post
from bot.questions.retention import forget_notify_address
from storage import metoo as metoo_store
from storage import question_replies
from storage import questions as store
from storage.questions import QuestionRecord


def _open_for_asker(ctx: Context, question: QuestionRecord, *, doing: str) -> None:
    """Refuse unless the question is still open and the acting member asked it."""
    if question.hidden:
        raise Refusal(f"#{question.number} was hidden by the group's moderators.")
    if question.resolved:
        raise Refusal(
            f"#{question.number} is resolved already. If there's more to ask, "
            "`/staffroom ask` starts a new question."
        )
    ctx.require_member()
    if not is_asker(
        ctx.config.secret, question.asker_hash, question_id=question.id, person=keyed_self(ctx)
    ):
        raise Refusal(
            f"Only the person who asked #{question.number} can {doing}. I can't tell who that "
            "is — I can only check whether it's you, and it isn't."
        )


def ask_followup(cmd: Command, ctx: Context, arguments: str) -> Reply:
    usage = "ask followup #12 It was Paper 2 only, not Paper 1"
    question, rest = find_numbered(ctx, arguments, usage=usage)
    _open_for_asker(ctx, question, doing="add to it")
    text = typed_text(rest, what="follow-up", limit=QUESTION_LIMIT, example=usage)
    check_followup_limit(ctx, question)
    followup_id = question_replies.add_followup(
        ctx.connection, question_id=question.id, text=text, now=ctx.now
    )
    under_post(ctx, question, key=f"followup:{followup_id}", reply=render.followup_post(text))
    return Reply.say(
        f"Added to #{question.number}, anonymously, in the thread under it.", tone=Tone.SUCCESS
    )


def ask_resolve(cmd: Command, ctx: Context, arguments: str) -> Reply:
    usage = "ask resolve #12 The grade boundaries moved"
    question, rest = find_numbered(ctx, arguments, usage=usage)
    _open_for_asker(ctx, question, doing="mark it answered")
    summary = typed_text(
        rest, what="summary", limit=RESOLUTION_LIMIT, example=usage, required=False
    )
    store.resolve_question(ctx.connection, question_id=question.id, resolution=summary, now=ctx.now)
    forget_notify_address(ctx.connection, question.id)
    refresh(ctx, question.id)
    under_post(ctx, question, key="resolved", reply=render.resolved_post(summary))
    return Reply.say(
        f"#{question.number} is marked answered — thank you for closing the loop.",
        "I've deleted the code that let you act as its asker, and your address for "
        "notifications if you gave one.",
        tone=Tone.SUCCESS,
    )


def my_questions(cmd: Command, ctx: Context, arguments: str) -> Reply:
    """The open questions the acting member asked, found by recomputing hashes."""
    network = ctx.require_network()
    person = keyed_self(ctx)
    secret = ctx.config.secret
    mine = [
        question_id
        for question_id, stored in store.asker_hashes(ctx.connection, network_id=network.id)
        if is_asker(secret, stored, question_id=question_id, person=person)
    ]
    found = [
        question
        for question_id in mine
        if (question := store.get_question(ctx.connection, question_id=question_id))
    ]
    schools = metoo_store.schools_seen_by_question(ctx.connection, question_ids=mine)
    return render.listing(
        "Your open anonymous questions (only you can see this)",
        sorted(found, key=lambda q: q.number, reverse=True),
        schools,
        network.k_threshold,
    )
