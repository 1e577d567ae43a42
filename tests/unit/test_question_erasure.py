"""Erasure that two backups cannot attribute: every table is dumped before and after a member's
`forget me`, and no question, "me too", daily count or follow-up row may change; the sealed
addresses then change for everyone alike at the nightly reseal."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from bot.privacy.anonymity import is_asker, open_address
from storage import directory
from storage import questions as store
from storage.uow import unit_of_work
from tests.unit.question_world import ask, reply_to, set_up_network


@pytest.fixture
async def network(bot: ConsoleSession) -> ConsoleSession:
    return await set_up_network(bot)


def backup(app: Staffroom) -> dict[str, list[dict[str, object]]]:
    """Every row of every table, as a backup holds them."""
    with unit_of_work(app.core.engine) as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(select(table))]
            for table in SQLModel.metadata.sorted_tables
        }


def changed(
    before: dict[str, list[dict[str, object]]], after: dict[str, list[dict[str, object]]]
) -> set[str]:
    def rows(held: list[dict[str, object]]) -> set[str]:
        return {repr(sorted(row.items())) for row in held}

    return {name for name in before if rows(before[name]) != rows(after[name])}


async def test_two_backups_around_forget_me_cannot_show_what_the_member_asked(
    network: ConsoleSession, app: Staffroom
) -> None:
    await network.send(":as Ben Carter@Oakwood Academy")
    await network.send("/staffroom join A-level Chemistry")
    await ask(network, "How do others teach titration?", extra="; notify=yes")  # Ben's #1
    await network.send(":as Aisha Khan")
    await ask(network, extra="; notify=yes")  # Aisha's #2
    await network.send("/staffroom question #1")
    await network.send(":click Me too")
    assert "→ Aisha Khan (direct message)" in await reply_to(network, 2, "Same here.")
    secret = app.core.config.secret
    with unit_of_work(app.core.engine) as connection:
        aisha = directory.members_named(connection, network_id=1, display_name="Aisha Khan")[0]
    before = backup(app)
    await network.send(":as Aisha Khan")
    await network.send("/staffroom forget me")
    await network.send(":click Erase my data")
    after = backup(app)

    # Only what is named by her went: no question, "me too", daily count or follow-up changed,
    # so the diff of two backups points at none of hers.
    assert changed(before, after) <= {
        "member",
        "identity",
        "member_key",
        "membership",
        "outbox",
        "timer",
        "activity_day",
        "platform_delivery",
        "question_reply",
    }
    assert {"member", "member_key"} <= changed(before, after)
    # Without her salt nobody can test her hashes, even with the secret and her old id.
    with unit_of_work(app.core.engine) as connection:
        hers = store.get_question(connection, question_id=2)
    assert hers is not None and hers.asker_hash is not None
    assert not is_asker(secret, hers.asker_hash, question_id=2, person=str(aisha.id))
    # A reply to her question tells nobody now; Ben is still told of replies to his.
    assert "direct message" not in await reply_to(network, 2, "And another thing.")
    assert "→ Ben Carter (direct message)" in await reply_to(network, 1, "Burettes first.")

    # At the upkeep's hour every sealed address changes, for everyone alike; hers now names
    # nobody, Ben's still names him.
    sealed = {row["id"]: row["notify_sealed"] for row in backup(app)["question"]}
    await network.send(":tick 1d")
    resealed = {row["id"]: row["notify_sealed"] for row in backup(app)["question"]}
    assert all(resealed[n] != sealed[n] and resealed[n] is not None for n in (1, 2))
    assert open_address(secret, str(resealed[1]))[2] == "ben-carter"
    assert open_address(secret, str(resealed[2]))[2] not in ("aisha-khan", "")
    assert "→ Ben Carter (direct message)" in await reply_to(network, 1, "And pipettes.")
