"""What a copy of the SQLite files shows after the bot detaches or erases something.

An adversary copies the database file and its `-wal` while the bot runs. After each detaching
operation — a check-in round closing, a question resolved, a question hidden, a draft
discarded, a day's asking counts expiring, a member erased — the bytes of both files are
searched (`strings`-style) for what was removed: the anonymous note, the asker's keyed hash,
the sealed notification address, the draft's words, the quota hash, the erased name.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from storage.engine import make_engine
from storage.tables import table
from storage.uow import unit_of_work
from tests.unit.checkin_world import MEMBERS, open_round, play, set_up_group

QUESTION = table("question")
QUOTA = table("question_quota")


def file_bytes(engine: Engine) -> bytes:
    """The database file and its WAL as a copy taken right now would hold them."""
    path = Path(str(engine.url.database))
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def holds(engine: Engine, *words: str) -> list[str]:
    data = file_bytes(engine)
    return [word for word in words if word.encode() in data]


async def group_with_members(bot: ConsoleSession) -> ConsoleSession:
    await set_up_group(bot)
    for name, school in MEMBERS:
        await play(bot, f":as {name}@{school}", "/staffroom join")
    return bot


def question_secrets(engine: Engine, number: int) -> tuple[str, str]:
    with unit_of_work(engine) as connection:
        row = connection.execute(
            select(QUESTION.c.asker_hash, QUESTION.c.notify_sealed).where(
                QUESTION.c.number == number
            )
        ).one()
    return row.asker_hash, row.notify_sealed


async def ask(bot: ConsoleSession, who: str, words: str) -> str:
    return await play(
        bot,
        f":as {who}",
        ":in #chem",
        "/staffroom ask",
        f":fill question={words}; category=Exam results dip; notify=yes",
        ":submit",
    )


async def test_an_anonymous_answer_closed_leaves_no_note_in_the_files(bot: ConsoleSession) -> None:
    group = await group_with_members(bot)
    note = "Zanzibar titration worry"
    await open_round(group)
    await play(
        group,
        ":as Dev Sharma",
        ":click Add a note",
        f":fill colour=red; note={note}; anonymous=yes",
        ":submit",
    )
    assert holds(group.core.engine, note) == [note]  # the test can see it while it is held
    await play(group, ":as Tom Patel", "/staffroom checkin close")
    assert holds(group.core.engine, note) == []


async def test_resolving_and_hiding_leave_no_hash_or_address_in_the_files(
    bot: ConsoleSession,
) -> None:
    group = await group_with_members(bot)
    engine = group.core.engine
    await ask(group, "Aisha Khan", "Did Paper 2 grade boundaries move for you?")
    resolved_hash, resolved_seal = question_secrets(engine, 1)
    await ask(group, "Ben Carter", "Our mocks are marked harshly, is yours the same?")
    _, hidden_seal = question_secrets(engine, 2)
    assert len(holds(engine, resolved_hash, resolved_seal, hidden_seal)) == 3
    await play(group, ":as Aisha Khan", "/staffroom ask resolve #1 Boundaries moved")
    await play(group, ":as Fran Hughes", "/staffroom question hide #2 off topic")
    assert holds(engine, resolved_hash, resolved_seal, hidden_seal) == []


async def test_a_discarded_draft_and_an_expired_count_leave_nothing_in_the_files(
    bot: ConsoleSession,
) -> None:
    group = await group_with_members(bot)
    engine = group.core.engine
    await ask(group, "Aisha Khan", "Paper 2 results dipped sharply this summer")
    draft = "Paper 2 results dipped for us too quokka"
    out = await ask(group, "Ben Carter", draft)
    assert "Post anyway" in out
    assert holds(engine, draft) == [draft]
    await play(group, ":click Don't post")
    assert holds(engine, draft) == []
    with unit_of_work(engine) as connection:
        counted = [row.person_hash for row in connection.execute(select(QUOTA.c.person_hash))]
    assert len(holds(engine, *counted)) == 1
    await play(group, ":tick 2d")
    assert holds(engine, *counted) == []


async def test_forget_me_leaves_no_name_in_the_files(bot: ConsoleSession) -> None:
    group = await group_with_members(bot)
    name = "Quentin Zephyrine"
    await play(
        group,
        f":as {name}@Harbour College",
        "/staffroom join",
        ":click Got it",
    )
    assert holds(group.core.engine, name) == [name]
    await play(group, "/staffroom forget me", ":click Erase my data")
    assert holds(group.core.engine, name, "quentin-zephyrine") == []


def test_the_database_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
        with unit_of_work(engine) as connection:
            connection.execute(text("CREATE TABLE note (t TEXT)"))
            connection.execute(text("INSERT INTO note VALUES ('x')"))
        modes = {
            path.name: stat.S_IMODE(path.stat().st_mode) for path in sorted(tmp_path.iterdir())
        }
        engine.dispose()
    finally:
        os.umask(old)
    assert modes == {"new.db": 0o600, "new.db-shm": 0o600, "new.db-wal": 0o600}


@pytest.mark.postgres
async def test_postgresql_keeps_no_dead_row_version_of_a_resolved_question(
    app_factory: Callable[[str], Staffroom], postgres_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    engine = make_engine(postgres_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    except DBAPIError:
        pytest.skip("the pageinspect extension is needed to read PostgreSQL's pages")
    app = app_factory(postgres_url)
    console = Console(file=io.StringIO(), width=200, color_system=None, highlight=False)
    group = await group_with_members(ConsoleSession(app, clock, console, tmp_path))
    await ask(group, "Aisha Khan", "Did Paper 2 grade boundaries move for you?")
    asker_hash, sealed = question_secrets(engine, 1)

    def pages_hold(word: str) -> bool:
        with engine.connect() as connection:
            pages = connection.execute(
                text("SELECT pg_relation_size('question') / current_setting('block_size')::int")
            ).scalar_one()
            return any(
                word.encode()
                in connection.execute(
                    text("SELECT get_raw_page('question', :n)"), {"n": n}
                ).scalar_one()
                for n in range(pages)
            )

    assert pages_hold(asker_hash)
    await play(group, ":as Aisha Khan", "/staffroom ask resolve #1 Boundaries moved")
    assert not pages_hold(asker_hash) and not pages_hold(sealed[:40])
    engine.dispose()


async def test_me_too_rows_keep_no_order_of_pressing(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    app = app_factory(database_url)
    console = Console(file=io.StringIO(), width=200, color_system=None, highlight=False)
    group = await group_with_members(ConsoleSession(app, clock, console, tmp_path))
    await ask(group, "Aisha Khan", "Did Paper 2 grade boundaries move for you?")
    for name, _ in MEMBERS[1:]:
        await play(group, f":as {name}", "/staffroom question #1", ":click Me too")
    await play(group, ":tick 1d")  # the daily rewrite
    with app.core.engine.connect() as connection:
        if connection.dialect.name == "sqlite":  # rows are stored in key order, nothing else
            with pytest.raises(DBAPIError):
                connection.execute(text("SELECT rowid FROM question_metoo"))
            in_storage = "SELECT person_hash FROM question_metoo"
        else:  # the order rows are stored in, and the transaction that wrote each
            writers = connection.execute(text("SELECT DISTINCT xmin::text FROM question_metoo"))
            assert len(writers.all()) == 1
            in_storage = "SELECT person_hash FROM question_metoo ORDER BY ctid"
        stored = connection.execute(text(in_storage)).scalars().all()
        connection.rollback()
    assert len(stored) == len(MEMBERS) - 1 and stored == sorted(stored)
