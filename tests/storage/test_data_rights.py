"""`my data` holds everything about a member and `forget me` leaves nothing, checked against a
dump of every table — so tables that later features add are covered without changing this.

The member uses the bot the way a teacher would (joins, leads, chats, gets direct messages),
and then every example of every registered command is run as them, so a feature whose
examples create data about the person running them is exercised here too.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from bot.clock import ManualClock
from bot.outbox import Outbox
from bot.replies import Reply
from storage import activity_weeks, directory
from storage.tables import table
from storage.uow import unit_of_work

NAME = "Zebedee Quartermaine"
USER_ID = "zebedee-quartermaine"  # the console's id for that name


def _member_columns(table: Any) -> list[str]:
    """Columns that point at a member row."""
    return [
        column.name
        for column in table.columns
        if any(fk.column.table.name == "member" for fk in column.foreign_keys)
    ]


def rows_about(engine: Engine, member_id: int) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Every row of every table that is about the member: (table, row, linked by id).

    A row is about them when it is their member row, points at it, or has text that contains
    their name or their chat user id.
    """
    with unit_of_work(engine) as connection:
        for table in SQLModel.metadata.sorted_tables:
            linking = _member_columns(table)
            for row in connection.execute(select(table)).mappings():
                linked = (table.name == "member" and row["id"] == member_id) or any(
                    row[name] == member_id for name in linking
                )
                mentioned = any(
                    isinstance(value, str) and (NAME in value or USER_ID in value)
                    for value in row.values()
                )
                if linked or mentioned:
                    yield table.name, dict(row), linked


@pytest.fixture
def session(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock, tmp_path: Path
) -> ConsoleSession:
    console = Console(file=io.StringIO(), width=200, color_system=None, highlight=False)
    return ConsoleSession(app_factory(database_url), clock, console, tmp_path / "files")


NETWORK = (":as Fran Hughes@Harbour College admin", "/staffroom setup Solent Network")


async def _play(bot: ConsoleSession, *lines: str) -> str:
    output = ""
    for line in lines:
        output = await bot.send(line)
    return output


async def test_my_data_holds_everything_and_forget_me_leaves_nothing(
    session: ConsoleSession, tmp_path: Path
) -> None:
    bot = session
    await _play(
        bot,
        *NETWORK,
        "/staffroom school add Ridgeway School",
        "/staffroom group create A-level Chemistry — practicals",
        "/staffroom group create GCSE Drama — devising",
        ":in #chemistry",
        "/staffroom group link A-level Chemistry",
        ":in #drama",
        "/staffroom group link GCSE Drama",
        ":as Olive Other@Ridgeway School",
        "/staffroom join GCSE Drama",
        "Olive's message",
        f":as {NAME}@Ridgeway School",
        "/staffroom join GCSE Drama",
        "a message in drama",
        "another one",
        ":as Fran Hughes",
        f"/staffroom group leader GCSE Drama @{NAME}",
        f":as {NAME}",
        ":in #chemistry",
    )
    # Every command's examples, as the member, in a linked channel.
    for spec in list(bot.core.registry):
        for example in spec.examples:
            await bot.send(f"/staffroom {example}")
    await _play(bot, "/staffroom join A-level Chemistry", "a message in chemistry", ":tick 2d")
    with unit_of_work(bot.core.engine) as connection:
        member = directory.member_for_identity(
            connection, platform="console", workspace="console", user_id=USER_ID
        )
        assert member is not None
        # A direct message queued for later, such as a reminder.
        Outbox(connection, bot.clock.now(), member.network_id).to_member(
            member.id,
            key="test.reminder",
            reply=Reply.say("Reminder for you: moderation on Thursday"),
            purpose="test",
            due_at=bot.clock.now() + timedelta(days=3),
        )
    held = list(rows_about(bot.core.engine, member.id))
    assert {name for name, _, linked in held if linked} >= {
        "member",
        "identity",
        "membership",
        "activity_day",
    }

    await bot.send("/staffroom my data")
    await bot.send(":tick 1m")
    export = (tmp_path / "files" / "staffroom-my-data.json").read_text(encoding="utf-8")
    document = json.loads(export)
    declared = {spec.name for spec in bot.core.registry.personal_data}
    assert {section["name"] for section in document["sections"]} == declared
    for table_name, row, linked in held:
        if not linked:
            continue
        for column, value in row.items():
            if isinstance(value, str) and value:
                assert json.dumps(value, ensure_ascii=False) in export, (table_name, column, value)
    assert "Reminder for you: moderation on Thursday" in export
    assert "GCSE Drama" in export and "leader" in export

    weeks_before = _weekly_totals(bot)
    await bot.send("/staffroom forget me")
    done = await bot.send(":click Erase my data")
    assert "erased everything" in done

    left = list(rows_about(bot.core.engine, member.id))
    assert left == [], left
    # Everyone else's data stays, and the weekly figures the member was part of too.
    with unit_of_work(bot.core.engine) as connection:
        olive = directory.members_named(
            connection, network_id=member.network_id, display_name="Olive Other"
        )
        assert len(olive) == 1
    assert _weekly_totals(bot) == weeks_before
    assert sum(messages for messages, _ in weeks_before.values()) >= 4


def _weekly_totals(bot: ConsoleSession) -> dict[tuple[int, Any], tuple[int, int]]:
    with unit_of_work(bot.core.engine) as connection:
        network = directory.list_networks(connection)[0]
        activity_weeks.roll_up_recent(connection, network_id=network.id)
        weeks = activity_weeks.weekly_activity(
            connection, network_id=network.id, since=bot.clock.now().date().replace(year=2020)
        )
    return {(w.group_id, w.week): (w.messages, w.active_members) for w in weeks}


async def test_the_export_is_sent_privately_and_not_kept(session: ConsoleSession) -> None:
    bot = session
    await _play(bot, *NETWORK, ":as Nell Newcomer@Harbour College", ":in #general")
    said = await bot.send("/staffroom my data")
    assert "→ Nell Newcomer (direct message)" in said
    assert "in #general" not in said.split("direct message")[1]
    await bot.send(":tick 2d")  # the daily upkeep drops delivered copies of exports
    with unit_of_work(bot.core.engine) as connection:
        outbox = table("outbox")
        purposes = list(connection.execute(select(outbox.c.purpose)).scalars())
    assert "privacy.export" not in purposes, purposes
