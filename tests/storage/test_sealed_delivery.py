"""Sealed direct messages on both databases: the outbox row names nobody and says nothing
readable, before delivery or after (no platform reference is kept); the delivery worker opens
it with the server secret just before sending, each on its own (no pacing behind another),
and a message sealed under another secret, or that does not open into a message, fails
quietly instead of going anywhere or blocking the queue."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.worker import DeliveryWorker
from bot.kernel.events import Actor
from bot.kernel.first_contact import first_contact
from bot.kernel.replies import Reply
from bot.privacy.anonymity import SEALED, seal_address, seal_message
from storage import networks
from storage.outbox import FAILED, OUTBOX, SENT
from storage.uow import unit_of_work
from tests.conftest import TEST_SECRET
from tests.fakes import FakeChat, PermanentFailure

SECRET = TEST_SECRET.encode()


def _queue_sealed(app: Staffroom, secret: bytes, key: str = "question-notify:4:1") -> None:
    address = seal_address(secret, platform="console", workspace="w1", user_id="U0ASKER")
    with app.core.transaction() as ctx:
        ctx.outbox.to_sealed(
            platform="console",
            payload=seal_message(secret, address, Reply.say("A reply to your question #4")),
            key=key,
            purpose="question.notify",
        )


def _worker(app: Staffroom, chat: FakeChat, channel_interval: float = 0) -> DeliveryWorker:
    return DeliveryWorker(
        engine=app.core.engine,
        senders={"console": chat},
        clock=app.core.clock,
        run_in_db=app.core.run_in_db,
        channel_interval=channel_interval,
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


async def test_a_sealed_notice_leaves_nothing_that_links_it_to_its_person(
    app_factory: Callable[[str], Staffroom], database_url: str
) -> None:
    """The fake platform's references name the direct-message conversation, as Slack's
    ("D024BE7LH:1700000000.000100") and Discord's do: a sealed row that kept one would share it
    with every ordinary message to the same person, which names them."""
    app = app_factory(database_url)
    chat = FakeChat()
    with app.core.transaction() as ctx:
        network = networks.create_network(
            ctx.connection, name="Net", timezone="Europe/London", now=ctx.now
        )
        networks.bind_workspace(
            ctx.connection, network_id=network.id, platform="console", external_id="w1", now=ctx.now
        )
        asker = first_contact(
            ctx.connection, network, Actor("console", "w1", "U0ASKER", "Asker"), ctx.now
        )
        ctx.outbox.to_member(
            asker.id,
            key="reminder:9:1440",
            reply=Reply.say("Your meeting is tomorrow"),
            purpose="meeting.reminder",
        )
    _queue_sealed(app, SECRET)
    _queue_sealed(app, SECRET, key="question-notify:4:2")
    await _worker(app, chat).deliver_due()
    assert {sent.destination.user_id for sent in chat.sent} == {"U0ASKER"}
    assert len({sent.ref.split(":")[0] for sent in chat.sent}) == 1  # one conversation
    with unit_of_work(app.core.engine) as connection:
        rows = [dict(row) for row in connection.execute(select(OUTBOX)).mappings()]
    sealed = [row for row in rows if row["user_id"] == SEALED]
    ordinary = [row for row in rows if row["user_id"] != SEALED]
    assert len(sealed) == 2 and len(ordinary) == 1
    assert all(row["status"] == SENT and row["message_ref"] is None for row in sealed)
    told = {str(value) for row in ordinary for value in row.values() if value not in (None, "")}
    conversation = ordinary[0]["message_ref"].split(":")[0]
    for row in sealed:
        for column in ("key", "workspace", "channel", "user_id", "message_ref", "last_error"):
            value = row[column]
            assert value is None or value == SEALED or value not in told, column
        assert not any(conversation in str(value) for value in row.values())


async def test_sealed_notices_are_not_paced_behind_each_other(
    app_factory: Callable[[str], Staffroom], database_url: str
) -> None:
    app = app_factory(database_url)
    chat = FakeChat()
    for n in range(3):
        _queue_sealed(app, SECRET, key=f"question-notify:4:{n}")
    assert await _worker(app, chat, channel_interval=60).deliver_due() == 3
    assert len(chat.sent) == 3


async def test_a_sealed_message_that_cannot_be_opened_fails_once_and_quietly(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    app = app_factory(database_url)
    chat = FakeChat()
    with app.core.transaction() as ctx:
        ctx.outbox.to_sealed(
            platform="console",
            payload=seal_address(SECRET, platform="console", workspace="w1", user_id="U0ASKER"),
            key="question-notify:4:1",
            purpose="question.notify",
        )  # an address where a whole message should be: it opens, but does not read
    worker = _worker(app, chat)
    await worker.deliver_due()
    clock.advance(timedelta(minutes=5))
    assert await worker.deliver_due() == 0
    assert chat.sent == []
    with unit_of_work(app.core.engine) as connection:
        rows = connection.execute(select(OUTBOX.c.status, OUTBOX.c.last_error)).all()
    assert [tuple(row) for row in rows] == [
        (FAILED, "withheld (sealed message could not be opened)")
    ]
