"""Scale-out on PostgreSQL, with real processes: two replicas on one database deliver a burst
of 1,000 due messages exactly once while the platform fails a fifth of the calls; a replica
killed (SIGKILL) in the middle of sending leaves its claimed messages to the other, which
sends them as soon as the lease runs out — not before, and not twice.

The replicas share a clock through a file, so the test moves time for both; all waiting is
bounded, and every wait fails with a description of what was seen.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storage.engine import make_engine
from storage.uow import unit_of_work
from tests.conftest import START
from tests.scaleout.fake_platform import FakePlatform, none_give_up
from tests.scaleout.harness import OUTBOX, Replicas, deliver_all, queue, until
from tests.scaleout.shared_clock import SharedClock

pytestmark = pytest.mark.postgres


@pytest.fixture
def scaleout_url(postgres_url: str) -> str:
    return postgres_url


async def test_two_replicas_deliver_a_burst_exactly_once_despite_failures(
    postgres_url: str, platform: FakePlatform, clock: SharedClock, replicas: Replicas
) -> None:
    platform.failure_rate = 0.2
    keys = [f"burst:{n}" for n in range(800)]
    expected = keys + [f"timer-post:{ref}" for ref in range(200)]
    # The failures are fixed in advance; none makes a message give up.
    assert none_give_up(expected, 0.2)
    queue(postgres_url, START, keys, range(200))
    await replicas.start("A", lease=3600)
    await replicas.start("B", lease=3600)
    await deliver_all(postgres_url, platform, clock, len(expected))
    delivered = Counter(text for text, _ in platform.accepted)
    assert sorted(delivered) == sorted(expected)
    assert max(delivered.values()) == 1
    by_replica = Counter(replica for _, replica in platform.accepted)
    assert by_replica["A"] > 0 and by_replica["B"] > 0, by_replica
    failed_calls = sum(platform.calls.values()) - len(platform.accepted)
    assert failed_calls > 0.15 * len(expected)


async def test_a_killed_replicas_messages_are_sent_by_the_other_once_its_lease_runs_out(
    postgres_url: str, platform: FakePlatform, clock: SharedClock, replicas: Replicas
) -> None:
    lease = timedelta(seconds=30)
    platform.hold_replica = "A"
    keys = [f"kill:{n}" for n in range(200)]
    queue(postgres_url, START, keys)
    doomed = await replicas.start("A", lease=lease.total_seconds())
    await until(lambda: platform.held > 0, lambda: "replica A never called the platform")
    engine = make_engine(postgres_url)
    with unit_of_work(engine) as connection:
        claimed = {
            row.key
            for row in connection.execute(
                select(OUTBOX.c.key).where(OUTBOX.c.lease_owner.like(f"%:{doomed.pid}:%"))
            )
        }
    assert claimed, "replica A claimed nothing"
    os.kill(doomed.pid, signal.SIGKILL)
    await doomed.wait()

    await replicas.start("B", lease=lease.total_seconds())
    others = len(keys) - len(claimed)
    await until(
        lambda: len(platform.accepted) == others,
        lambda: f"B delivered {len(platform.accepted)} of the {others} unclaimed",
    )
    # B keeps working (it delivers new messages) but leaves A's leased ones alone…
    queue(postgres_url, clock.now(), ["later:1", "later:2"])
    await until(
        lambda: len(platform.accepted) == others + 2,
        lambda: f"B delivered {len(platform.accepted) - others} of 2 later messages",
    )
    assert claimed.isdisjoint(text for text, _ in platform.accepted)

    # …until the lease runs out; then it sends them, once each.
    expiry = START + lease + timedelta(seconds=1)
    clock.set(expiry)
    await until(
        lambda: len(platform.accepted) == len(keys) + 2,
        lambda: f"{len(platform.accepted)} of {len(keys) + 2} delivered after the lease",
    )
    delivered = Counter(text for text, _ in platform.accepted)
    assert set(delivered) == set(keys) | {"later:1", "later:2"}
    assert max(delivered.values()) == 1
    assert {replica for _, replica in platform.accepted} == {"B"}
    with unit_of_work(engine) as connection:
        sent_at = connection.execute(
            select(func.max(OUTBOX.c.sent_at)).where(OUTBOX.c.key.in_(claimed))
        ).scalar()
    engine.dispose()
    assert sent_at == expiry  # at the first moment the lease allowed
