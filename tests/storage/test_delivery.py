"""The delivery worker on both databases: sends each message once, waits out rate limits,
backs off after errors, gives up on permanent failures (and on payloads it cannot read) and
tells the facilitators, threads replies and applies edits in order, paces a burst to one
channel without holding its claim, and keeps no words once a message is done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.delivery.worker import MAX_ATTEMPTS, DeliveryWorker
from bot.kernel.events import Actor
from bot.kernel.first_contact import first_contact
from bot.kernel.replies import Reply
from storage import networks, outbox
from storage.groups import ChannelRecord
from storage.networks import NetworkRecord
from storage.uow import unit_of_work
from tests.fakes import FakeChat, PermanentFailure, RateLimited


@pytest.fixture
def wired(
    app_factory: Callable[[str], Staffroom], database_url: str
) -> tuple[Staffroom, FakeChat, DeliveryWorker]:
    app = app_factory(database_url)
    chat = FakeChat()
    worker = DeliveryWorker(
        engine=app.core.engine,
        senders={"console": chat},
        clock=app.core.clock,
        run_in_db=app.core.run_in_db,
        channel_interval=0,
    )
    return app, chat, worker


def _network_with_facilitator(app: Staffroom) -> NetworkRecord:
    with app.core.transaction() as ctx:
        network = networks.create_network(
            ctx.connection, name="Net", timezone="Europe/London", now=ctx.now
        )
        networks.bind_workspace(
            ctx.connection, network_id=network.id, platform="console", external_id="w", now=ctx.now
        )
        first_contact(
            ctx.connection,
            network,
            Actor("console", "w", "fran", "Fran"),
            ctx.now,
            is_facilitator=True,
        )
    return network


CHANNEL = ChannelRecord("console", "w", "c1", "")


def _queue(app: Staffroom, key: str, network: NetworkRecord | None = None, **extra: object) -> None:
    with app.core.transaction(network) as ctx:
        ctx.outbox.to_channel(CHANNEL, key=key, reply=Reply.say(key), purpose="test", **extra)


async def _drain(worker: DeliveryWorker) -> None:
    while await worker.deliver_due():
        pass


async def test_each_message_is_sent_once(wired: tuple[Staffroom, FakeChat, DeliveryWorker]) -> None:
    app, chat, worker = wired
    for n in range(5):
        _queue(app, f"m{n}")
    _queue(app, "m0")  # a repeated key is not queued again
    await _drain(worker)
    await _drain(worker)
    assert sorted(chat.texts()) == [f"m{n}" for n in range(5)]


async def test_rate_limit_waits_as_asked_without_losing_or_repeating(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker], clock: ManualClock
) -> None:
    app, chat, worker = wired
    _queue(app, "hello")
    chat.fail_next(RateLimited(30), RateLimited(30))
    await _drain(worker)
    assert chat.sent == []
    clock.advance(timedelta(seconds=29))
    await _drain(worker)
    assert chat.sent == []
    clock.advance(timedelta(seconds=2))
    await _drain(worker)  # second 429
    clock.advance(timedelta(seconds=31))
    await _drain(worker)
    assert chat.texts() == ["hello"]


async def test_server_errors_back_off_then_succeed(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker], clock: ManualClock
) -> None:
    app, chat, worker = wired
    _queue(app, "hello")
    chat.fail_next(ConnectionError("boom"))
    await _drain(worker)
    clock.advance(timedelta(seconds=4))
    await _drain(worker)
    assert chat.sent == []
    clock.advance(timedelta(seconds=2))
    await _drain(worker)
    assert chat.texts() == ["hello"]


async def test_permanent_failure_stops_and_tells_the_facilitators(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker],
) -> None:
    app, chat, worker = wired
    network = _network_with_facilitator(app)
    _queue(app, "to an archived channel", network)
    chat.fail_next(PermanentFailure("channel_not_found"))
    await _drain(worker)
    [notice] = chat.sent
    assert notice.destination.user_id == "fran"
    assert "channel_not_found" in notice.reply.fallback_text()
    with unit_of_work(app.core.engine) as connection:
        assert outbox.queue_depth(connection, now=app.core.clock.now())[0] == 0


async def test_gives_up_after_repeated_errors(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker], clock: ManualClock
) -> None:
    app, chat, worker = wired
    _queue(app, "doomed")
    chat.fail_next(*[TimeoutError("slow")] * MAX_ATTEMPTS)
    for _ in range(MAX_ATTEMPTS + 2):
        await _drain(worker)
        clock.advance(timedelta(minutes=16))
    assert chat.sent == [] and chat.calls == MAX_ATTEMPTS


async def test_a_reminder_that_fell_due_while_away_is_missed_after_it_expires(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker], clock: ManualClock
) -> None:
    app, chat, worker = wired
    _queue(app, "late", expires_at=clock.now() + timedelta(minutes=5))
    clock.advance(timedelta(minutes=10))
    await _drain(worker)
    assert chat.sent == []
    with unit_of_work(app.core.engine) as connection:
        assert outbox.queue_depth(connection, now=clock.now())[0] == 0


async def test_edits_follow_their_message_and_the_newest_wins(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker],
) -> None:
    app, chat, worker = wired
    _queue(app, "count: 0")
    with app.core.transaction() as ctx:
        ctx.outbox.edit(key="count: 0", reply=Reply.say("count: 1"), purpose="test")
    with app.core.transaction() as ctx:
        ctx.outbox.edit(key="count: 0", reply=Reply.say("count: 2"), purpose="test")
    await _drain(worker)
    assert chat.texts() == ["count: 0"]
    assert [(ref, r.fallback_text()) for ref, r in chat.edits] == [(chat.sent[0].ref, "count: 2")]


async def test_replies_go_into_the_thread_of_their_parent(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker],
) -> None:
    app, chat, worker = wired
    _queue(app, "question")
    _queue(app, "answer", thread_of="question")
    await _drain(worker)
    question, answer = chat.sent
    assert answer.destination.thread_ref == question.ref


async def test_delivered_and_abandoned_messages_keep_no_words(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker], clock: ManualClock
) -> None:
    app, chat, worker = wired
    network = _network_with_facilitator(app)
    _queue(app, "Zebedee's note, to an archived channel", network)
    _queue(app, "Zebedee answered red", network)
    _queue(app, "Zebedee, too late", network, expires_at=clock.now() + timedelta(minutes=1))
    clock.advance(timedelta(minutes=2))
    chat.fail_next(PermanentFailure("channel_not_found"))
    await _drain(worker)
    assert [text for text in chat.texts() if "Zebedee" in text] == ["Zebedee answered red"]
    with unit_of_work(app.core.engine) as connection:
        rows = connection.execute(select(outbox.OUTBOX.c.status, outbox.OUTBOX.c.payload)).all()
    assert sorted(status for status, _ in rows) == [
        outbox.FAILED,
        outbox.MISSED,
        outbox.SENT,
        outbox.SENT,  # the facilitator's notice of the failure
    ]
    assert {payload for _, payload in rows} == {outbox.SPENT}


@pytest.mark.parametrize("payload", ["{not json", '{"blocks":[{"type":"hologram"}]}'])
async def test_a_message_this_version_cannot_read_fails_once_and_the_facilitators_are_told(
    wired: tuple[Staffroom, FakeChat, DeliveryWorker], clock: ManualClock, payload: str
) -> None:
    app, chat, worker = wired
    network = _network_with_facilitator(app)
    with unit_of_work(app.core.engine) as connection:
        outbox.enqueue(
            connection,
            message=outbox.OutboundMessage(
                key="from-a-newer-version",
                network_id=network.id,
                purpose="test",
                platform="console",
                workspace="w",
                channel="c1",
                payload=payload,
                due_at=clock.now(),
            ),
            now=clock.now(),
        )
    _queue(app, "after it")
    await _drain(worker)
    clock.advance(timedelta(minutes=5))  # well past any lease
    assert await worker.deliver_due() == 0
    [notice, after] = sorted(chat.sent, key=lambda sent: sent.destination.user_id is None)
    assert notice.destination.user_id == "fran"
    assert "could not be read" in notice.reply.fallback_text()
    assert after.reply.fallback_text() == "after it"
    with unit_of_work(app.core.engine) as connection:
        status = connection.execute(
            select(outbox.OUTBOX.c.status).where(outbox.OUTBOX.c.key == "from-a-newer-version")
        ).scalar()
    assert status == outbox.FAILED


async def test_a_burst_to_one_channel_is_paced_without_holding_the_claim(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    """At one message per 10 s, the first goes at once and the others are handed back, due at
    their slots: another replica (or this one) sends each when its slot comes."""
    app = app_factory(database_url)
    chat = FakeChat()

    def worker() -> DeliveryWorker:
        return DeliveryWorker(
            engine=app.core.engine,
            senders={"console": chat},
            clock=clock,
            run_in_db=app.core.run_in_db,
            channel_interval=10,
        )

    for n in range(3):
        _queue(app, f"burst {n}")
    with app.core.transaction() as ctx:
        elsewhere = ChannelRecord("console", "w", "c2", "")
        ctx.outbox.to_channel(elsewhere, key="elsewhere", reply=Reply.say("elsewhere"), purpose="t")
    first = worker()
    assert await first.deliver_due() == 4
    assert sorted(chat.texts()) == ["burst 0", "elsewhere"]
    with unit_of_work(app.core.engine) as connection:
        waiting = connection.execute(
            select(outbox.OUTBOX.c.due_at, outbox.OUTBOX.c.lease_owner)
            .where(outbox.OUTBOX.c.status == outbox.PENDING)
            .order_by(outbox.OUTBOX.c.due_at)
        ).all()
    start = clock.now()
    assert [tuple(row) for row in waiting] == [
        (start + timedelta(seconds=10), None),
        (start + timedelta(seconds=20), None),
    ]
    other = worker()
    clock.advance(timedelta(seconds=9))
    assert await other.deliver_due() == 0
    clock.advance(timedelta(seconds=1))
    assert await other.deliver_due() == 1
    clock.advance(timedelta(seconds=10))
    assert await first.deliver_due() == 1
    assert chat.texts()[-2:] == ["burst 1", "burst 2"]
