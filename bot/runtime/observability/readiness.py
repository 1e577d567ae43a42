"""Named readiness checks: each adapter says whether it is connected, and /readyz reports
the ones that are not. The database check lives in the health server itself."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("staffroom.readiness")


class Readiness:
    """A registry of checks, each a function that returns True when its part is ready.

    Adapters add theirs when they start, e.g.
    `app.readiness.add("slack", lambda: client.is_connected())`.
    """

    def __init__(self) -> None:
        self._checks: dict[str, Callable[[], bool]] = {}

    def add(self, name: str, check: Callable[[], bool]) -> None:
        self._checks[name] = check

    def remove(self, name: str) -> None:
        self._checks.pop(name, None)

    def not_ready(self) -> list[str]:
        """The names of the checks that fail (a check that raises counts as failing)."""
        failing = []
        for name, check in self._checks.items():
            try:
                ready = check()
            except Exception:
                log.exception("readiness check %s raised", name)
                ready = False
            if not ready:
                failing.append(name)
        return failing
