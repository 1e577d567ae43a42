"""`my data` holds everything about a member and `forget me` leaves nothing, checked against a
dump of every table — so tables that later features add are covered without changing this.

The member uses the bot the way a teacher would (joins, leads, chats, gets direct messages),
and then every example of every registered command is run as them, so a feature whose
examples create data about the person running them is exercised here too. Then the member
appears in messages to other people — the leader's notice of their red check-in answer with
its note, the leader's summary, introductions, their reply to a question and the asker's
sealed notice of it — sent, or still waiting when they erase their data.
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
from bot.delivery.clock import ManualClock
from bot.delivery.outbox import Outbox
from bot.delivery.ports import Destination, RateLimited
from bot.kernel.replies import Reply
from bot.privacy.anonymity import SEALED, open_message
from storage import activity_weeks, directory, networks
from storage.tables import table
from storage.uow import unit_of_work
from tests.conftest import TEST_SECRET
from tests.fakes import FakeChat
from tests.unit.checkin_world import set_up_group

NAME = "Zebedee Quartermaine"
USER_ID = "zebedee-quartermaine"  # the console's id for that name
NOTE = "titration curves with my Year 12s"  # their note to a red check-in answer
REPLY = "We moved the practical to week 3"  # their reply to an anonymous question


def _member_columns(table: Any) -> list[str]:
    """Columns that point at a member row."""
    return [
        column.name
        for column in table.columns
        if any(fk.column.table.name == "member" for fk in column.foreign_keys)
    ]


def _texts(table_name: str, row: Any) -> Iterator[str]:
    """The row's text values, and what a sealed outbox message says and whom it goes to."""
    yield from (value for value in row.values() if isinstance(value, str))
    if table_name == "outbox" and row["user_id"] == SEALED and row["payload"]:
        destination, reply = open_message(TEST_SECRET.encode(), row["payload"])
        yield f"{destination.user_id} {reply.fallback_text()} {reply!r}"


def rows_about(
    engine: Engine, member_id: int, words: tuple[str, ...] = (NAME, USER_ID)
) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Every row of every table that is about the member: (table, row, linked by id).

    A row is about them when it is their member row, points at it, or has text (sealed text
    included) that contains one of `words`: their name and chat user id unless told.
    """
    with unit_of_work(engine) as connection:
        for table in SQLModel.metadata.sorted_tables:
            linking = _member_columns(table)
            for row in connection.execute(select(table)).mappings():
                linked = (table.name == "member" and row["id"] == member_id) or any(
                    row[name] == member_id for name in linking
                )
                mentioned = any(word in text for text in _texts(table.name, row) for word in words)
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
        network = networks.list_networks(connection)[0]
        activity_weeks.roll_up_recent(connection, network_id=network.id)
        weeks = activity_weeks.ACTIVITY_WEEK
        rows = connection.execute(
            select(weeks.c.group_id, weeks.c.week, weeks.c.messages, weeks.c.active_members).where(
                weeks.c.network_id == network.id
            )
        )
    return {(w.group_id, w.week): (w.messages, w.active_members) for w in rows}


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


# --- the member in messages to other people ---------------------------------------------------

GROUP = (  # after set_up_group: A-level Chemistry in #chem, led by Tom Patel
    ":as Aisha Khan@Harbour College",
    "/staffroom join",
    ":as Olive Other@Castle Hill College",
    "/staffroom join",
    f":as {NAME}@Ridgeway School",
    "/staffroom join",
    ":as Tom Patel",
    "/staffroom checkin open How are the practicals going? closing in 1d",
    ":as Olive Other",  # asks anonymously, to be told of replies
    "/staffroom ask",
    ":fill question=Is anyone else short of burettes?; category=Teaching approach; notify=yes",
    ":submit",
    ":as Aisha Khan",
    "/staffroom checkin green",
)
NAMED_BY_THEM = (
    f":as {NAME}",
    f"/staffroom checkin red {NOTE}",  # the leader is told, by name, with the note
    ":click Reply",  # under Olive's question, which tells her (sealed)
    f":fill reply={REPLY}",
    ":submit",
)
WORDS = (NAME, USER_ID, NOTE, REPLY)


def _member_id(bot: ConsoleSession) -> int:
    with unit_of_work(bot.core.engine) as connection:
        member = directory.member_for_identity(
            connection, platform="console", workspace="console", user_id=USER_ID
        )
    assert member is not None
    return member.id


async def _forget(bot: ConsoleSession) -> None:
    await _play(bot, f":as {NAME}", "/staffroom forget me")
    assert "erased everything" in await bot.send(":click Erase my data")


async def test_after_forget_me_no_message_to_anyone_names_them(session: ConsoleSession) -> None:
    bot = session
    await set_up_group(bot)
    await _play(bot, *GROUP, *NAMED_BY_THEM)
    told = await _play(bot, ":as Tom Patel", "/staffroom checkin close")
    assert f"{NAME} (Ridgeway School) — “{NOTE}”" in told  # the leader's summary
    introduced = await bot.send(":click Send introductions")
    assert "Introductions sent to 1 group" in introduced and NAME in introduced
    await bot.send(":tick 1m")
    member_id = _member_id(bot)
    assert {name for name, _, _ in rows_about(bot.core.engine, member_id, WORDS)} >= {
        "member",
        "question_reply",
    }

    await _forget(bot)
    left = list(rows_about(bot.core.engine, member_id, WORDS))
    assert left == [], left


class PlatformDown:
    """A console platform that asks for an hour's wait every time."""

    platform = "console"

    async def send(self, destination: Destination, reply: Reply) -> str:
        raise RateLimited(3600)

    async def edit(self, message_ref: str, reply: Reply) -> None:
        raise RateLimited(3600)


async def test_messages_naming_them_still_waiting_are_not_sent_after_forget_me(
    session: ConsoleSession,
) -> None:
    bot = session
    await set_up_group(bot)
    await _play(bot, *GROUP)
    bot.worker.add_sender(PlatformDown())
    await _play(bot, *NAMED_BY_THEM, ":tick 1m")  # the leader's notice goes out on the minute
    member_id = _member_id(bot)
    waiting = [
        row["purpose"]
        for name, row, _ in rows_about(bot.core.engine, member_id, WORDS)
        if name == "outbox"
    ]
    assert sorted(waiting) == ["checkin.red", "question.notify", "question.thread"]

    await _forget(bot)
    chat = FakeChat()
    bot.worker.add_sender(chat)
    await bot.send(":tick 2h")
    delivered = [f"{sent.destination} {sent.reply!r}" for sent in chat.sent]
    delivered += [f"{ref} {reply!r}" for ref, reply in chat.edits]
    assert delivered, "the platform is back and what was waiting went out (the live counts)"
    for shown in delivered:
        assert not any(word in shown for word in WORDS), shown
    left = list(rows_about(bot.core.engine, member_id, WORDS))
    assert left == [], left
