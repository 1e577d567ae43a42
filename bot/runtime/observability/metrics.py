"""Prometheus metrics: events handled (by kind and outcome) and handler latency, from the
core's outcome listeners; outbox depth and the age of the oldest due message, deliveries and
delivery failures by reason, and scheduler lag, read when /metrics is scraped.

Each running bot has its own `CollectorRegistry` (no global state), so tests can build several.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.delivery.scheduler import Heartbeat
from bot.delivery.worker import DeliveryStats
from bot.kernel.dispatcher import Core, Outcome
from storage import outbox, timers
from storage.uow import unit_of_work

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


@dataclass(frozen=True, slots=True)
class QueueState:
    """What the database says at scrape time."""

    now: datetime
    due_messages: int
    oldest_due: datetime | None
    oldest_due_timer: datetime | None


def read_queue_state(core: Core) -> QueueState:
    """Outbox depth and the oldest due message and timer (database thread)."""
    now = core.clock.now()
    with unit_of_work(core.engine) as connection:
        depth, oldest = outbox.queue_depth(connection, now=now)
        next_timer = timers.next_due_at(connection)
    return QueueState(now, depth, oldest, next_timer if next_timer and next_timer <= now else None)


class Metrics:
    """The bot's metrics. Built once per process; `render` answers a scrape."""

    def __init__(self, core: Core, stats: DeliveryStats, heartbeat: Heartbeat | None) -> None:
        self._core = core
        self.registry = CollectorRegistry()
        self._events = Counter(
            "staffroom_events",
            "Events handled, by event kind and outcome (ok, refused, error).",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self._latency = Histogram(
            "staffroom_handler_seconds",
            "Time to handle one event, database transaction included.",
            ["kind"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._state = _StateCollector(stats, heartbeat)
        self.registry.register(self._state)
        core.outcome_listeners.append(self.observe)

    def observe(self, outcome: Outcome) -> None:
        self._events.labels(outcome.kind, outcome.result).inc()
        self._latency.labels(outcome.kind).observe(outcome.seconds)

    async def render(self) -> bytes:
        """The exposition text, with the database figures read now."""
        self._state.queue = await self._core.run_in_db(read_queue_state, self._core)
        return generate_latest(self.registry)


class _StateCollector(Collector):
    def __init__(self, stats: DeliveryStats, heartbeat: Heartbeat | None) -> None:
        self._stats = stats
        self._heartbeat = heartbeat
        self.queue: QueueState | None = None

    def collect(self) -> Iterator[Metric]:
        sent = CounterMetricFamily("staffroom_deliveries", "Outbox messages delivered.")
        sent.add_metric([], self._stats.sent)
        yield sent
        failures = CounterMetricFamily(
            "staffroom_delivery_failures",
            "Failed delivery attempts, by reason (rate_limited, transient, permanent).",
            labels=["reason"],
        )
        for reason, count in sorted(self._stats.failures.items()):
            failures.add_metric([reason], count)
        yield failures
        queue = self.queue
        if queue is None:
            return
        yield GaugeMetricFamily(
            "staffroom_outbox_due_messages",
            "Outbox messages due now and not yet delivered.",
            value=queue.due_messages,
        )
        yield GaugeMetricFamily(
            "staffroom_outbox_oldest_due_age_seconds",
            "How long the oldest undelivered due message has been due (0 when none).",
            value=_age(queue.now, queue.oldest_due),
        )
        yield GaugeMetricFamily(
            "staffroom_scheduler_lag_seconds",
            "How long the oldest unprocessed due timer has been due (0 when none).",
            value=_age(queue.now, queue.oldest_due_timer),
        )
        if self._heartbeat is not None and self._heartbeat.last_timer_pass is not None:
            yield GaugeMetricFamily(
                "staffroom_scheduler_last_timer_pass_age_seconds",
                "Seconds since this process last ran the timer pass.",
                value=_age(queue.now, self._heartbeat.last_timer_pass),
            )


def _age(now: datetime, since: datetime | None) -> float:
    return max((now - since).total_seconds(), 0.0) if since is not None else 0.0
