"""Moderation without unmasking: a leader of the question's group, or a facilitator, hides a
question with a reason, and every channel's copy of the post is replaced by a notice giving it.

There is deliberately no command that shows who asked, and no data that would let one: hiding
needs no identity, and the asker's notification address is deleted with the question.
"""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.permissions import require_leader
from bot.kernel.replies import Reply, Tone
from bot.questions.form import REASON_LIMIT, typed_text
from bot.questions.lookup import find_numbered
from bot.questions.posts import refresh
from bot.questions.retention import forget_notify_address
from storage import groups
from storage import questions as store


def hide(cmd: Command, ctx: Context, arguments: str) -> Reply:
    usage = "question hide #12 it names a colleague"
    question, rest = find_numbered(ctx, arguments, usage=usage)
    group = groups.get_group(ctx.connection, group_id=question.group_id)
    assert group is not None
    require_leader(ctx, group, doing="hide its questions")
    if question.hidden:
        return Reply.say(f"#{question.number} is already hidden.")
    reason = typed_text(rest, what="reason", limit=REASON_LIMIT, example=usage, single_line=True)
    store.hide_question(ctx.connection, question_id=question.id, reason=reason, now=ctx.now)
    forget_notify_address(ctx.connection, question.id)
    refresh(ctx, question.id)
    return Reply.say(
        f"#{question.number} is hidden: its post in **{group.name}** now shows your reason "
        "instead. Hiding it tells nobody who asked — you included.",
        tone=Tone.SUCCESS,
    )
