"""Anonymous questions ("has anyone else seen this exam dip?"): asking without a name, similar
questions first, the asker in control by keyed hash, "me too" counted by school, replies,
moderation without unmasking, and the facilitators' alert when a pattern spans schools.

Nothing about who used the flow may be logged; the core logs no actor of any event.

May import the kernel, delivery, parsing, the privacy primitives and `storage`; never an
adapter, a platform SDK or another feature's internals (features meet through the registry).
"""

from __future__ import annotations

from bot.kernel.registry import Audience, ButtonSpec, FormSpec, Registry
from bot.questions import (
    asking,
    browsing,
    digest,
    followups,
    metoo,
    moderation,
    render,
    replying,
    retention,
    settings,
)
from bot.questions.form import ASK_FORM

TOPIC = "Anonymous questions"


def register(registry: Registry) -> None:
    add = registry.commands_in(TOPIC)
    add_setting = registry.commands_in("Network (facilitators)")
    add(
        "ask", asking.ask, "Ask your group a question anonymously (a form opens)", examples=("ask",)
    )
    add(
        "ask followup",
        followups.ask_followup,
        "Add to a question you asked, still anonymously",
        usage="#N <text>",
        examples=("ask followup #12 It was Paper 2 only, not Paper 1",),
    )
    add(
        "ask resolve",
        followups.ask_resolve,
        "Mark a question you asked as answered",
        usage="#N [summary]",
        examples=("ask resolve #12 The grade boundaries moved nationally",),
    )
    add(
        "questions mine",
        followups.my_questions,
        "Your open anonymous questions (only you see them)",
    )
    add(
        "questions",
        browsing.list_questions,
        "The newest anonymous questions (of a group, or the network)",
        usage="[group]",
        examples=("questions A-level Chemistry",),
    )
    add(
        "question",
        browsing.show_question,
        "Read one question with its follow-ups and replies",
        usage="#N",
        examples=("question #12",),
    )
    add(
        "question hide",
        moderation.hide,
        "Hide a question, giving the reason (nobody can see who asked)",
        usage="#N <reason>",
        audience=Audience.LEADER,
        examples=("question hide #12 it names a colleague",),
    )
    add_setting(
        "network questions",
        settings.network_questions,
        "Settings for anonymous questions: the facilitators' alert, the daily limit",
        usage="[alert <schools> | limit <per day>]",
        audience=Audience.FACILITATOR,
        examples=("network questions alert 3", "network questions limit 5"),
    )
    registry.form(FormSpec(ASK_FORM, asking.ask_submitted))
    registry.button(ButtonSpec(render.CONFIRM, asking.press_confirm))
    registry.button(ButtonSpec(render.DISCARD, asking.press_discard))
    registry.button(ButtonSpec(render.METOO, metoo.press_metoo))
    registry.button(ButtonSpec(render.READ, browsing.press_read))
    registry.button(ButtonSpec(render.REPLY, replying.press_reply))
    registry.form(FormSpec(replying.REPLY_FORM, replying.reply_submitted))
    retention.register(registry)
    registry.digest_source(digest.SOURCE)
