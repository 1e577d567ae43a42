"""The servers `bench_slack` measures, each started in its own process: the Slack adapter in
HTTP mode (the whole bot on file-backed SQLite, a network with groups, the fake Slack Web API
with the benchmark's people), or a bare slack-bolt `AsyncApp` that only acknowledges.

    python -m tests.bench.slack_servers ours|bare|"bolt defaults" BUDGET_SECONDS

prints `PORT <port> CORE <the core's own ms per command on the benchmark's mix> ACKS <pid>`
once ready, where `pid` is the process that acknowledges (ours: the intake process).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import runner
from adapters.slack.settings import SlackSettings
from bot.app import build
from bot.kernel.events import Actor, Command, Place
from bot.runtime import event_loop
from bot.runtime.config import Settings
from tests.adapters.slack.conftest import SIGNING_SECRET
from tests.adapters.slack.fake_slack import TEAM, FakeSlack

GROUPS = ("A-level Chemistry", "GCSE Drama", "SENCOs", "Early-career teachers")
PEOPLE = 200


def texts(count: int) -> list[str]:
    """A mix of reads and writes, every answer private (so it may ride on the ack). Request `n`
    comes from person `n % PEOPLE`, who moves on to the next kind each time round, so each
    person joins their group and later leaves it: joins and leaves are real writes, not the
    same refusal again and again."""
    mix = []
    for n in range(count):
        group = GROUPS[n % len(GROUPS)]
        kinds = ("groups", "whoami", f"join {group}", f"leave {group}", "help")
        mix.append(kinds[(n + n // PEOPLE) % len(kinds)])
    return mix


def pin(cpu_index: int) -> None:
    """Keep this process on one CPU (only with --pin: on a CPU that other programs keep busy,
    every hand-off between the event loop and the database thread waits for a time slice)."""
    if os.environ.get("BENCH_SLACK_PIN"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[min(cpu_index, len(cpus) - 1)]})


async def _serve_ours(fake: FakeSlack, folder: str, budget: float) -> tuple[int, float, int]:
    settings = Settings(
        database_url=f"sqlite:///{folder}/bench.db",
        secret="benchmark-secret-0123456789",
        secret_file=Path(folder) / "s",
    )
    slack = SlackSettings(
        bot_token="xoxb-bench",
        signing_secret=SIGNING_SECRET,
        api_url=fake.base_url,
        http_host="127.0.0.1",
        http_port=0,
    )
    app = build(settings)
    admin = Actor("slack", TEAM, "U0ADMIN", "Fran Hughes", is_workspace_admin=True)
    place = Place("slack", TEAM, channel="C0BENCH", channel_name="bench")
    for line in (
        "setup Bench Network",
        "school add Ridgeway School",
        *(f"group create {g}" for g in GROUPS),
    ):
        await app.core.handle(Command(admin, place, line))
    # The core alone on the same mix, one command at a time, for comparison.
    people = [Actor("slack", TEAM, f"U{n:05d}", f"Bench Teacher {n}") for n in range(PEOPLE)]
    for person in people:  # a school first: joining a group asks for one
        await app.core.handle(Command(person, place, "school Ridgeway School"))
    commands = [Command(people[n % PEOPLE], place, t) for n, t in enumerate(texts(PEOPLE * 6))]
    for command in commands[: PEOPLE * 2]:
        await app.core.handle(command)
    started = time.perf_counter()
    for command in commands[PEOPLE * 2 :]:
        await app.core.handle(command)
    core_ms = (time.perf_counter() - started) / (len(commands) - PEOPLE * 2) * 1000
    running = await runner.start(app, slack)
    running.adapter.command_budget = budget
    assert running.intake is not None and running.intake.port and running.intake.pid
    return running.intake.port, core_ms, running.intake.pid


async def _serve_bare(fake: FakeSlack, process_before_response: bool) -> int:
    bolt = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=fake.base_url),
        signing_secret=SIGNING_SECRET,
        process_before_response=process_before_response,
    )

    @bolt.command("/staffroom")
    async def only_ack(ack: Any) -> None:
        await ack()

    server = web.AppRunner(bolt.web_app(path="/slack/events"), access_log=None)
    await server.setup()
    await web.TCPSite(server, "127.0.0.1", 0).start()
    return int(server.addresses[0][1])


async def serve(kind: str, budget: float) -> None:
    pin(0)
    fake = FakeSlack()
    await fake.start()
    for n in range(PEOPLE):
        fake.add_user(f"U{n:05d}", f"Bench Teacher {n}")
    with tempfile.TemporaryDirectory() as folder:
        core_ms, acks = 0.0, os.getpid()
        if kind == "ours":
            port, core_ms, acks = await _serve_ours(fake, folder, budget)
        else:
            port = await _serve_bare(fake, process_before_response=kind == "bare")
        print(f"PORT {port} CORE {core_ms} ACKS {acks}", flush=True)
        await asyncio.Event().wait()  # until the parent ends this process


if __name__ == "__main__":
    # Each as it ships: ours on the bot's event loop, bare slack-bolt on asyncio's own.
    kind = sys.argv[1]
    (event_loop.run if kind == "ours" else asyncio.run)(serve(kind, float(sys.argv[2])))
