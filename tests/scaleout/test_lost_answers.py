"""Scale-out with lost answers, on SQLite and PostgreSQL, with real processes: two replicas
deliver a burst while the platform, after taking a third of the posts, closes the connection,
cuts the answer short or answers later than the sender waits — and no message goes out twice:
each retry first asks the platform for the message by its token and records the one found. A
replica killed after the platform took its posts (but before it recorded them) leaves them
to the other, which finds them once its lease runs out instead of posting them again.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections import Counter
from datetime import timedelta

from tests.conftest import START
from tests.scaleout.fake_platform import LOST, FakePlatform, none_give_up
from tests.scaleout.harness import Replicas, deliver_all, outcomes, pending, queue, until
from tests.scaleout.shared_clock import SharedClock

FAILURES, LOST_RATE = 0.1, 0.35


async def test_two_replicas_post_nothing_twice_when_answers_are_lost_after_the_platform_took_them(
    scaleout_url: str, platform: FakePlatform, clock: SharedClock, replicas: Replicas
) -> None:
    platform.failure_rate, platform.lost_rate = FAILURES, LOST_RATE
    keys = [f"lost:{n}" for n in range(240)]
    expected = keys + [f"timer-post:{ref}" for ref in range(60)]
    # The failures are fixed in advance; none makes a message give up.
    assert none_give_up(expected, FAILURES, LOST_RATE)
    queue(scaleout_url, START, keys, range(60))
    await replicas.start("A", lease=3600)
    await replicas.start("B", lease=3600)
    await deliver_all(scaleout_url, platform, clock, len(expected))
    delivered = Counter(text for text, _ in platform.accepted)
    assert sorted(delivered) == sorted(expected)
    assert max(delivered.values()) == 1, delivered.most_common(3)  # no duplicates
    assert set(platform.lost) == set(LOST) and sum(platform.lost.values()) > 0.25 * len(expected)
    assert platform.lookups >= sum(platform.lost.values())
    # Every message is recorded sent, under the reference the platform gave it.
    refs = {text: f"m{n}" for n, (text, _) in enumerate(platform.accepted, start=1)}
    assert outcomes(scaleout_url) == {text: ("sent", ref) for text, ref in refs.items()}


async def test_posts_a_killed_replica_made_are_found_by_the_other_not_repeated(
    scaleout_url: str, platform: FakePlatform, clock: SharedClock, replicas: Replicas
) -> None:
    lease = timedelta(seconds=30)
    platform.hold_replica, platform.hold_after_accepting = "A", True
    keys = [f"kill:{n}" for n in range(120)]
    queue(scaleout_url, START, keys)
    doomed = await replicas.start("A", lease=lease.total_seconds())
    await until(lambda: platform.held > 0, lambda: "replica A never called the platform")
    await asyncio.sleep(0.5)  # let A's posts in flight reach the platform
    os.kill(doomed.pid, signal.SIGKILL)
    await doomed.wait()
    taken_by_a = {text for text, replica in platform.accepted if replica == "A"}
    assert taken_by_a

    await replicas.start("B", lease=lease.total_seconds())
    clock.set(START + lease + timedelta(seconds=1))
    await until(
        lambda: pending(scaleout_url) == 0,
        lambda: f"{pending(scaleout_url)} pending, {len(platform.accepted)} accepted",
    )
    delivered = Counter(text for text, _ in platform.accepted)
    assert sorted(delivered) == sorted(keys)
    assert max(delivered.values()) == 1, delivered.most_common(3)
    assert platform.lookups >= len(taken_by_a)
    assert {status for status, _ in outcomes(scaleout_url).values()} == {"sent"}
