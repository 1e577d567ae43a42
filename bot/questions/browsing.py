"""Reading questions: `questions [group]` lists the newest, `question #N` (or a "Read #N"
button from the similar-questions check) shows one with its follow-ups and replies.

Anyone in the network may read a question; its replies — conversation in the group's
channels — are shown to the group's members, leaders and facilitators. Hidden questions show
only their notice, except to the group's leaders and the facilitators.
"""

from __future__ import annotations

from bot.groups.lookup import find_group, group_here
from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command
from bot.kernel.permissions import is_leader
from bot.kernel.replies import Reply
from bot.questions import render
from bot.questions.lookup import find_numbered, question_pressed
from storage import groups, question_replies
from storage import metoo as metoo_store
from storage import questions as store
from storage.questions import QuestionRecord


def list_questions(cmd: Command, ctx: Context, arguments: str) -> Reply:
    network = ctx.require_network()
    group = (
        find_group(ctx, arguments, allow_archived=True) if arguments.strip() else group_here(ctx)
    )
    found = store.recent_questions(
        ctx.connection, network_id=network.id, group_id=group.id if group else None
    )
    schools = metoo_store.schools_seen_by_question(
        ctx.connection, question_ids=[q.id for q in found]
    )
    where = group.name if group else network.name
    return render.listing(f"Anonymous questions in {where}", found, schools, network.k_threshold)


def show_question(cmd: Command, ctx: Context, arguments: str) -> Reply:
    question, _ = find_numbered(ctx, arguments, usage="question #12")
    return _view(ctx, question)


def press_read(press: ButtonPress, ctx: Context) -> Reply:
    return _view(ctx, question_pressed(ctx, press.value))


def _view(ctx: Context, question: QuestionRecord) -> Reply:
    member = ctx.require_member()
    group = groups.get_group(ctx.connection, group_id=question.group_id)
    assert group is not None
    moderator = member.is_facilitator or is_leader(ctx, group, member)
    in_group = moderator or (
        groups.role_in_group(ctx.connection, group_id=group.id, member_id=member.id) is not None
    )
    replies = (
        question_replies.replies(ctx.connection, question_id=question.id) if in_group else None
    )
    count = (
        len(replies)
        if replies is not None
        else question_replies.reply_counts(ctx.connection, question_ids=[question.id]).get(
            question.id, 0
        )
    )
    return render.view(
        question,
        followups=question_replies.followups(ctx.connection, question_id=question.id),
        replies=replies,
        reply_count=count,
        schools=metoo_store.schools_seen(ctx.connection, question_id=question.id),
        k=ctx.require_network().k_threshold,
        moderator=moderator,
    )
