""" "Me too — we saw this at our school": counted per school, not per person, from keyed hashes
only, shown as "seen at N schools" (never below the privacy threshold), and — once, when a
question reaches the network's threshold — a private alert to the facilitators.

The presser's answer is the same whether or not a colleague from their school had already
pressed it, so the button cannot be used to learn who else agreed (or asked).
"""

from __future__ import annotations

from bot.kernel.context import Context
from bot.kernel.events import ButtonPress
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Reply, Tone
from bot.privacy.anonymity import metoo_person_hash, metoo_school_hash
from bot.questions import render
from bot.questions.lookup import keyed_self, question_pressed
from bot.questions.posts import next_count_update, refresh
from storage import asking as asking_store
from storage import directory
from storage import metoo as metoo_store
from storage import questions as store
from storage.questions import QuestionRecord


def press_metoo(press: ButtonPress, ctx: Context) -> Reply:
    member = ctx.require_member()
    # Locked and read again: presses at the same moment count one after the other, so the
    # post's count and the facilitators' alert see every school.
    question = store.lock_question(
        ctx.connection, question_id=question_pressed(ctx, press.value).id
    )
    assert question is not None
    if question.hidden:
        raise Refusal(f"#{question.number} was hidden by the group's moderators.")
    if member.school_id is None:
        raise Refusal(
            "“Me too” counts schools, so I need to know yours first: "
            "`/staffroom school <name>`. Then press it again."
        )
    secret = ctx.config.secret
    added = metoo_store.add_metoo(
        ctx.connection,
        question_id=question.id,
        person_hash=metoo_person_hash(secret, question_id=question.id, person=keyed_self(ctx)),
        school_hash=metoo_school_hash(secret, question_id=question.id, school_id=member.school_id),
    )
    if not added:
        return Reply.say(
            f"You've already said “me too” to #{question.number} — each person counts once."
        )
    _alert_on_pattern(ctx, refresh(ctx, question.id, batched=True))
    return Reply.say(
        f"Thanks — your school is counted for #{question.number}. Schools count once, however "
        "many colleagues press it; nobody can see who did.",
        tone=Tone.SUCCESS,
    )


def _alert_on_pattern(ctx: Context, question: QuestionRecord) -> None:
    """Tell the facilitators, once per question, when enough schools have seen it."""
    network = ctx.require_network()
    schools = metoo_store.schools_seen(ctx.connection, question_id=question.id)
    alert_at = asking_store.settings(ctx.connection, network_id=network.id).alert_schools
    if schools < alert_at or not store.mark_alerted(
        ctx.connection, question_id=question.id, now=ctx.now
    ):
        return
    notice = render.alert(question, schools=schools, k=network.k_threshold)
    for facilitator in directory.facilitators(ctx.connection, network_id=network.id):
        ctx.outbox.to_member(
            facilitator.id,
            key=f"question-alert:{question.id}:{facilitator.id}",
            reply=notice,
            purpose="question.alert",
            due_at=next_count_update(ctx.now),  # with the post's count, not at the press
        )
