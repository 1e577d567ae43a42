"""Presses at the same moment, on PostgreSQL (where transactions really run side by side;
SQLite's `BEGIN IMMEDIATE` runs them one at a time): live counts end right, the facilitators'
alert is sent once, and an anonymous check-in answer racing the round's close ends detached.

To make the race happen every time rather than now and then, the test holds a lock of its
own on a row every press must write (a check-in's round, which answers lock first; the post's
pending edit, which a me-too or an RSVP writes last): each press gets as far as it can and
waits there. Once the database shows them all waiting, the test lets
go; a press that counted before the others committed would then write a stale count.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import Engine, Select, func, select, text

from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.kernel.events import Actor, ButtonPress, Command, Event, Place
from bot.kernel.replies import Context, Reply, Text
from bot.kernel.reply_codec import decode_reply
from bot.meetings.render import RSVP_ACTION
from bot.questions.render import METOO
from storage.checkins import ANSWER, ROUND
from storage.outbox import OUTBOX
from storage.tables import table
from storage.uow import unit_of_work

pytestmark = pytest.mark.postgres

TEACHERS = [(f"Teacher {n}", f"School {n}") for n in range(1, 7)]
CHEM = "chem"
WAIT_FOR_PRESSES = 60.0  # seconds: a guard against hanging, never a measurement


@pytest.fixture
async def group(
    app_factory: Callable[[str], Staffroom], postgres_url: str, clock: ManualClock, tmp_path: Path
) -> ConsoleSession:
    """A-level Chemistry in #chem, led by Tom Patel, with six teachers from six schools."""
    console = Console(file=io.StringIO(), width=200, color_system=None, highlight=False)
    session = ConsoleSession(app_factory(postgres_url), clock, console, tmp_path / "files")
    lines = [
        ":as Fran Hughes@Harbour College admin",
        "/staffroom setup Solent Network",
        "/staffroom group create A-level Chemistry",
        f":in #{CHEM}",
        "/staffroom group link A-level Chemistry",
        ":as Tom Patel@Ridgeway School",
        "/staffroom join",
        ":as Fran Hughes",
        "/staffroom group leader A-level Chemistry @Tom Patel",
    ]
    for name, school in TEACHERS:
        lines += [f":as {name}@{school}", "/staffroom join"]
    for line in lines:
        await session.send(line)
    return session


def actor(session: ConsoleSession, name: str) -> Actor:
    return Actor("console", session.workspace, name.lower().replace(" ", "-"), name)


def in_channel(session: ConsoleSession) -> Place:
    return Place("console", session.workspace, channel=CHEM, channel_name=CHEM)


def edits_of(key_prefix: str) -> Select[Any]:
    """Every pending-edit row whose key starts with `key_prefix`."""
    return select(OUTBOX.c.id).where(
        OUTBOX.c.key.startswith(key_prefix), OUTBOX.c.key.endswith("~edit")
    )


def the_round(round_id: int) -> Select[Any]:
    """The check-in round's row, which every answer and the close lock first."""
    return select(ROUND.c.id).where(ROUND.c.id == round_id)


@contextmanager
def rows_held(engine: Engine, rows: Select[Any]) -> Iterator[None]:
    """Hold `rows` locked until the block ends, as a slow transaction of the bot's own would."""
    with engine.connect() as connection, connection.begin():
        held = connection.execute(rows.with_for_update()).all()
        assert held, "no row to hold"
        yield


def wait_until_waiting(engine: Engine, count: int) -> None:
    """Until `count` transactions of this database wait for a lock."""
    deadline = time.monotonic() + WAIT_FOR_PRESSES
    while True:
        with engine.connect() as connection:
            waiting = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        if waiting >= count:
            return
        assert time.monotonic() < deadline, f"only {waiting} of {count} presses got going"
        time.sleep(0.01)


def press_together(
    session: ConsoleSession, engine: Engine, events: list[Event], *, holding: Select[Any]
) -> list[Reply | None]:
    """Handle `events` in threads of their own, all stopped at the held rows, then let go."""
    with ThreadPoolExecutor(max_workers=len(events)) as pool:
        with rows_held(engine, holding):
            futures = []
            for waiting, event in enumerate(events, start=1):
                futures.append(pool.submit(session.core.handle_now, event))
                wait_until_waiting(engine, waiting)  # in this order, each one in the race
        return [future.result(timeout=WAIT_FOR_PRESSES) for future in futures]


def pending_edit(engine: Engine, key_prefix: str) -> str:
    """Every text of the post's pending edit (the newest content written for it)."""
    with unit_of_work(engine) as connection:
        payload = connection.execute(
            select(OUTBOX.c.payload).where(
                OUTBOX.c.key.startswith(key_prefix),
                OUTBOX.c.key.endswith("~edit"),
                OUTBOX.c.status == "pending",
            )
        ).scalar_one()
    return " ".join(
        block.text for block in decode_reply(payload).blocks if isinstance(block, Text | Context)
    )


async def test_check_in_answers_pressed_together_are_all_counted(
    group: ConsoleSession,
) -> None:
    session, engine = group, group.core.engine
    await session.send(":as Tom Patel")
    await session.send("/staffroom checkin open How are the mocks going?")
    await session.send(":as Teacher 1")
    await session.send(":click Got it")  # the post's first edit, which the race will hold
    with unit_of_work(engine) as connection:
        round_id = connection.execute(select(ROUND.c.id)).scalar_one()
    presses: list[Event] = [
        ButtonPress(
            actor(session, name), in_channel(session), "checkin.answer", f"{round_id}:amber"
        )
        for name, _ in TEACHERS[1:]
    ]
    replies = press_together(session, engine, presses, holding=the_round(round_id))
    assert all("Thanks" in reply.fallback_text() for reply in replies if reply)
    minute = await session.send(":tick 1m")  # the round's minute timer edits the message
    assert "🟢 1 · 🟠 5 · 🔴 0 (6 answers)" in minute


@pytest.mark.parametrize("close_first", [False, True], ids=["answer-first", "close-first"])
async def test_an_anonymous_answer_racing_the_close_ends_detached(
    group: ConsoleSession, close_first: bool
) -> None:
    """Answer first: the close must detach an answer it could not yet see (PostgreSQL's
    foreign-key lock on the round already makes the close wait). Close first: an answer that
    read the round as open before the close committed must not be saved — only the round's
    lock stops that one."""
    session, engine = group, group.core.engine
    await session.send(":as Tom Patel")
    await session.send("/staffroom checkin open How are the mocks going?")
    await session.send(":as Teacher 1")
    await session.send(":click Got it")
    with unit_of_work(engine) as connection:
        round_id = connection.execute(select(ROUND.c.id)).scalar_one()
    place = in_channel(session)
    answer = Command(actor(session, "Teacher 2"), place, "checkin red anonymously")
    close = Command(actor(session, "Tom Patel"), place, "checkin close A-level Chemistry")
    race: list[Event] = [close, answer] if close_first else [answer, close]
    replies = press_together(session, engine, race, holding=the_round(round_id))
    answered, closed = (replies[1], replies[0]) if close_first else (replies[0], replies[1])
    assert closed is not None and "Closed the" in closed.fallback_text()
    with unit_of_work(engine) as connection:
        rows = connection.execute(
            select(ANSWER.c.member_id, ANSWER.c.note).where(
                ANSWER.c.round_id == round_id, ANSWER.c.anonymous.is_(True)
            )
        ).all()
        still_open = connection.execute(
            select(func.count()).select_from(ROUND).where(ROUND.c.closed_at.is_(None))
        ).scalar_one()
    assert still_open == 0
    assert all(tuple(row) == (None, None) for row in rows)
    # Either the answer was counted before the close, or it was told the round had closed.
    assert answered is not None
    assert len(rows) == 1 or "closed" in answered.fallback_text()


async def _ask(session: ConsoleSession) -> int:
    await session.send(":as Teacher 6")
    await session.send(f":in #{CHEM}")
    await session.send("/staffroom ask")
    await session.send(
        ":fill question=Has anyone else seen a dip in Paper 2?; category=Exam results dip"
    )
    await session.send(":submit")
    with unit_of_work(session.core.engine) as connection:
        return int(connection.execute(select(table("question").c.id)).scalar_one())


def _alerts(engine: Engine) -> int:
    with unit_of_work(engine) as connection:
        return int(
            connection.execute(
                select(func.count()).select_from(OUTBOX).where(OUTBOX.c.purpose == "question.alert")
            ).scalar_one()
        )


async def test_me_too_pressed_together_counts_every_school_and_alerts_once(
    group: ConsoleSession,
) -> None:
    session, engine = group, group.core.engine
    question_id = await _ask(session)
    await session.send(":as Teacher 1")
    await session.send(":click Me too")  # one school; the alert comes at three
    presses: list[Event] = [
        ButtonPress(actor(session, name), in_channel(session), METOO, str(question_id))
        for name, _ in TEACHERS[1:3]
    ]
    press_together(session, engine, presses, holding=edits_of(f"question:{question_id}@"))
    assert "Seen at 3 schools" in pending_edit(engine, f"question:{question_id}@")
    assert _alerts(engine) == 1


async def test_me_too_pressed_at_once_by_many_schools_alerts_exactly_once(
    group: ConsoleSession,
) -> None:
    """No held lock here: five schools press at the same instant, the threshold is five, and
    each press's own count decides whether it alerts."""
    session, engine = group, group.core.engine
    await session.send(":as Fran Hughes")
    await session.send("/staffroom network questions alert 5")
    question_id = await _ask(session)
    start = threading.Barrier(5)

    def press(name: str) -> Reply | None:
        event = ButtonPress(actor(session, name), in_channel(session), METOO, str(question_id))
        start.wait()
        return session.core.handle_now(event)

    with ThreadPoolExecutor(max_workers=5) as pool:
        replies = list(pool.map(press, [name for name, _ in TEACHERS[:5]]))
    assert all(reply and "your school is counted" in reply.fallback_text() for reply in replies)
    assert "Seen at 5 schools" in pending_edit(engine, f"question:{question_id}@")
    assert _alerts(engine) == 1


async def test_rsvps_pressed_together_are_all_counted(
    group: ConsoleSession,
) -> None:
    session, engine = group, group.core.engine
    await session.send(":as Tom Patel")
    await session.send(f":in #{CHEM}")
    await session.send('/staffroom meeting schedule "Moderation twilight" 2026-12-03 16:00')
    await session.send(":as Teacher 1")
    await session.send(":click Going")
    sessions = table("meeting_session")
    with unit_of_work(engine) as connection:
        session_id = connection.execute(select(sessions.c.id)).scalar_one()
    presses: list[Event] = [
        ButtonPress(actor(session, name), in_channel(session), RSVP_ACTION, f"{session_id}:going")
        for name, _ in TEACHERS[1:5]
    ]
    press_together(session, engine, presses, holding=edits_of(f"announce:{session_id}:"))
    assert "Going 5 · Maybe 0" in pending_edit(engine, f"announce:{session_id}:")
