"""Exactly once when the platform's answer is lost, on both databases: a message the platform
took before the connection closed (or the answer timed out, or could not be read) is found on
the next try and recorded, not posted again; one that never arrived is posted once; one found
after it expired is sent, not missed; one a dead replica posted is found by the replica that
takes it over. And a reminder that fails for good reaches the network's facilitators."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlalchemy import select

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.ports import Destination
from bot.delivery.worker import DeliveryWorker, delivery_token
from bot.kernel.replies import Reply
from storage import outbox
from storage.groups import ChannelRecord
from storage.uow import unit_of_work
from tests.fakes import FakeChat, PermanentFailure
from tests.meeting_world import FRAN, TOM, TimeMachine, say, set_up_chemistry

CHANNEL = ChannelRecord("console", "w", "c1", "")
LOST = (
    aiohttp.ServerDisconnectedError(),
    TimeoutError("no answer in 10 s"),
    ValueError("unreadable body"),
)


@pytest.fixture
def wired(
    app_factory: Callable[[str], Staffroom], database_url: str
) -> tuple[Staffroom, FakeChat, DeliveryWorker]:
    """The bot on either database, a fake platform, and a worker sending to it."""
    app, chat = app_factory(database_url), FakeChat()
    return app, chat, _worker(app, chat)


def _worker(
    app: Staffroom, chat: FakeChat, lease: timedelta = timedelta(seconds=60)
) -> DeliveryWorker:
    return DeliveryWorker(
        engine=app.core.engine,
        senders={"console": chat},
        clock=app.core.clock,
        run_in_db=app.core.run_in_db,
        channel_interval=0,
        lease=lease,
    )


def _queue(app: Staffroom, key: str, **extra: object) -> None:
    with app.core.transaction() as ctx:
        ctx.outbox.to_channel(CHANNEL, key=key, reply=Reply.say(key), purpose="test", **extra)


async def _drain(worker: DeliveryWorker) -> None:
    while await worker.deliver_due():
        pass


def _rows(app: Staffroom) -> dict[str, tuple[str, str | None]]:
    with unit_of_work(app.core.engine) as connection:
        rows = connection.execute(
            select(outbox.OUTBOX.c.key, outbox.OUTBOX.c.status, outbox.OUTBOX.c.message_ref)
        ).all()
    return {key: (status, ref) for key, status, ref in rows}


@pytest.mark.parametrize("lost", LOST, ids=["disconnected", "timed out", "unreadable"])
async def test_a_message_the_platform_took_before_the_answer_was_lost_is_not_posted_again(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker], clock: ManualClock, lost: Exception
) -> None:
    app, chat, worker = wired
    _queue(app, "reminder")
    chat.lose_answer_next(lost)
    await _drain(worker)
    assert chat.texts() == ["reminder"]
    assert _rows(app)["reminder"][0] == outbox.PENDING  # unknown yet: retried after a backoff
    clock.advance(timedelta(seconds=5))
    await _drain(worker)
    assert chat.texts() == ["reminder"] and chat.lookups == 1
    assert _rows(app)["reminder"] == (outbox.SENT, chat.sent[0].ref)
    # What follows it finds it: an edit goes to the message that was found.
    with app.core.transaction() as ctx:
        ctx.outbox.edit(key="reminder", reply=Reply.say("reminder (moved)"), purpose="test")
    await _drain(worker)
    assert [ref for ref, _ in chat.edits] == [chat.sent[0].ref]


async def test_a_message_that_never_arrived_is_posted_once_after_looking(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker], clock: ManualClock
) -> None:
    app, chat, worker = wired
    _queue(app, "reminder")
    chat.fail_next(aiohttp.ServerDisconnectedError())  # closed before the platform took it
    await _drain(worker)
    clock.advance(timedelta(seconds=5))
    await _drain(worker)
    assert chat.texts() == ["reminder"] and chat.lookups == 1
    assert _rows(app)["reminder"] == (outbox.SENT, chat.sent[0].ref)


async def test_a_message_found_after_it_expired_is_recorded_sent_not_missed(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker], clock: ManualClock
) -> None:
    app, chat, worker = wired
    _queue(app, "never arrived", expires_at=clock.now() + timedelta(seconds=3))
    _queue(app, "taken", expires_at=clock.now() + timedelta(seconds=3))
    chat.fail_next(TimeoutError("slow"))  # the first, before the platform took it
    chat.lose_answer_next(TimeoutError("slow"))  # the second, after
    await _drain(worker)
    clock.advance(timedelta(minutes=1))
    await _drain(worker)
    rows = _rows(app)
    assert rows["never arrived"][0] == outbox.MISSED
    assert rows["taken"] == (outbox.SENT, chat.sent[0].ref)
    assert chat.texts() == ["taken"]


async def test_a_message_a_dead_replica_posted_is_found_by_the_one_that_takes_it_over(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    app = app_factory(database_url)
    chat = FakeChat()
    _queue(app, "reminder")
    with unit_of_work(app.core.engine) as connection:
        [claimed] = outbox.claim_due(
            connection,
            now=clock.now(),
            owner="dead",
            lease=timedelta(seconds=30),
            limit=10,
            platforms=["console"],
        )
    # The dead replica's post reached the platform; it died before recording it.
    token = delivery_token(b"", claimed.key)
    await chat.send(Destination("console", "w", "c1", token=token), Reply.say("reminder"))
    survivor = _worker(app, chat)
    clock.advance(timedelta(seconds=29))
    assert await survivor.deliver_due() == 0  # the lease still holds
    clock.advance(timedelta(seconds=2))
    await _drain(survivor)
    assert chat.texts() == ["reminder"] and chat.lookups == 1
    assert _rows(app)["reminder"] == (outbox.SENT, chat.sent[0].ref)


async def test_a_reminder_that_fails_for_good_reaches_the_facilitators(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    app = app_factory(database_url)
    set_up_chemistry(app)
    say(app, TOM, 'meeting schedule "Moderation" 2026-11-25 16:00 remind 1h')
    machine = TimeMachine(app, clock)
    await machine.until(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    machine.chat.fail_next(PermanentFailure("is_archived"))
    await machine.until(datetime(2026, 11, 25, 15, 30, tzinfo=UTC))
    fran = [d.text for d in machine.log if d.to == f"@{FRAN.user_id}"]
    assert len(fran) == 1
    assert "I couldn't deliver a message (meeting.reminder) to channel chem" in fran[0]
    assert "is_archived" in fran[0]
    with unit_of_work(app.core.engine) as connection:
        networks = connection.execute(select(outbox.OUTBOX.c.network_id)).scalars().all()
    assert networks and None not in networks  # every row, whoever queued it
