"""Pacing messages to one destination (a channel, or a person's direct messages), so that a
burst queues in the outbox instead of being refused by the platform.

Each destination has a next free slot, `interval` seconds after the last one handed out. The
delivery worker holds a lease on every message it claimed, so it may wait for a slot only a
short moment (`hold`) after claiming; a message whose slot is further away is handed back to
the outbox, due at the slot it would have had, and claimed again then — by any replica.
Slots are per process: N replicas may post up to N messages per interval to one destination.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta

PACING_HOLD = timedelta(seconds=2)  # the longest a claimed message may wait for its slot


class Pacer:
    """Hands out send slots per destination, `interval` apart.

    Args:
        interval: least seconds between two messages to one destination (0: no pacing).
        hold: how far after claiming a message its slot may be for it to be kept and waited
            for; beyond that it is handed back.
    """

    def __init__(self, interval: float, hold: timedelta = PACING_HOLD) -> None:
        self._interval = timedelta(seconds=max(interval, 0.0))
        self._hold = hold
        self._next: dict[Hashable, datetime] = {}

    def reserve(self, key: Hashable, *, now: datetime, claimed_at: datetime) -> datetime | None:
        """The slot at which the next message to `key` may go, reserved for it; None (and
        nothing reserved) when that slot is more than `hold` after `claimed_at`."""
        slot = max(self._next.get(key, now), now)
        if slot > claimed_at + self._hold:
            return None
        if self._interval:
            self._next[key] = slot + self._interval
        return slot

    def later_slots(self, key: Hashable, *, now: datetime, count: int) -> list[datetime]:
        """When `count` messages to `key` that cannot wait now would have their slots (not
        reserved: they are reserved when the messages come back)."""
        first = max(self._next.get(key, now), now)
        return [first + self._interval * n for n in range(count)]

    def forget_before(self, now: datetime) -> None:
        """Drop destinations whose next slot has passed (they are free again)."""
        for key in [key for key, slot in self._next.items() if slot <= now]:
            del self._next[key]
