"""Named readiness checks: each adapter says whether it is serving, and /readyz reports the
ones that are not; an adapter that has stopped for good says so, and /healthz reports it so
that an orchestrator restarts the process. The database check lives in the health server."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("staffroom.readiness")


def _starting() -> bool:
    return False


class Readiness:
    """A registry of checks, each a function that returns True when its part is serving.

    `build` expects every configured adapter before anything starts, so /readyz cannot say
    ready before the adapter has registered its own check, e.g.
    `app.readiness.add("Slack", intake.serving)`.
    """

    def __init__(self) -> None:
        self._checks: dict[str, Callable[[], bool]] = {}
        self._stopped: dict[str, str] = {}

    def expect(self, name: str) -> None:
        """`name` will register a check once it has started; until then it is not ready."""
        self._checks.setdefault(name, _starting)

    def add(self, name: str, check: Callable[[], bool]) -> None:
        self._checks[name] = check

    def remove(self, name: str) -> None:
        self._checks.pop(name, None)

    def stopped(self, name: str, reason: str) -> None:
        """`name` has stopped and will not come back by itself (a restart may bring it back)."""
        self._stopped[name] = reason

    def stopped_for_good(self) -> list[str]:
        """What has stopped for good, as "name: reason" lines."""
        return [f"{name}: stopped: {reason}" for name, reason in self._stopped.items()]

    def not_ready(self) -> list[str]:
        """The names of the checks that fail (a check that raises counts as failing)."""
        failing = []
        for name, check in self._checks.items():
            try:
                ready = check() and name not in self._stopped
            except Exception:
                log.exception("readiness check %s raised", name)
                ready = False
            if not ready:
                failing.append(name)
        return failing

    def problems(self) -> list[str]:
        """Why the adapters are not ready, one line each, for /readyz."""
        lines = []
        for name in self.not_ready():
            if name in self._stopped:
                lines.append(f"{name}: stopped: {self._stopped[name]}")
            elif self._checks.get(name) is _starting:
                lines.append(f"{name}: starting")
            else:
                lines.append(f"{name}: not connected")
        return lines
