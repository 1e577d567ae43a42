"""Asking anonymously: `ask` opens the form (for the channel's group, or a group the asker
picks in a direct message), the submission is checked, similar earlier questions are shown
before anything is posted, and the question is posted to the group's channels by the outbox.

The question row gets the asker's keyed hash, never their id; the daily limit is counted
under another keyed hash that changes every day. Every reply here is private to the asker.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.groups.lookup import group_here
from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command, FormSubmit
from bot.kernel.permissions import require_membership
from bot.kernel.refusals import Refusal
from bot.kernel.replies import Reply, Tone
from bot.parsing.numbers import whole_number
from bot.parsing.suggest import closest
from bot.privacy.anonymity import asker_hash, quota_hash, seal_address, token_hash
from bot.questions import render
from bot.questions.form import ask_form, read_ask_form, tidy_text
from bot.questions.lookup import keyed_self
from bot.questions.posts import publish
from bot.questions.retention import DRAFT_EXPIRY, NOTIFY_EXPIRY, QUOTA_EXPIRY, expire_later
from storage import asking as asking_store
from storage import groups
from storage import question_search as search
from storage import questions as store
from storage.questions import QuestionDetails

DRAFT_LIFETIME = timedelta(hours=1)
NOTIFY_LIFETIME = timedelta(days=30)
_SUBCOMMAND_TYPO = re.compile(r"^(\S+)\s+#?\d")


def ask(cmd: Command, ctx: Context, arguments: str) -> Reply:
    """Open the form; text typed after `ask` is put in it, not posted."""
    ctx.require_member()
    _refuse_misspelt_subcommand(arguments)
    _check_quota(ctx)
    initial = tidy_text(arguments)
    here = group_here(ctx)
    if here is not None and not here.archived:
        require_membership(ctx, here, doing="ask it a question")
        return Reply.open_form(ask_form(groups=(), context=str(here.id), initial=initial))
    mine = [
        (group.id, group.name)
        for group, _ in groups.groups_of_member(ctx.connection, member_id=ctx.require_member().id)
    ]
    if not mine:
        raise Refusal(
            "Anonymous questions go to one of your subject groups, and you haven't joined one "
            "yet. `/staffroom groups` lists them."
        )
    return Reply.open_form(ask_form(groups=mine, context="", initial=initial))


def _refuse_misspelt_subcommand(arguments: str) -> None:
    match = _SUBCOMMAND_TYPO.match(arguments.strip())
    if match is None:
        return
    found = closest(match.group(1).lower(), ["followup", "resolve"])
    if found:
        raise Refusal(
            f"Did you mean `/staffroom ask {found[0]} {arguments.split(None, 1)[1]}`? "
            "(Type `/staffroom ask` alone to ask a new question.)"
        )


def ask_submitted(event: FormSubmit, ctx: Context) -> Reply:
    member = ctx.require_member()
    network = ctx.require_network()
    mine = {g.id: g.name for g, _ in groups.groups_of_member(ctx.connection, member_id=member.id)}
    context_group = whole_number(event.context)
    if context_group is not None and context_group not in mine:
        raise Refusal("You're no longer in that group, so I can't post your question there.")
    answers = read_ask_form(event.values, context_group=context_group, allowed_groups=mine)
    if isinstance(answers, dict):
        return Reply.errors(answers)
    details = answers.details
    if not groups.channels_of_group(ctx.connection, group_id=details.group_id):
        if context_group is not None:  # unlinked while the form was open
            raise Refusal(
                "This channel is no longer linked to the group, so there is nowhere to post."
            )
        return Reply.errors(
            {
                "group": f"{mine[details.group_id]} has no channel yet, so there is nowhere "
                "to post it. Choose another group, or ask its leader to link a channel."
            }
        )
    _check_quota(ctx)
    similar = search.similar_questions(ctx.connection, network_id=network.id, text=details.text)
    if not similar:
        return post_question(ctx, details, notify=answers.notify)
    token = secrets.token_urlsafe(16)
    expires_at = ctx.now + DRAFT_LIFETIME
    draft_id = asking_store.add_draft(
        ctx.connection,
        network_id=network.id,
        token_hash=token_hash(token),
        details=details,
        notify=answers.notify,
        expires_at=expires_at,
    )
    expire_later(ctx, DRAFT_EXPIRY, str(draft_id), expires_at)
    return render.similar(similar, token=token)


def press_confirm(press: ButtonPress, ctx: Context) -> Reply:
    """ "Post anyway" after seeing similar questions."""
    member = ctx.require_member()
    draft = _take_draft(press, ctx)
    group = groups.get_group(ctx.connection, group_id=draft.details.group_id)
    if group is None or group.archived:
        raise Refusal("That group is no longer active, so your question can't be posted there.")
    if groups.role_in_group(ctx.connection, group_id=group.id, member_id=member.id) is None:
        raise Refusal(f"You're no longer in **{group.name}**, so I can't post your question there.")
    _check_quota(ctx)
    return post_question(ctx, draft.details, notify=draft.notify)


def press_discard(press: ButtonPress, ctx: Context) -> Reply:
    _take_draft(press, ctx)
    return Reply.say("Nothing was posted, and your draft is deleted.")


def _take_draft(press: ButtonPress, ctx: Context) -> asking_store.Draft:
    draft = asking_store.take_draft(ctx.connection, token_hash=token_hash(press.value), now=ctx.now)
    if draft is None or draft.network_id != ctx.require_network().id:
        raise Refusal(
            "That draft is gone — drafts are kept for an hour, and each can be posted or "
            "deleted once. Type `/staffroom ask` to start again."
        )
    return draft


def post_question(ctx: Context, details: QuestionDetails, *, notify: bool) -> Reply:
    """Store the question (with the asker's keyed hash only) and queue its post."""
    network = ctx.require_network()
    ctx.require_member()
    secret = ctx.config.secret
    sealed, until = None, None
    if notify and ctx.actor is not None:
        actor = ctx.actor
        sealed = seal_address(
            secret, platform=actor.platform, workspace=actor.workspace, user_id=actor.user_id
        )
        until = ctx.now + NOTIFY_LIFETIME
    question_id, number = store.add_question(
        ctx.connection,
        network_id=network.id,
        details=details,
        notify_sealed=sealed,
        notify_until=until,
        now=ctx.now,
    )
    store.set_asker_hash(
        ctx.connection,
        question_id=question_id,
        asker_hash=asker_hash(secret, question_id=question_id, person=keyed_self(ctx)),
    )
    _count_ask(ctx)
    if until is not None:
        expire_later(ctx, NOTIFY_EXPIRY, str(question_id), until)
    question = store.get_question(ctx.connection, question_id=question_id)
    assert question is not None
    publish(ctx, question)
    told = (
        "\nI'll tell you privately when someone replies, until you resolve it (30 days at most)."
        if sealed
        else ""
    )
    return Reply.say(
        f"Posted to **{question.group_name}** as **Anonymous question #{number}**. Nobody can "
        "see it was you — not the group, its leaders or the facilitators.",
        f"Keep the number: only you can add to it (`/staffroom ask followup #{number} <text>`) "
        f"or mark it answered (`/staffroom ask resolve #{number} [summary]`).{told}",
        tone=Tone.SUCCESS,
    )


# --- the daily limit -----------------------------------------------------------------------


def _today(ctx: Context) -> date:
    return ctx.now.astimezone(ZoneInfo(ctx.require_network().timezone)).date()


def _quota_person(ctx: Context, day: date) -> str:
    return quota_hash(
        ctx.config.secret,
        network_id=ctx.require_network().id,
        person=keyed_self(ctx),
        day=day,
    )


def _check_quota(ctx: Context) -> None:
    network = ctx.require_network()
    day = _today(ctx)
    limit = asking_store.settings(ctx.connection, network_id=network.id).daily_limit
    if asking_store.asked_on(ctx.connection, day=day, person_hash=_quota_person(ctx, day)) >= limit:
        raise Refusal(
            f"You've asked {limit} anonymous question{'s' if limit != 1 else ''} today — the "
            "most this network allows in a day, which keeps the anonymous space calm and hard "
            "to misuse. You can ask again tomorrow, and you can always ask in your group's "
            "channel under your own name."
        )


def _count_ask(ctx: Context) -> None:
    day = _today(ctx)
    asking_store.count_ask(
        ctx.connection,
        network_id=ctx.require_network().id,
        day=day,
        person_hash=_quota_person(ctx, day),
    )
    # Any zone's day is over by 14:00 UTC the next day; the counts go after that.
    expire_later(
        ctx,
        QUOTA_EXPIRY,
        day.isoformat(),
        datetime.combine(day + timedelta(days=2), time(), ZoneInfo("UTC")),
    )
