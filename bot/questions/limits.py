"""Per-person limits under a question: one member's named replies to it, and its asker's
follow-ups (counted on the question, since only its asker writes them), each within a day.

They keep a thread a conversation and the channel free of floods; a refusal says when the
next one may go (when the oldest of the day's allowance is a day old).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.kernel.context import Context
from bot.kernel.refusals import Refusal
from bot.parsing.times import show_time
from storage import limits
from storage.questions import QuestionRecord

WINDOW = timedelta(days=1)
REPLIES_PER_DAY = 10
FOLLOWUPS_PER_DAY = 5


def next_turn(times: list[datetime], allowed: int) -> datetime | None:
    """When another may go, given the times (oldest first) of those in the window; None if
    one may go now."""
    if len(times) < allowed:
        return None
    return times[len(times) - allowed] + WINDOW


def check_reply_limit(ctx: Context, question: QuestionRecord) -> None:
    times = limits.reply_times(
        ctx.connection,
        question_id=question.id,
        member_id=ctx.require_member().id,
        since=ctx.now - WINDOW,
    )
    turn = next_turn(times, REPLIES_PER_DAY)
    if turn is not None:
        raise Refusal(
            f"You've replied to #{question.number} {REPLIES_PER_DAY} times in the last day, the "
            f"most one person can, so the thread stays a conversation. Your next reply can go "
            f"from {show_time(turn, ctx.zone)}; until then, one reply can say several things."
        )


def check_followup_limit(ctx: Context, question: QuestionRecord) -> None:
    times = limits.followup_times(ctx.connection, question_id=question.id, since=ctx.now - WINDOW)
    turn = next_turn(times, FOLLOWUPS_PER_DAY)
    if turn is not None:
        raise Refusal(
            f"#{question.number} has had {FOLLOWUPS_PER_DAY} follow-ups in the last day, the "
            f"most it can. The next can go from {show_time(turn, ctx.zone)}; until then, one "
            "follow-up can say several things."
        )
