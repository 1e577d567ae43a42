"""How soon the core is likely to answer a command handed to it now, so the adapter only holds
an acknowledgement back for an answer that can plausibly arrive within its budget.

The estimate is the commands this adapter has handed to the core and not yet had answered,
plus this one, times the core's recent time per event (a moving average of what the core
reports for every event it handles, measured on its database thread, so it includes the
waits that other work causes). One database thread answers in order, so under a burst the
hundredth command cannot be answered within tens of milliseconds: waiting for it would only
delay its acknowledgement.
"""

from __future__ import annotations

from bot.kernel.dispatcher import Core, Outcome
from bot.kernel.events import Event
from bot.kernel.replies import Reply

SMOOTHING = 0.05
"""Weight of the newest event in the moving average (about the last 20 events count)."""
FIRST_GUESS = 0.002
"""Seconds per event assumed before the core has reported any."""


class CorePace:
    """Counts commands waiting in the core and keeps the core's recent time per event."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self.waiting = 0
        self.seconds_per_event = FIRST_GUESS
        core.outcome_listeners.append(self._observe)

    def _observe(self, outcome: Outcome) -> None:
        # Runs on the database thread; a single float assignment, read by the event loop.
        self.seconds_per_event += (outcome.seconds - self.seconds_per_event) * SMOOTHING

    def expected_wait(self) -> float:
        """Seconds until the core would answer a command handed to it now."""
        return (self.waiting + 1) * self.seconds_per_event

    async def handle(self, event: Event) -> Reply | None:
        """The core's answer to `event`, counted as waiting until it is ready."""
        self.waiting += 1
        try:
            return await self._core.handle(event)
        finally:
            self.waiting -= 1
