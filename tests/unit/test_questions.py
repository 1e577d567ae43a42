"""Anonymous questions through the whole bot (console adapter, real core, real SQLite): asking
from a channel or a direct message, drafts, the daily limit, notifications and their expiry,
me-too by school and the facilitators' alert, replies, moderation, settings, personal data."""

from __future__ import annotations

import pytest

from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from storage import asking, directory, question_replies
from storage import questions as store
from storage.outbox import OUTBOX
from storage.uow import unit_of_work
from tests.unit.question_world import ASK, ask, count, set_up_network


@pytest.fixture
async def network(bot: ConsoleSession) -> ConsoleSession:
    return await set_up_network(bot)


async def test_text_typed_after_ask_goes_into_the_form_not_the_channel(
    network: ConsoleSession,
) -> None:
    out = await network.send("/staffroom ask Did boundaries move?")
    assert "[Form: Ask anonymously]" in out and "[now: Did boundaries move?]" in out
    assert "[Staffroom in #chem]" not in out


async def test_a_misspelt_subcommand_is_not_taken_for_a_question(network: ConsoleSession) -> None:
    out = await network.send("/staffroom ask folowup #1 more detail")
    assert "Did you mean /staffroom ask followup #1 more detail" in out


async def test_in_a_direct_message_the_asker_picks_one_of_their_groups(
    network: ConsoleSession,
) -> None:
    await network.send(":dm")
    out = await network.send("/staffroom ask")
    assert "group (select; one of: 1, 2)" in out
    await network.send(f":fill question={ASK}; category=Teaching approach; group=GCSE Drama")
    out = await network.send(":submit")
    assert "GCSE Drama has no channel yet" in out  # corrected in place: the form stays open
    await network.send(":fill group=A-level Chemistry")
    assert "Posted to A-level Chemistry as Anonymous question #1" in await network.send(":submit")


async def test_someone_in_no_group_is_told_to_join_one(network: ConsoleSession) -> None:
    await network.send(":as Newcomer@Oakwood Academy")
    await network.send(":dm")
    assert "you haven't joined one yet" in await network.send("/staffroom ask")


async def test_a_draft_can_be_discarded_and_lasts_an_hour(
    network: ConsoleSession, app: Staffroom
) -> None:
    await ask(network)
    out = await ask(network, "Paper 2 results dip: anyone else this summer?")
    assert "Before you post: similar questions" in out and "#1 in A-level Chemistry" in out
    assert count(app, asking.DRAFT) == 1
    assert "Nothing was posted" in await network.send(":click Don't post")
    assert count(app, asking.DRAFT) == 0
    assert "That draft is gone" in await network.send(":click Post anyway")
    await ask(network, "Paper 2 results dip: anyone else this summer?")
    await network.send(":tick 61m")
    assert count(app, asking.DRAFT) == 0
    assert "That draft is gone" in await network.send(":click Post anyway")
    assert count(app, store.QUESTION) == 1


async def test_the_daily_limit_counts_confirmed_drafts_too(network: ConsoleSession) -> None:
    await network.send(":as Fran Hughes")
    await network.send("/staffroom network questions limit 2")
    await network.send(":as Aisha Khan")
    await ask(network)
    await ask(network, "Paper 2 results dip: anyone else this summer?")  # a draft
    await ask(network, "How do others teach titration?")  # posted: the second today
    out = await network.send(":click Post anyway")
    assert "You've asked 2 anonymous questions today" in out


async def test_a_notified_asker_hears_of_replies_until_they_resolve(
    network: ConsoleSession, app: Staffroom
) -> None:
    await ask(network, extra="; notify=yes")
    await network.send(":as Tom Patel")
    await network.send(":click Reply")
    await network.send(":fill reply=Same here.")
    out = await network.send(":submit")
    assert "→ Aisha Khan (direct message)" in out
    sealed = count(app, OUTBOX, OUTBOX.c.purpose == "question.notify", OUTBOX.c.user_id == "sealed")
    assert sealed == 1
    await network.send(":as Aisha Khan")
    await network.send("/staffroom ask resolve #1")
    assert count(app, OUTBOX, OUTBOX.c.purpose == "question.notify") == 0
    await network.send(":as Tom Patel")
    await network.send(":click Reply")
    await network.send(":fill reply=And another thing.")
    assert "direct message" not in await network.send(":submit")


async def test_the_notification_address_is_deleted_after_30_days(
    network: ConsoleSession, app: Staffroom
) -> None:
    await ask(network, extra="; notify=yes")
    await network.send(":tick 29d")
    assert count(app, store.QUESTION, store.QUESTION.c.notify_sealed.is_not(None)) == 1
    await network.send(":tick 2d")
    assert count(app, store.QUESTION, store.QUESTION.c.notify_sealed.is_not(None)) == 0
    await network.send(":as Tom Patel")
    await network.send("/staffroom question #1")
    await network.send(":click Reply")
    await network.send(":fill reply=Late, but: same here.")
    assert "direct message" not in await network.send(":submit")


async def test_me_too_counts_schools_hides_small_counts_and_alerts_facilitators_once(
    network: ConsoleSession,
) -> None:
    await ask(network)
    await network.send(":as Tom Patel")
    out = await network.send(":click Me too")
    assert "Seen at" not in out  # the post changes at the minute, not at the press
    assert "Seen at fewer than 3 schools" in await network.send(":tick 1m")
    await network.send(":as Priya Shah@Ridgeway School")
    out = await network.send(":click Me too")
    assert "your school is counted for #1" in out  # same words whether or not it was new
    await network.send(":as Aisha Khan")
    await network.send(":click Me too")
    await network.send(":as Olu Oak@Oakwood Academy")
    out = await network.send(":click Me too")
    assert "Seen at" not in out and "collective approach" not in out
    out = await network.send(":tick 1m")
    assert "Seen at 3 schools" in out and "Seen at fewer" not in out  # all three presses at once
    assert "→ Fran Hughes (direct message)" in out and "collective approach" in out
    await network.send(":as Fran Hughes")
    await network.send(":click Me too")
    out = await network.send(":tick 1m")
    assert "Seen at 4 schools" in out and "A pattern across schools" not in out


async def test_me_too_needs_a_school(network: ConsoleSession) -> None:
    await ask(network)
    await network.send(":as Drifter")
    assert "I need to know yours first" in await network.send(":click Me too")


async def test_the_alert_threshold_is_a_network_setting_and_obeys_k(
    network: ConsoleSession,
) -> None:
    await network.send(":as Tom Patel")
    out = await network.send("/staffroom network questions alert 2")
    assert "Only a network facilitator can change the settings" in out
    await network.send(":as Fran Hughes")
    assert "from 2 to 50" in await network.send("/staffroom network questions alert 1")
    assert "at 2 schools" in await network.send("/staffroom network questions alert 2")
    assert "Alert the facilitators at: 2 schools" in await network.send(
        "/staffroom network questions"
    )
    await network.send(":as Aisha Khan")
    await ask(network)
    await network.send(":click Me too")
    await network.send(":as Tom Patel")
    await network.send(":click Me too")
    out = await network.send(":tick 1m")
    assert "A pattern across schools" in out
    assert "Seen at fewer than 3 schools so far — in A-level Chemistry" in out


async def test_replying_needs_the_group_and_the_asker_cannot_reply_by_name(
    network: ConsoleSession,
) -> None:
    await ask(network)
    await network.send(":as Olu Oak@Oakwood Academy")
    out = await network.send(":click Reply")
    assert "You need to join A-level Chemistry first" in out and "[1 Join A-level Chemistry]" in out
    await network.send(":as Aisha Khan")
    assert "This is your own question" in await network.send(":click Reply")
    await network.send(":as Tom Patel")
    await network.send(":click Reply")
    await network.send(":fill reply=   ")
    assert "Please write the reply" in await network.send(":submit")


async def test_hidden_questions_take_nothing_more_and_show_only_the_notice(
    network: ConsoleSession,
) -> None:
    await ask(network)
    await network.send(":as Fran Hughes")
    await network.send("/staffroom group create A-level Biology")
    await network.send("/staffroom group leader A-level Biology @Aisha Khan")
    await network.send(":as Aisha Khan")  # leads another group only
    assert "Only a leader of A-level Chemistry" in await network.send(
        "/staffroom question hide #1 spam"
    )
    await network.send(":as Fran Hughes")
    out = await network.send("/staffroom question hide #1 it names a colleague")
    assert "The group's moderators hid this question: it names a colleague" in out
    assert ASK not in out.split("updated", 1)[1]
    await network.send(":as Tom Patel")
    assert ASK in await network.send("/staffroom question #1")  # a leader of its group
    await network.send(":as Priya Shah@Ridgeway School")
    assert ASK not in await network.send("/staffroom question #1")
    await network.send(":as Aisha Khan")
    assert "was hidden" in await network.send("/staffroom ask followup #1 more")
    assert "was hidden" in await network.send(":click Me too")


async def test_resolving_forgets_the_asker(network: ConsoleSession, app: Staffroom) -> None:
    await ask(network)
    assert count(app, store.QUESTION, store.QUESTION.c.asker_hash.is_not(None)) == 1
    out = await network.send("/staffroom ask resolve #1 The boundaries moved")
    assert "Answered, says the asker: The boundaries moved" in out
    assert count(app, store.QUESTION, store.QUESTION.c.asker_hash.is_not(None)) == 0
    assert "No questions yet" in await network.send("/staffroom questions mine")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("/staffroom ask followup", "Which question? Start with its number"),
        ("/staffroom ask followup #9 hello", "There is no question #9"),
        ("/staffroom ask followup #1", "Please write the follow-up"),
        ("/staffroom ask resolve #1 " + "x" * 501, "at most 500 characters"),
        ("/staffroom question hide #1", "Please write the reason"),
        ("/staffroom network questions limit many", "whole number from 1 to 20"),
        ("/staffroom network questions sometimes 3", "Please type"),
    ],
)
async def test_bad_input_gets_a_kind_message(network: ConsoleSession, line: str, says: str) -> None:
    await ask(network)
    await network.send(":as Fran Hughes")
    await network.send("/staffroom facilitator add @Aisha Khan")
    await network.send(":as Aisha Khan")
    assert says in await network.send(line)


async def test_replies_are_their_writers_to_export_and_erase_and_questions_are_nobodys(
    network: ConsoleSession, app: Staffroom
) -> None:
    await ask(network)
    await network.send(":as Tom Patel")
    await network.send(":click Reply")
    await network.send(":fill reply=Same here.")
    await network.send(":submit")
    specs = {spec.name: spec for spec in app.core.registry.personal_data}
    with unit_of_work(app.core.engine) as connection:
        tom = directory.members_named(connection, network_id=1, display_name="Tom Patel")[0]
        aisha = directory.members_named(connection, network_id=1, display_name="Aisha Khan")[0]
        exported = specs["replies to questions"].export(connection, tom.id)
        asked = specs["anonymous questions"].export(connection, aisha.id)
        specs["replies to questions"].erase(connection, tom.id)
    assert exported == [
        {"question": 1, "text": "Same here.", "written_at": "2026-11-23T08:00:00+00:00"}
    ]
    assert asked == []
    assert count(app, question_replies.REPLY) == 0
