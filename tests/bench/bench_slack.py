"""Benchmark: signed `/staffroom` slash commands over HTTP at rising concurrency against the
Slack adapter in HTTP mode (the whole bot, file-backed SQLite, the fake Slack Web API), and
against a bare slack-bolt `AsyncApp` that only acknowledges, in the same run. Prints the
acknowledgement latency (p50/p99, as the client sees it) and requests/s for each level.

    uv run python -m tests.bench.bench_slack [--levels 1,10,50,100] [--requests 1500]

Each server runs in its own process and the load generator in this one (`--pin` puts them on
separate CPUs), so the client's work is not counted as the server's. The bare
apps answer the same signed requests: "bare" with `process_before_response=True` as ours
runs, "bare, bolt defaults" as bolt ships (it polls for the acknowledgement every 10 ms).
Goal (issue 3): p99 under 50 ms at 100 concurrent requests; our cost within 1.5× of bare.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.adapters.slack.conftest import SIGNING_SECRET, signature
from tests.adapters.slack.fake_slack import TEAM, FakeSlack

GROUPS = ("A-level Chemistry", "GCSE Drama", "SENCOs", "Early-career teachers")
PEOPLE = 200
SERVERS = ("ours", "bare", "bare, bolt defaults")
CORE_MS: dict[str, float] = {}


def _pin(cpu_index: int) -> None:
    """Keep this process on one CPU (only with --pin: on a CPU that other programs keep busy,
    every hand-off between the event loop and the database thread waits for a time slice)."""
    if os.environ.get("BENCH_SLACK_PIN"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[min(cpu_index, len(cpus) - 1)]})


# --- the servers (child processes) ------------------------------------------------------------


async def _serve_ours(fake: FakeSlack, folder: str) -> tuple[int, float]:
    from adapters.slack import runner
    from bot.app import build
    from bot.config import Settings
    from bot.events import Actor, Command, Place

    settings = Settings(
        database_url=f"sqlite:///{folder}/bench.db",
        secret="benchmark-secret-0123456789",  # type: ignore[arg-type]
        secret_file=Path(folder) / "s",
        slack_bot_token="xoxb-bench",  # type: ignore[arg-type]
        slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
        slack_api_url=fake.base_url,
        slack_http_host="127.0.0.1",
        slack_http_port=0,
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
    commands = [Command(people[n % PEOPLE], place, t) for n, t in enumerate(_texts(PEOPLE * 6))]
    for command in commands[: PEOPLE * 2]:
        await app.core.handle(command)
    started = time.perf_counter()
    for command in commands[PEOPLE * 2 :]:
        await app.core.handle(command)
    core_ms = (time.perf_counter() - started) / (len(commands) - PEOPLE * 2) * 1000
    running = await runner.start(app)
    assert running.port is not None
    return running.port, core_ms


async def _serve_bare(fake: FakeSlack, process_before_response: bool) -> int:
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

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


async def serve(kind: str) -> None:
    _pin(0)
    fake = FakeSlack()
    await fake.start()
    for n in range(PEOPLE):
        fake.add_user(f"U{n:05d}", f"Bench Teacher {n}")
    with tempfile.TemporaryDirectory() as folder:
        core_ms = 0.0
        if kind == "ours":
            port, core_ms = await _serve_ours(fake, folder)
        else:
            port = await _serve_bare(fake, process_before_response=kind == "bare")
        print(f"PORT {port} CORE {core_ms}", flush=True)
        await asyncio.Event().wait()  # until the parent ends this process


# --- the load generator -----------------------------------------------------------------------


def _texts(count: int) -> list[str]:
    """A mix of reads and writes answered in the acknowledgement."""
    texts = []
    for n in range(count):
        group = GROUPS[n % len(GROUPS)]
        texts.append(("groups", "whoami", f"join {group}", f"leave {group}", "help")[n % 5])
    return texts


def _request(text: str, n: int) -> tuple[bytes, dict[str, str]]:
    user = f"U{n % PEOPLE:05d}"
    body = urlencode(
        {
            "team_id": TEAM,
            "channel_id": "C0BENCH",
            "channel_name": "bench",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/staffroom",
            "text": text,
            "response_url": "http://127.0.0.1:9/unused",
            "trigger_id": f"bench.{n}",
        }
    )
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(SIGNING_SECRET, stamp, body),
    }
    return body.encode(), headers


async def _load(url: str, concurrency: int, count: int) -> tuple[list[float], float]:
    requests = [_request(text, n) for n, text in enumerate(_texts(count))]
    latencies: list[float] = []
    queue = iter(requests)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def client() -> None:
            for body, headers in queue:
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"HTTP {response.status}")
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        return latencies, time.perf_counter() - started


async def measure(
    kind: str, levels: list[int], count: int
) -> list[tuple[int, float, float, float]]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.bench_slack",
        "--serve",
        kind,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    _, port, _, core_ms = (await child.stdout.readline()).decode().split()
    CORE_MS[kind] = float(core_ms)
    url = f"http://127.0.0.1:{port}/slack/events"
    try:
        await _load(url, 10, PEOPLE * 2)  # warm-up: every person looked up and introduced once
        results = []
        for level in levels:
            latencies, elapsed = await _load(url, level, count if level > 1 else count // 3)
            latencies.sort()
            p50 = statistics.median(latencies) * 1000
            p99 = latencies[int(len(latencies) * 0.99)] * 1000
            results.append((level, p50, p99, len(latencies) / elapsed))
        return results
    finally:
        child.terminate()
        await child.wait()


async def run(levels: list[int], count: int) -> None:
    _pin(1)
    table: dict[str, list[tuple[int, float, float, float]]] = {}
    for kind in SERVERS:
        table[kind] = await measure(kind, levels, count)
    print(f"signed slash commands over HTTP; {count} per level (a third at concurrency 1)")
    print(f"{'server':<22}{'in flight':>10}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>10}")
    for kind, rows in table.items():
        for level, p50, p99, rate in rows:
            print(f"{kind:<22}{level:>10}{p50:>10.2f}{p99:>10.2f}{rate:>10,.0f}")
    print(
        f"the core alone on the same mix, one at a time, no HTTP: {CORE_MS['ours']:.2f} ms/command"
    )
    print("cost relative to bare (p50 at each level, ours / bare):")
    for (level, ours, *_), (_, bare, *_) in zip(table["ours"], table["bare"], strict=True):
        print(f"  {level:>4} in flight: {ours / bare:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="1,10,50,100")
    parser.add_argument("--requests", type=int, default=1500, help="requests per level")
    parser.add_argument("--pin", action="store_true", help="servers on CPU 0, the client on CPU 1")
    parser.add_argument("--serve", choices=SERVERS, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        asyncio.run(serve(arguments.serve))
        return
    if arguments.pin:
        os.environ["BENCH_SLACK_PIN"] = "1"  # inherited by the server processes
    levels = [int(level) for level in arguments.levels.split(",")]
    asyncio.run(run(levels, arguments.requests))


if __name__ == "__main__":
    main()
