"""Replies: the "Reply" button opens a form, and the reply is posted in the question's thread
under the writer's name (replies are ordinary, named conversation; only asking is anonymous).
If the asker opted in, they get a private notice, sealed so the outbox row names nobody.

The asker pressing "Reply" on their own question is stopped — a named reply would unmask them —
and pointed to `ask followup`.
"""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, FormSubmit
from bot.kernel.permissions import require_membership
from bot.kernel.refusals import Refusal
from bot.kernel.replies import FieldKind, Form, FormField, Reply, Tone
from bot.privacy.anonymity import InvalidToken, is_asker, open_address, seal_message
from bot.questions import render
from bot.questions.form import QUESTION_LIMIT, text_problem, tidy_text
from bot.questions.limits import check_reply_limit
from bot.questions.lookup import keyed_self, question_pressed
from bot.questions.posts import reply_key, under_post
from bot.questions.retention import forget_notify_address, still_the_askers
from storage import groups, question_replies
from storage import questions as store
from storage.question_replies import ReplyRecord
from storage.questions import QuestionRecord

REPLY_FORM = "question.reply"


def _check_can_reply(ctx: Context, question: QuestionRecord) -> None:
    if question.hidden:
        raise Refusal(f"#{question.number} was hidden by the group's moderators.")
    ctx.require_member()
    group = groups.get_group(ctx.connection, group_id=question.group_id)
    assert group is not None
    require_membership(ctx, group, doing="reply to its questions")
    if is_asker(
        ctx.config.secret, question.asker_hash, question_id=question.id, person=keyed_self(ctx)
    ):
        raise Refusal(
            f"This is your own question. A reply would carry your name; to add to it "
            f"anonymously, type `/staffroom ask followup #{question.number} <text>`."
        )
    check_reply_limit(ctx, question)


def press_reply(press: ButtonPress, ctx: Context) -> Reply:
    question = question_pressed(ctx, press.value)
    _check_can_reply(ctx, question)
    return Reply.open_form(
        Form(
            REPLY_FORM,
            f"Reply to #{question.number}",
            (
                FormField(
                    "reply",
                    "Your reply",
                    FieldKind.MULTILINE,
                    max_length=QUESTION_LIMIT,
                    hint="Posted under your name in the group's channels.",
                ),
            ),
            "Reply",
            context=str(question.id),
        )
    )


def reply_submitted(event: FormSubmit, ctx: Context) -> Reply:
    member = ctx.require_member()
    question = question_pressed(ctx, event.context)
    _check_can_reply(ctx, question)
    text = tidy_text(event.values.get("reply", ""))
    problem = text_problem(text, what="reply", limit=QUESTION_LIMIT)
    if problem:
        return Reply.errors({"reply": problem})
    reply_id = question_replies.add_reply(
        ctx.connection, question_id=question.id, member_id=member.id, text=text, now=ctx.now
    )
    reply = ReplyRecord(
        reply_id,
        question.id,
        member.id,
        member.display_name,
        member.school_name,
        text,
        ctx.now,
    )
    under_post(ctx, question, key=reply_key(reply_id), reply=render.reply_post(reply))
    _notify_asker(ctx, question, reply)
    return Reply.say(f"Your reply is posted under #{question.number}.", tone=Tone.SUCCESS)


def _notify_asker(ctx: Context, question: QuestionRecord, reply: ReplyRecord) -> None:
    sealed = question.notify_sealed
    if sealed is None or question.notify_until is None or question.notify_until <= ctx.now:
        return
    secret = ctx.config.secret
    try:
        platform = open_address(secret, sealed)[0]
    except InvalidToken:  # sealed under an earlier secret: it can never be used again
        forget_notify_address(ctx.connection, question.id)
        return
    if not still_the_askers(
        ctx.connection,
        secret,
        question_id=question.id,
        asker_hash=question.asker_hash,
        sealed=sealed,
    ):
        return  # the asker was erased: their address is sealed as nobody's at the next upkeep
    ctx.outbox.to_sealed(
        platform=platform,
        payload=seal_message(secret, sealed, render.reply_notice(question, reply)),
        key=store.notification_key(question.id, reply.id),
        purpose="question.notify",
    )
