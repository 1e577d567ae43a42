"""The outbox's storage rules, on both databases: idempotent keys, leases, replaced edits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from bot.clock import ManualClock
from storage import outbox
from storage.outbox import OutboundMessage
from storage.uow import unit_of_work


def _message(key: str, clock: ManualClock, **extra: object) -> OutboundMessage:
    values: dict[str, object] = {
        "key": key,
        "network_id": None,
        "purpose": "test",
        "platform": "console",
        "workspace": "w",
        "payload": "{}",
        "due_at": clock.now(),
        "channel": "c",
    }
    values.update(extra)
    return OutboundMessage(**values)  # type: ignore[arg-type]


def test_the_same_key_is_queued_once(engine: Engine, clock: ManualClock) -> None:
    with unit_of_work(engine) as connection:
        assert outbox.enqueue(connection, message=_message("k1", clock), now=clock.now())
        assert not outbox.enqueue(connection, message=_message("k1", clock), now=clock.now())
        depth, _ = outbox.queue_depth(connection, now=clock.now())
    assert depth == 1


def test_a_leased_message_is_not_claimed_again_until_the_lease_ends(
    engine: Engine, clock: ManualClock
) -> None:
    with unit_of_work(engine) as connection:
        outbox.enqueue(connection, message=_message("k1", clock), now=clock.now())
    lease = timedelta(seconds=60)
    with unit_of_work(engine) as connection:
        first = outbox.claim_due(
            connection, now=clock.now(), owner="a", lease=lease, limit=10, platforms=["console"]
        )
    with unit_of_work(engine) as connection:
        second = outbox.claim_due(
            connection, now=clock.now(), owner="b", lease=lease, limit=10, platforms=["console"]
        )
    clock.advance(timedelta(seconds=61))
    with unit_of_work(engine) as connection:
        third = outbox.claim_due(
            connection, now=clock.now(), owner="b", lease=lease, limit=10, platforms=["console"]
        )
    assert [m.key for m in first] == ["k1"] and second == [] and [m.key for m in third] == ["k1"]


def test_messages_not_yet_due_or_for_other_platforms_stay_queued(
    engine: Engine, clock: ManualClock
) -> None:
    with unit_of_work(engine) as connection:
        outbox.enqueue(
            connection,
            message=_message("later", clock, due_at=clock.now() + timedelta(hours=1)),
            now=clock.now(),
        )
        outbox.enqueue(
            connection, message=_message("slack", clock, platform="slack"), now=clock.now()
        )
        claimed = outbox.claim_due(
            connection,
            now=clock.now(),
            owner="a",
            lease=timedelta(seconds=60),
            limit=10,
            platforms=["console"],
        )
    assert claimed == []


def test_a_newer_edit_replaces_content_and_is_not_marked_sent_by_an_older_delivery(
    engine: Engine, clock: ManualClock
) -> None:
    with unit_of_work(engine) as connection:
        outbox.enqueue_replacing(
            connection, message=_message("k~edit", clock, payload='{"v":1}'), now=clock.now()
        )
    with unit_of_work(engine) as connection:
        [claimed] = outbox.claim_due(
            connection,
            now=clock.now(),
            owner="a",
            lease=timedelta(seconds=60),
            limit=10,
            platforms=["console"],
        )
    with unit_of_work(engine) as connection:
        outbox.enqueue_replacing(
            connection, message=_message("k~edit", clock, payload='{"v":2}'), now=clock.now()
        )
    with unit_of_work(engine) as connection:
        assert not outbox.mark_sent(
            connection, message_id=claimed.id, owner="a", message_ref="r", now=clock.now()
        )
        [again] = outbox.claim_due(
            connection,
            now=clock.now(),
            owner="a",
            lease=timedelta(seconds=60),
            limit=10,
            platforms=["console"],
        )
    assert again.payload == '{"v":2}'
