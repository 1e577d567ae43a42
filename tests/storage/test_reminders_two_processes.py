"""Exactly once, for real: two bot processes on one PostgreSQL database, 200 reminders due,
each delivered exactly once between them."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from storage.outbox import OUTBOX, PENDING
from storage.uow import unit_of_work
from tests.meeting_world import TOM, TimeMachine, say, set_up_chemistry

REMINDERS = 200
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
async def test_two_processes_deliver_each_of_200_reminders_exactly_once(
    app_factory: Callable[[str], Staffroom],
    postgres_url: str,
    clock: ManualClock,
    tmp_path: Path,
) -> None:
    app = app_factory(postgres_url)
    set_up_chemistry(app)
    for n in range(REMINDERS):
        say(app, TOM, f'meeting schedule "Session {n:03d}" 2026-11-24 16:00 remind 1h')
    await TimeMachine(app, clock).run_now()  # the announcements go now; the reminders are due later
    app.core.close()

    out, ready = tmp_path / "sent.tsv", tmp_path / "ready"
    ready.mkdir()
    due = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)  # after every 15:00 reminder, before 16:00
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.storage.reminder_worker",
                postgres_url,
                due.isoformat(),
                str(out),
                str(ready),
                name,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for name in ("one", "two")
    ]
    for worker in workers:
        output, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0, output.decode()

    lines = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    reminders = Counter(text for _, _, text in lines if text.startswith("Coming up in 1h"))
    assert len(reminders) == REMINDERS
    assert set(reminders.values()) == {1}
    assert len(lines) == REMINDERS  # nothing else was sent either
    assert set(Counter(name for name, _, _ in lines)) == {"one", "two"}  # both took part
    with unit_of_work(app.core.engine) as connection:
        left = connection.execute(
            select(func.count()).where(OUTBOX.c.status == PENDING, OUTBOX.c.due_at <= due)
        ).scalar_one()
    assert left == 0
