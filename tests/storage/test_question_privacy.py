"""Anonymity must be real. A scripted term of anonymous questions, follow-ups, me-toos,
replies, a resolution and a moderation runs through the whole bot; then every table, every log
line and every queued message is searched for a link from an asker to their question — on
SQLite and PostgreSQL. And a second run in which someone else asks must look the same to every
command a leader or facilitator can type, and leave the same database (keyed hashes and
ciphertexts aside)."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import Engine, event, inspect, select, text
from sqlmodel import SQLModel

from adapters.console.sender import ConsoleSender
from adapters.console.session import ConsoleSession, slug
from bot.app import Staffroom, build
from bot.delivery.clock import ManualClock
from bot.kernel.reply_codec import encode_reply
from bot.runtime.config import Settings
from storage import directory
from storage import questions as store
from storage.engine import make_engine
from tests.conftest import START
from tests.fakes import Recorder

ASKERS = ("Aisha Khan", "Ben Carter")
QUESTION_ONE = "Has anyone else seen Paper 2 results dip this summer? Ours fell sharply."
FOLLOWUP = "It was mostly the six-mark questions on rates."
QUESTION_TWO = "How do you keep devising groups moving when one student dominates?"
QUESTION_THREE = "Paper 2 results dipped again for us - did grade boundaries move?"
SECRET_WORDS = (QUESTION_ONE, FOLLOWUP, QUESTION_TWO, QUESTION_THREE, "dominates", "sharply")


def term(first: str, second: str) -> list[str]:
    """A term in a small network; `first` and `second` ask, everyone else does the same."""
    return [
        ":as Fran Hughes@Harbour College admin",
        "/staffroom setup Solent Network",
        *(
            f"/staffroom school add {school}"
            for school in (
                "Ridgeway School",
                "Castle Hill College",
                "Oakwood Academy",
                "Meadowbank",
            )
        ),
        "/staffroom group create A-level Chemistry",
        "/staffroom group create GCSE Drama",
        ":in #chem",
        "/staffroom group link A-level Chemistry",
        ":in #drama",
        "/staffroom group link GCSE Drama",
        ":as Tom Patel@Ridgeway School",
        "/staffroom join A-level Chemistry",
        ":as Fran Hughes",
        "/staffroom group leader A-level Chemistry @Tom Patel",
        ":as Aisha Khan@Castle Hill College",
        "/staffroom join A-level Chemistry",
        "/staffroom join GCSE Drama",
        ":as Ben Carter@Oakwood Academy",
        "/staffroom join A-level Chemistry",
        "/staffroom join GCSE Drama",
        ":as Chloe Evans@Meadowbank",
        "/staffroom join A-level Chemistry",
        "/staffroom join GCSE Drama",
        # The first asker asks in the channel, opting in to notifications.
        f":as {first}",
        ":in #chem",
        "/staffroom ask",
        f":fill question={QUESTION_ONE}; category=Exam results dip; board=AQA; "
        "qualification=A-level Chemistry; paper=Paper 2; notify=yes",
        ":submit",
        ":as Tom Patel",
        ":click Reply",
        ":fill reply=Same here, about half a grade down.",
        ":submit",
        f":as {first}",
        f"/staffroom ask followup #1 {FOLLOWUP}",
        ":click Me too",
        ":as Chloe Evans",
        ":click Me too",
        ":as Tom Patel",
        ":click Me too",
        ":as Ben Carter" if first != "Ben Carter" else ":as Aisha Khan",
        ":click Me too",
        ":tick 1d",
        # The second asker asks from a direct message, then resolves.
        f":as {second}",
        ":dm",
        "/staffroom ask",
        f":fill question={QUESTION_TWO}; category=Teaching approach; group=GCSE Drama",
        ":submit",
        ":as Chloe Evans",
        ":in #drama",
        ":click Reply",
        ":fill reply=Give them a role with a deadline.",
        ":submit",
        f":as {second}",
        "/staffroom ask resolve #2 Roles with deadlines worked",
        # The first asker asks again (a similar question), and a facilitator hides it.
        f":as {first}",
        ":in #chem",
        "/staffroom ask",
        f":fill question={QUESTION_THREE}; category=Grade boundaries; notify=yes",
        ":submit",
        ":click Post anyway",
        ":as Fran Hughes",
        "/staffroom question hide #3 a duplicate of #1",
        # After 30 days the first asker's address is gone: no notice for this reply.
        ":tick 31d",
        ":as Chloe Evans",
        ":in #chem",
        "/staffroom question #1",
        ":click Reply",
        ":fill reply=Boundaries moved nationally, I think.",
        ":submit",
    ]


async def play(session: ConsoleSession, lines: list[str]) -> list[str]:
    return [await session.send(line) for line in lines]


def session_for(app: Staffroom, clock: ManualClock, files: Path) -> ConsoleSession:
    console = Console(file=io.StringIO(), width=200, color_system=None, highlight=False)
    return ConsoleSession(app, clock, console, files)


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in the database (including full-text shadow tables)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for name in inspect(connection).get_table_names():
            rows = connection.execute(text(f'SELECT * FROM "{name}"'))
            tables[name] = [dict(row._mapping) for row in rows]
    return tables


def shown(value: object) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def fail_inserts_into(engine: Engine, table: str) -> None:
    """The database refuses writes to `table` (a full disk, say) from now on."""

    @event.listens_for(engine, "before_cursor_execute")
    def refuse(connection, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            raise engine.dialect.loaded_dbapi.OperationalError("disk I/O error")


async def test_a_term_of_questions_leaves_no_link_from_an_asker_to_their_question(
    app_factory: Callable[[str], Staffroom],
    database_url: str,
    clock: ManualClock,
    tmp_path: Path,
    production_logs: pytest.LogCaptureFixture,
) -> None:
    app = app_factory(database_url)
    session = session_for(app, clock, tmp_path)
    delivered = Recorder(ConsoleSender(session))
    app.worker.add_sender(delivered)
    outputs = await play(session, term(*ASKERS))
    assert "Posted to A-level Chemistry as Anonymous question #3" in "\n".join(outputs)
    # A database failure in the middle of an anonymous act is logged — without the act.
    fail_inserts_into(app.core.engine, "question_followup")
    failed = await play(session, [f":as {ASKERS[0]}", f"/staffroom ask followup #1 {FOLLOWUP}"])
    assert "something went wrong" in failed[-1]

    tables = dump(app.core.engine)
    with app.core.engine.connect() as connection:
        members = {
            row.display_name: row.id
            for row in connection.execute(
                select(directory.MEMBER.c.display_name, directory.MEMBER.c.id)
            )
        }
    askers_of = {1: ASKERS[0], 2: ASKERS[1], 3: ASKERS[0]}
    identities = {name: (name, slug(name)) for name in ASKERS}

    # No question table can hold a member id, except replies (which are named on purpose)...
    member_columns = {
        (t.name, fk.parent.name)
        for t in SQLModel.metadata.sorted_tables
        if t.name.startswith("question")
        for fk in t.foreign_keys
        if fk.column.table.name == "member"
    }
    assert member_columns == {("question_reply", "member_id")}
    # ...and no reply to a question is by its asker.
    number_of = {row["id"]: row["number"] for row in tables["question"]}
    for answer in tables["question_reply"]:
        assert answer["member_id"] != members[askers_of[number_of[answer["question_id"]]]]
    # The askers' names and platform ids appear in no question table (search index included),
    # no timer, and no queued message about their question; the outbox names no asker at all.
    for display, user_id in identities.values():
        for table, rows in tables.items():
            if not (table.startswith("question") or table == "timer"):
                continue
            for row in rows:
                for value in row.values():
                    assert display not in shown(value) and user_id not in shown(value), table
        for row in tables["outbox"]:
            assert row["user_id"] != user_id
        # What went to channels — posts, their threads and every edit of them — names no asker
        # (askers never reply by name in this term). The outbox keeps no words once delivered,
        # so this is read from what the platform was given.
        in_channels = {sent.ref for sent in delivered.sent if sent.destination.channel}
        posted = [sent.reply for sent in delivered.sent if sent.destination.channel]
        posted += [reply for ref, reply in delivered.edited if ref in in_channels]
        assert len(posted) > 10
        for reply in posted:
            assert display not in encode_reply(reply) and user_id not in encode_reply(reply)
    # The asker's notices went out sealed; the address was deleted after 30 days, and the
    # notices queued under it with it.
    assert all(row["notify_sealed"] is None for row in tables["question"])
    assert not any(row["key"].startswith(store.NOTIFY_KEY) for row in tables["outbox"])
    assert [
        row["asker_hash"] is None for row in sorted(tables["question"], key=lambda r: r["number"])
    ] == [
        False,
        True,
        False,
    ]
    # Logs: the failure is there, but no question text, no asker.
    logged = [record.getMessage() + (record.exc_text or "") for record in production_logs.records]
    assert any("event failed: kind=Command" in line for line in logged)
    for line in logged:
        for secret in (*SECRET_WORDS, *ASKERS, *(slug(name) for name in ASKERS)):
            assert secret not in line


async def test_the_asker_was_told_of_a_reply_only_while_opted_in(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    session = session_for(app_factory(database_url), clock, tmp_path)
    outputs = await play(session, term(*ASKERS))
    told = [out for out in outputs if f"→ {ASKERS[0]} (direct message)" in out]
    assert len(told) == 1 and "Tom Patel replied to your anonymous question #1" in told[0]
    assert not any(f"→ {ASKERS[1]} (direct message)" in out for out in outputs)


# --- the same term with someone else asking --------------------------------------------------

OBSERVER_ARGUMENTS = (
    "",
    "#1",
    "#2",
    "#3",
    "#1 a reason",
    "A-level Chemistry",
    "@Aisha Khan",
    "mine",
)
UNREADABLE = {
    "question": {"asker_hash", "notify_sealed"},
    "question_metoo": {"person_hash", "school_hash"},
    "question_quota": {"person_hash"},
    "member_key": {"salt"},  # random salts
    "outbox": {"lease_owner", "lease_until"},
    "workspace_invite": {"code_hash"},  # random codes
}
_RANDOM = re.compile(r"\b[0-9A-F]{3}-[0-9A-F]{3}-[0-9A-F]{3}\b|error [0-9A-F]{6}|/\S+/files\S*")


def comparable(tables: dict[str, list[dict[str, object]]]) -> dict[str, list[str]]:
    """The dump without keyed hashes and ciphertexts (and leases), order-independent."""
    result = {}
    for table, rows in tables.items():
        hidden = UNREADABLE.get(table, set())
        result[table] = sorted(
            repr(
                {
                    column: (
                        "<sealed>"
                        if row.get("user_id") == "sealed" and column == "payload"
                        else shown(value)
                    )
                    for column, value in row.items()
                    if column not in hidden
                }
            )
            for row in rows
        )
    return result


async def _world(
    asking: tuple[str, str],
    sqlite_template: Path,
    tmp_path: Path,
    settings: Callable[[str], Settings],
    logs: pytest.LogCaptureFixture,
) -> tuple[list[str], dict[str, list[str]], list[str]]:
    """Play the term with `asking` as the askers, then every command as each observer; returns
    what the observers saw, the database, and the log."""
    logs.clear()
    folder = tmp_path / "-".join(slug(name) for name in asking)
    folder.mkdir()
    shutil.copy(sqlite_template, folder / "db.sqlite")
    url = f"sqlite:///{folder / 'db.sqlite'}"
    clock = ManualClock(START)
    app = build(settings(url), clock=clock, engine=make_engine(url))
    try:
        session = session_for(app, clock, folder / "files")
        await play(session, term(*asking))
        seen = []
        for spec in app.core.registry:
            for argument in OBSERVER_ARGUMENTS:
                for observer in ("Fran Hughes", "Tom Patel"):
                    await play(session, [f":as {observer}", ":in #chem"])
                    out = await session.send(f"/staffroom {spec.name} {argument}")
                    seen.append(f"{observer}> {spec.name} {argument}\n{_RANDOM.sub('*', out)}")
        logged = [
            _RANDOM.sub("*", f"{r.name} {r.levelname} {r.getMessage()} {r.exc_text or ''}")
            for r in logs.records
        ]
        return seen, comparable(dump(app.core.engine)), logged
    finally:
        app.core.close()
        app.core.engine.dispose()


async def test_whoever_asked_every_leader_and_facilitator_command_shows_the_same(
    sqlite_template: Path,
    tmp_path: Path,
    settings_for: Callable[[str], Settings],
    production_logs: pytest.LogCaptureFixture,
) -> None:
    seen_a, tables_a, logged_a = await _world(
        ASKERS, sqlite_template, tmp_path, settings_for, production_logs
    )
    seen_b, tables_b, logged_b = await _world(
        ASKERS[::-1], sqlite_template, tmp_path, settings_for, production_logs
    )
    assert logged_a == logged_b
    assert any("#1" in out and "Paper 2" in out for out in seen_a)  # the observers did see it
    for one, other in zip(seen_a, seen_b, strict=True):
        assert one == other
    for table in tables_a:
        assert tables_a[table] == tables_b[table], table
