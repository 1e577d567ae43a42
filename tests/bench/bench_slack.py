"""Benchmark: signed `/staffroom` slash commands over HTTP at rising concurrency against the
bot in Slack HTTP mode (the whole bot, file-backed SQLite, the fake Slack Web API) and, in the
same run, against a bare slack-bolt `AsyncApp` that only acknowledges; then both at the same
steady rate. Prints per level the acknowledgement latency, the answer latency (p50/p99, as the
client sees them), requests answered per second, and CPU time per request: the whole server's
and that of the process that acknowledges (ours: the Slack intake).

    uv run python -m tests.bench.bench_slack [--levels 1,10,50,100] [--requests 2000]
        [--rate 300] [--budget-ms 25] [--until answer|ack] [--pin] [--bolt-defaults]

The answer latency runs from sending a request until its answer is visible: in the
acknowledgement when it carries one, otherwise when the bot's POST to the command's
`response_url` arrives at a small endpoint in this process (loopback only), matched by request
id. By default a request is in flight until it is answered, so N in flight means N people each
waiting for an answer; `--until ack` sends the next request as soon as the previous one is
acknowledged (N open HTTP requests; answers the core cannot keep up with pile up until the
level's end). The last level sends `--rate` requests a second whatever the server does. For
bare bolt the acknowledgement is the answer. Answers that never arrive, or arrive twice, are
counted and printed. Each client's first request opens its connection, and the clients start
together: those are timed apart ("first") and kept out of the percentiles.

Each server runs in its own processes (`tests.bench.slack_servers`) and the load generator in
this one (`--pin` puts them on separate CPUs), so the client's work is not counted as the
server's; the generator speaks plain HTTP (`tests.bench.lean_http`) and switches its garbage
collector off during a level, so that neither its own cost nor its pauses are counted as the
server's latency. `--budget-ms` sets the command budget; `--bolt-defaults` adds a bare app
with bolt's default `process_before_response=False`.
Goal (issue 3): ack p99 under 50 ms at 100 in flight; our cost within 1.5× of bare.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from adapters.slack.app import COMMAND_BUDGET
from tests.bench.slack_load import Level, Load, ResponseUrls, percentile
from tests.bench.slack_servers import PEOPLE, pin


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (Linux), which other work on the machine
    does not inflate the way it inflates latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _measured(server: set[int], acks: int, level: Coroutine[Any, Any, Level]) -> Level:
    """Run one level with the load generator's garbage collector off (its pauses would count
    as the server's latency) and note the server's CPU time."""
    cpu, ack_cpu = sum(map(_cpu_seconds, server)), _cpu_seconds(acks)
    gc.collect()
    gc.disable()
    try:
        result = await level
    finally:
        gc.enable()
    result.cpu = sum(map(_cpu_seconds, server)) - cpu
    result.ack_cpu = _cpu_seconds(acks) - ack_cpu
    return result


async def measure(
    kind: str, levels: list[int], count: int, budget_ms: float, until_answer: bool, rate: float
) -> tuple[list[Level], float, int]:
    """The levels for one server (the last at a steady `rate`), the core's own ms/command,
    and answers delivered twice."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.slack_servers",
        kind,
        str(budget_ms / 1000),
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    _, port, _, core_ms, _, acks = (await child.stdout.readline()).decode().split()
    server = {child.pid, int(acks)}
    urls = ResponseUrls()
    await urls.start()
    load = Load(int(port), urls, answers=kind == "ours", until_answer=until_answer)
    try:
        # Warm-up: every person looked up and introduced once.
        warm = await load.run("warm", 10, PEOPLE * 2)
        results: list[Level] = []
        for in_flight in levels:
            requests = count if in_flight > 1 else count // 3
            running = load.run(f"{len(results)}.{in_flight}", in_flight, requests)
            results.append(await _measured(server, int(acks), running))
        if rate:
            paced = load.paced("paced", rate, count)
            results.append(await _measured(server, int(acks), paced))
        await asyncio.sleep(0.5)  # time for a stray second answer to show up
        in_ack = set().union(*(level.in_ack for level in [warm, *results]))
        twice = sum(
            max(0, len(times) + (request_id in in_ack) - 1)
            for request_id, times in urls.arrivals.items()
        )
        return results, float(core_ms), twice
    finally:
        child.terminate()
        await child.wait()


async def run(
    levels: list[int],
    count: int,
    budget_ms: float,
    servers: list[str],
    until_answer: bool,
    rate: float,
) -> None:
    pin(1)
    table = {
        kind: await measure(kind, levels, count, budget_ms, until_answer, rate) for kind in servers
    }
    print(
        f"signed slash commands over HTTP; {count} per level (a third at 1 in flight); "
        f"command budget {budget_ms:g} ms; a request is in flight until its "
        + ("answer is visible" if until_answer else "acknowledgement (answers pile up)")
        + (f"; last, {count} sent at a steady {rate:g}/s" if rate else "")
    )
    print(
        f"{'server':<15}{'in flight':>10}{'ack p50':>9}{'ack p99':>9}{'answer p50':>12}"
        f"{'answer p99':>12}{'req/s':>8}{'open':>6}{'CPU ms':>8}{'ack CPU':>9}{'in ack':>8}"
        f"{'lost':>6}{'first':>8}"
    )
    for kind, (rows, _, _) in table.items():
        for level in rows:
            print(
                f"{kind:<15}{_level_name(level, rate):>10}{percentile(level.acks, 0.5):>9.1f}"
                f"{percentile(level.acks, 0.99):>9.1f}{percentile(level.answers, 0.5):>12.1f}"
                f"{percentile(level.answers, 0.99):>12.1f}{level.requests / level.elapsed:>8,.0f}"
                f"{(sum(level.acks) + sum(level.first_acks)) / level.elapsed:>6.0f}"
                f"{level.cpu / level.requests * 1000:>8.2f}"
                f"{level.ack_cpu / level.requests * 1000:>9.2f}"
                f"{len(level.in_ack) / level.requests:>8.0%}{level.lost:>6}"
                f"{max(level.first_acks) * 1000:>8.1f}"
            )
    ours, core_ms, twice = table["ours"]
    print(
        "req/s: requests answered per second; open: HTTP requests awaiting their ack, on "
        "average; CPU ms: the server's CPU time per request (all its processes); ack CPU: that "
        "of the process that acknowledges; in ack: answers carried by the ack; first: the "
        "slowest ack of a request that opened its connection (kept out of the percentiles)"
    )
    print(f"answers delivered twice: {twice}; the core alone, one at a time: {core_ms:.2f} ms")
    print("ours / bare, per level: ack p50, ack p99, ack CPU per request, server CPU per request")
    for level, bare in zip(ours, table["bare"][0], strict=True):
        ratios = (
            percentile(level.acks, 0.5) / percentile(bare.acks, 0.5),
            percentile(level.acks, 0.99) / percentile(bare.acks, 0.99),
            (level.ack_cpu / level.requests) / max(bare.ack_cpu / bare.requests, 1e-9),
            (level.cpu / level.requests) / max(bare.cpu / bare.requests, 1e-9),
        )
        print(f"  {_level_name(level, rate):>9}: " + "  ".join(f"{r:.2f}×" for r in ratios))


def _level_name(level: Level, rate: float) -> str:
    return f"{level.in_flight}" if level.in_flight else f"{rate:g}/s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="1,10,50,100")
    parser.add_argument("--requests", type=int, default=2000, help="requests per level")
    parser.add_argument(
        "--rate",
        type=float,
        default=300,
        help="requests per second of the last level, the same for both servers (0: none)",
    )
    parser.add_argument("--budget-ms", type=float, default=COMMAND_BUDGET * 1000)
    parser.add_argument("--pin", action="store_true", help="servers on CPU 0, the client on CPU 1")
    parser.add_argument("--bolt-defaults", action="store_true", help="also bolt's default mode")
    parser.add_argument(
        "--until",
        choices=("answer", "ack"),
        default="answer",
        help="a client sends its next request once the answer is visible (default) or as soon "
        "as the previous one is acknowledged",
    )
    arguments = parser.parse_args()
    if arguments.pin:
        os.environ["BENCH_SLACK_PIN"] = "1"  # inherited by the server processes
    levels = [int(level) for level in arguments.levels.split(",")]
    servers = ["ours", "bare", *(["bolt defaults"] if arguments.bolt_defaults else [])]
    until_answer = arguments.until == "answer"
    asyncio.run(
        run(levels, arguments.requests, arguments.budget_ms, servers, until_answer, arguments.rate)
    )


if __name__ == "__main__":
    main()
