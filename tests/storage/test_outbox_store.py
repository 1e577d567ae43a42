"""The outbox's storage rules, on both databases: idempotent keys, leases (only the holder
records an outcome), replaced edits, and no words kept after delivery."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, Engine, select

from bot.delivery.clock import ManualClock
from storage import outbox
from storage.outbox import OUTBOX, OutboundMessage
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


def _claim(
    connection: Connection, clock: ManualClock, owner: str = "a"
) -> list[outbox.ClaimedMessage]:
    return outbox.claim_due(
        connection,
        now=clock.now(),
        owner=owner,
        lease=timedelta(seconds=60),
        limit=10,
        platforms=["console"],
    )


def test_the_same_key_is_queued_once(engine: Engine, clock: ManualClock) -> None:
    with unit_of_work(engine) as connection:
        assert outbox.enqueue(connection, message=_message("k1", clock), now=clock.now())
        assert not outbox.enqueue(connection, message=_message("k1", clock), now=clock.now())
        depth, _ = outbox.queue_depth(connection, now=clock.now())
    assert depth == 1


def test_many_queued_at_once_keep_the_keys_queued_before(
    engine: Engine, clock: ManualClock
) -> None:
    """The minute's notices go in one call; a key queued before keeps its first message, and
    only the new keys come back as queued (the caller edits the old ones instead)."""
    with unit_of_work(engine) as connection:
        outbox.enqueue(connection, message=_message("old", clock, payload="first"), now=clock.now())
        clock.advance(timedelta(minutes=1))
        fresh = [_message(key, clock, payload="second") for key in ("a", "old", "b")]
        assert outbox.enqueue_many(connection, messages=fresh, now=clock.now()) == {"a", "b"}
        more = [_message(key, clock) for key in ("c", "d")]
        assert outbox.enqueue_many(connection, messages=more, now=clock.now()) == {"c", "d"}
        assert outbox.enqueue_many(connection, messages=[], now=clock.now()) == set()
        payloads = dict(connection.execute(select(OUTBOX.c.key, OUTBOX.c.payload)).all())
    assert payloads == {"old": "first", "a": "second", "b": "second", "c": "{}", "d": "{}"}


def test_a_leased_message_is_not_claimed_again_until_the_lease_ends(
    engine: Engine, clock: ManualClock
) -> None:
    with unit_of_work(engine) as connection:
        outbox.enqueue(connection, message=_message("k1", clock), now=clock.now())
    with unit_of_work(engine) as connection:
        first = _claim(connection, clock, "a")
    with unit_of_work(engine) as connection:
        second = _claim(connection, clock, "b")
    clock.advance(timedelta(seconds=61))  # past the 60-second lease
    with unit_of_work(engine) as connection:
        third = _claim(connection, clock, "b")
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
        claimed = _claim(connection, clock, "a")
    assert claimed == []


def test_a_newer_edit_replaces_content_and_is_not_marked_sent_by_an_older_delivery(
    engine: Engine, clock: ManualClock
) -> None:
    with unit_of_work(engine) as connection:
        outbox.enqueue_replacing(
            connection, message=_message("k~edit", clock, payload='{"v":1}'), now=clock.now()
        )
    with unit_of_work(engine) as connection:
        [claimed] = _claim(connection, clock, "a")
    with unit_of_work(engine) as connection:
        outbox.enqueue_replacing(
            connection, message=_message("k~edit", clock, payload='{"v":2}'), now=clock.now()
        )
    with unit_of_work(engine) as connection:
        assert not outbox.mark_sent(
            connection, message_id=claimed.id, owner="a", message_ref="r", now=clock.now()
        )
        [again] = _claim(connection, clock, "a")
    assert again.payload == '{"v":2}'


def test_only_the_lease_holder_records_what_became_of_a_message(
    engine: Engine, clock: ManualClock
) -> None:
    """A replica whose lease ran out (a slow send, a pause) cannot put back, give up on or mark
    sent a message another replica has claimed since."""

    def claim(owner: str) -> list[outbox.ClaimedMessage]:
        with unit_of_work(engine) as connection:
            return _claim(connection, clock, owner)

    with unit_of_work(engine) as connection:
        outbox.enqueue(connection, message=_message("k1", clock), now=clock.now())
    [stale] = claim("a")
    clock.advance(timedelta(seconds=61))
    [fresh] = claim("b")
    later = clock.now() + timedelta(minutes=5)
    with unit_of_work(engine) as connection:
        assert not outbox.postpone(connection, message_id=stale.id, owner="a", until=later)
        assert not outbox.finish(
            connection, message_id=stale.id, owner="a", status=outbox.FAILED, error="late"
        )
        assert not outbox.mark_sent(
            connection, message_id=stale.id, owner="a", message_ref="r", now=clock.now()
        )
    assert claim("c") == []  # still leased to b, still pending
    with unit_of_work(engine) as connection:
        assert outbox.postpone(connection, message_id=fresh.id, owner="b", until=later)
        assert outbox.queue_depth(connection, now=later)[0] == 1


def test_a_finished_message_keeps_no_words(engine: Engine, clock: ManualClock) -> None:
    with unit_of_work(engine) as connection:
        for key in ("sent", "failed"):
            outbox.enqueue(
                connection, message=_message(key, clock, payload='{"name":"Zeb"}'), now=clock.now()
            )
        claimed = _claim(connection, clock, "a")
    by_key = {message.key: message for message in claimed}
    with unit_of_work(engine) as connection:
        outbox.mark_sent(
            connection, message_id=by_key["sent"].id, owner="a", message_ref="r", now=clock.now()
        )
        outbox.finish(
            connection, message_id=by_key["failed"].id, owner="a", status=outbox.FAILED, error="x"
        )
        rows = connection.execute(
            select(OUTBOX.c.key, OUTBOX.c.status, OUTBOX.c.payload, OUTBOX.c.message_ref)
        ).all()
    assert sorted(tuple(row) for row in rows) == [
        ("failed", outbox.FAILED, outbox.SPENT, None),
        ("sent", outbox.SENT, outbox.SPENT, "r"),
    ]
