"""The health server answers /healthz, /readyz and /metrics: readiness follows the database
(reachable, schema current) and the adapters' checks; metrics count events, outbox depth and
age, delivery failures by reason and scheduler lag."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import text

from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.kernel.replies import Reply
from bot.runtime.observability.metrics import Metrics
from bot.runtime.observability.server import HealthServer
from storage.groups import ChannelRecord
from tests.fakes import RateLimited


@pytest.fixture
async def health(app: Staffroom) -> AsyncIterator[tuple[HealthServer, str]]:
    server = HealthServer(app.core, app.readiness, Metrics(app.core, app.worker.stats, None))
    await server.start("127.0.0.1", 0)
    yield server, f"http://127.0.0.1:{server.port}"
    await server.stop()


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status, await response.text()


def _value(metrics: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", metrics, re.MULTILINE)
    assert match, f"{name} not in\n{metrics}"
    return float(match.group(1))


async def test_liveness_and_readiness(health: tuple[HealthServer, str], app: Staffroom) -> None:
    _, base = health
    assert await _get(f"{base}/healthz") == (200, "ok\n")
    assert await _get(f"{base}/readyz") == (200, "ready\n")

    connected = {"slack": True}
    app.readiness.add("slack", lambda: connected["slack"])
    connected["slack"] = False
    status, body = await _get(f"{base}/readyz")
    assert status == 503 and "slack: not connected" in body
    connected["slack"] = True
    assert (await _get(f"{base}/readyz"))[0] == 200

    with app.core.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '35bda41eca8e'"))
    status, body = await _get(f"{base}/readyz")
    assert status == 503 and "staffroom db upgrade" in body

    # A newer version upgraded the schema (a rolling upgrade): this replica still serves.
    with app.core.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'from0a0newer'"))
    assert (await _get(f"{base}/readyz"))[0] == 200


async def test_an_adapter_is_starting_until_it_registers_and_a_stop_fails_liveness(
    health: tuple[HealthServer, str], app: Staffroom
) -> None:
    _, base = health
    app.readiness.expect("Discord")
    assert await _get(f"{base}/readyz") == (503, "not ready\nDiscord: starting\n")
    app.readiness.add("Discord", lambda: True)
    assert await _get(f"{base}/readyz") == (200, "ready\n")

    app.readiness.stopped("Discord", "Discord refused the bot token")
    stopped = "Discord: stopped: Discord refused the bot token\n"
    assert await _get(f"{base}/healthz") == (503, "stopped\n" + stopped)
    assert await _get(f"{base}/readyz") == (503, "not ready\n" + stopped)


async def test_metrics_follow_what_the_bot_does(
    health: tuple[HealthServer, str], app: Staffroom, bot: ConsoleSession, clock: ManualClock
) -> None:
    _, base = health
    for line in (
        ":as Fran Hughes@Harbour College admin",
        "/staffroom setup Solent Network",
        "/staffroom whoami",
        "/staffroom nonsense",
        "/staffroom school Nowhere At All",
    ):
        await bot.send(line)
    # A message for a platform this process has no sender for stays due.
    with app.core.transaction() as ctx:
        ctx.outbox.to_channel(
            ChannelRecord("slack", "T1", "C1", ""), key="k", reply=Reply.say("x"), purpose="test"
        )
    clock.advance(timedelta(seconds=90))
    status, metrics = await _get(f"{base}/metrics")
    assert status == 200
    assert _value(metrics, 'staffroom_events_total{kind="Command",outcome="ok"}') == 3
    assert _value(metrics, 'staffroom_events_total{kind="Command",outcome="refused"}') == 1
    assert _value(metrics, 'staffroom_handler_seconds_count{kind="Command"}') == 4
    assert _value(metrics, "staffroom_outbox_due_messages") == 1
    assert _value(metrics, "staffroom_outbox_oldest_due_age_seconds") == 90
    assert _value(metrics, "staffroom_scheduler_lag_seconds") == 0

    # The daily upkeep timer fell due an hour ago and no timer pass has run since.
    clock.set(
        clock.now().replace(hour=0, minute=0, second=0) + timedelta(days=1, hours=3, minutes=30)
    )
    metrics = (await _get(f"{base}/metrics"))[1]
    assert _value(metrics, "staffroom_scheduler_lag_seconds") == 3600


async def test_delivery_failures_are_counted_by_reason(
    health: tuple[HealthServer, str], app: Staffroom, clock: ManualClock
) -> None:
    from tests.fakes import FakeChat

    _, base = health
    chat = FakeChat()
    app.worker.add_sender(chat)
    with app.core.transaction() as ctx:
        ctx.outbox.to_channel(
            ChannelRecord("console", "w", "c", ""), key="k", reply=Reply.say("x"), purpose="t"
        )
    chat.fail_next(RateLimited(1), ConnectionError("reset"))
    for _ in range(3):
        await app.worker.deliver_due()
        clock.advance(timedelta(seconds=10))
    metrics = (await _get(f"{base}/metrics"))[1]
    assert _value(metrics, 'staffroom_delivery_failures_total{reason="rate_limited"}') == 1
    assert _value(metrics, 'staffroom_delivery_failures_total{reason="transient"}') == 1
    assert _value(metrics, "staffroom_deliveries_total") == 1


async def test_time_since_the_last_timer_pass(app: Staffroom, clock: ManualClock) -> None:
    heartbeat = app.heartbeat
    metrics = Metrics(app.core, app.worker.stats, heartbeat)
    assert b"staffroom_scheduler_last_timer_pass_age_seconds" not in await metrics.render()
    await heartbeat.timer_pass()
    clock.advance(timedelta(seconds=45))
    text_metrics = (await metrics.render()).decode()
    assert _value(text_metrics, "staffroom_scheduler_last_timer_pass_age_seconds") == 45
