"""A clock several processes share: the test writes the current instant into a file and every
replica reads it, so the test moves time for all of them at once (leases, backoff)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path


class SharedClock:
    """Implements `bot.delivery.clock.Clock` from a file holding an ISO 8601 instant."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def now(self) -> datetime:
        return datetime.fromisoformat(self._path.read_text())

    def set(self, instant: datetime) -> None:
        partial = self._path.with_suffix(".partial")
        partial.write_text(instant.isoformat())
        os.replace(partial, self._path)  # readers never see half a timestamp
