"""Sealed direct messages on both databases: the outbox row names nobody and says nothing
readable; the delivery worker opens it with the server secret just before sending, and a
message sealed under another secret fails quietly instead of going anywhere."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.anonymity import SEALED, seal_address, seal_message
from bot.app import Staffroom
from bot.clock import ManualClock
from bot.delivery import DeliveryWorker
from bot.replies import Reply
from storage.outbox import FAILED, OUTBOX, SENT
from storage.uow import unit_of_work
from tests.conftest import TEST_SECRET
from tests.fakes import FakeChat, PermanentFailure

SECRET = TEST_SECRET.encode()


def _queue_sealed(app: Staffroom, secret: bytes) -> None:
    address = seal_address(secret, platform="console", workspace="w1", user_id="U0ASKER")
    with app.core.transaction() as ctx:
        ctx.outbox.to_sealed(
            platform="console",
            payload=seal_message(secret, address, Reply.say("A reply to your question #4")),
            key="question-notify:4:1",
            purpose="question.notify",
        )


def _worker(app: Staffroom, chat: FakeChat) -> DeliveryWorker:
    return DeliveryWorker(
        engine=app.core.engine,
        senders={"console": chat},
        clock=app.core.clock,
        run_in_db=app.core.run_in_db,
        channel_interval=0,
        secret=SECRET,
    )


async def test_a_sealed_message_reaches_its_person_and_its_row_names_nobody(
    app_factory: Callable[[str], Staffroom], database_url: str
) -> None:
    app = app_factory(database_url)
    chat = FakeChat()
    _queue_sealed(app, SECRET)
    with unit_of_work(app.core.engine) as connection:
        row = connection.execute(select(OUTBOX)).one()
    assert (row.workspace, row.user_id, row.channel) == (SEALED, SEALED, None)
    readable = base64.urlsafe_b64decode(row.payload)
    assert b"U0ASKER" not in readable and b"question #4" not in readable
    assert await _worker(app, chat).deliver_due() == 1
    [sent] = chat.sent
    assert (sent.destination.workspace, sent.destination.user_id) == ("w1", "U0ASKER")
    assert sent.reply.fallback_text() == "A reply to your question #4"
    with unit_of_work(app.core.engine) as connection:
        assert connection.execute(select(OUTBOX.c.status)).scalar() == SENT


async def test_a_message_sealed_under_another_secret_is_not_sent(
    app_factory: Callable[[str], Staffroom], database_url: str
) -> None:
    app = app_factory(database_url)
    chat = FakeChat()
    _queue_sealed(app, b"the-secret-before-it-was-rotated")
    await _worker(app, chat).deliver_due()
    assert chat.sent == []
    with unit_of_work(app.core.engine) as connection:
        statuses = list(connection.execute(select(OUTBOX.c.status)).scalars())
    assert statuses == [FAILED]  # and no notice to anyone about it


async def test_a_failing_sealed_message_keeps_and_logs_nothing_about_its_person(
    app_factory: Callable[[str], Staffroom],
    database_url: str,
    caplog: pytest.LogCaptureFixture,
    clock: ManualClock,
) -> None:
    caplog.set_level(logging.DEBUG, logger="staffroom")
    app = app_factory(database_url)
    chat = FakeChat()
    worker = _worker(app, chat)
    _queue_sealed(app, SECRET)
    chat.fail_next(ConnectionError("cannot reach U0ASKER"))
    await worker.deliver_due()
    with unit_of_work(app.core.engine) as connection:
        retried = connection.execute(select(OUTBOX.c.last_error)).scalar()
    clock.advance(timedelta(minutes=1))
    chat.fail_next(PermanentFailure("user U0ASKER has left the workspace"))
    await worker.deliver_due()
    with unit_of_work(app.core.engine) as connection:
        rows = connection.execute(select(OUTBOX.c.status, OUTBOX.c.last_error)).all()
    assert retried == "ConnectionError"
    assert [tuple(row) for row in rows] == [(FAILED, "withheld (sealed message)")]  # no notice
    assert caplog.records and all("U0ASKER" not in r.getMessage() for r in caplog.records)
