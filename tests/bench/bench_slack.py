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
import time
from collections import defaultdict
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from adapters.slack.app import COMMAND_BUDGET
from tests.adapters.slack.conftest import SIGNING_SECRET, signature
from tests.adapters.slack.fake_slack import TEAM
from tests.bench.lean_http import Connection, Receiver
from tests.bench.slack_servers import PEOPLE, pin, texts

PATH = "/slack/events"
ANSWER_TIMEOUT = 30.0
"""Seconds to wait for a deferred answer before counting it as lost."""


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (Linux), which other work on the machine
    does not inflate the way it inflates latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ResponseUrls:
    """The `response_url` endpoint: when each request's deferred answer arrived, by id."""

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.receiver = Receiver(self._arrived)

    @property
    def port(self) -> int:
        return self.receiver.port

    async def start(self) -> None:
        await self.receiver.start()

    def _arrived(self, path: str, at: float) -> None:
        request_id = path.rsplit("/", 1)[-1]
        self.arrivals[request_id].append(at)
        waiting = self.waiting.pop(request_id, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(at)

    async def arrival(self, request_id: str) -> float | None:
        """When the first answer for `request_id` arrived (waiting for it); None if lost."""
        if self.arrivals[request_id]:
            return self.arrivals[request_id][0]
        waiting = self.waiting[request_id] = asyncio.get_running_loop().create_future()
        try:
            return await asyncio.wait_for(waiting, ANSWER_TIMEOUT)
        except TimeoutError:
            return None


@dataclass
class Level:
    in_flight: int
    acks: list[float]
    answers: list[float]
    elapsed: float
    in_ack: set[str]
    lost: int
    first_acks: list[float] = field(default_factory=list)
    """Each client's first acknowledgement: it includes opening the connection, and the
    clients all start together, so these are kept out of the percentiles and shown apart."""
    cpu: float = 0.0
    """Seconds of CPU the server used (all its processes and threads, user and system)."""
    ack_cpu: float = 0.0
    """Seconds of CPU of the process that acknowledges (ours: the intake; bare: the server)."""

    @property
    def requests(self) -> int:
        return len(self.acks) + len(self.first_acks)


def _request(text: str, n: int, response_url: str) -> tuple[bytes, dict[str, str]]:
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
            "response_url": response_url,
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


@dataclass
class Load:
    """Signed commands for one server; `answers`: an empty ack means the answer follows
    through the response_url; `until_answer`: a client's next request waits for the answer
    (else only for the acknowledgement, and answers are awaited at the end)."""

    port: int
    urls: ResponseUrls
    answers: bool
    until_answer: bool

    async def run(self, prefix: str, concurrency: int, count: int) -> Level:
        """`concurrency` clients, each sending its next command once the last is done."""
        level = Level(concurrency, [], [], 0.0, set(), 0)
        queue = iter(enumerate(texts(count)))
        later: list[asyncio.Future[None]] = []
        connections = [Connection("127.0.0.1", self.port) for _ in range(concurrency)]

        async def client(connection: Connection) -> None:
            fresh = True
            for n, text in queue:
                answer = await self._send(level, f"{prefix}-{n}", n, text, connection, fresh)
                fresh = False
                if answer is not None and self.until_answer:
                    await answer
                elif answer is not None:
                    later.append(answer)

        started = time.perf_counter()
        try:
            await asyncio.gather(*map(client, connections))
            await asyncio.gather(*later)
        finally:
            for connection in connections:
                connection.close()
        level.elapsed = time.perf_counter() - started
        return level

    async def paced(self, prefix: str, rate: float, count: int) -> Level:
        """Commands sent at a steady `rate` per second whatever the server does (open loop),
        each on an idle connection or a new one; answers are awaited at the end."""
        level = Level(0, [], [], 0.0, set(), 0)
        idle: list[Connection] = []
        opened: list[Connection] = []
        sending: list[asyncio.Future[asyncio.Future[None] | None]] = []

        async def one(n: int, text: str) -> asyncio.Future[None] | None:
            fresh = not idle
            connection = idle.pop() if idle else Connection("127.0.0.1", self.port)
            if fresh:
                opened.append(connection)
            answer = await self._send(level, f"{prefix}-{n}", n, text, connection, fresh)
            idle.append(connection)
            return answer

        started = time.perf_counter()
        try:
            for n, text in enumerate(texts(count)):
                await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
                sending.append(asyncio.ensure_future(one(n, text)))
            answers = await asyncio.gather(*sending)
            await asyncio.gather(*(answer for answer in answers if answer is not None))
        finally:
            for connection in opened:
                connection.close()
        level.elapsed = time.perf_counter() - started
        return level

    async def _send(
        self, level: Level, request_id: str, n: int, text: str, connection: Connection, fresh: bool
    ) -> asyncio.Future[None] | None:
        """Send one command and time its ack; the wait for its answer, unless the ack had it.
        A request on a `fresh` connection is timed apart (it includes connecting)."""
        response_url = f"http://127.0.0.1:{self.urls.port}/respond/{request_id}"
        body, headers = _request(text, n, response_url)
        started = time.perf_counter()
        status, acknowledgement = await connection.post(PATH, body, headers)
        if status != 200:
            raise RuntimeError(f"HTTP {status}")
        acked = time.perf_counter() - started
        (level.first_acks if fresh else level.acks).append(acked)
        if b'"blocks"' in acknowledgement or not self.answers:
            level.in_ack.add(request_id)
            if not fresh:
                level.answers.append(acked)
            return None
        return asyncio.ensure_future(self._answer(level, request_id, started, not fresh))

    async def _answer(self, level: Level, request_id: str, started: float, counted: bool) -> None:
        arrived = await self.urls.arrival(request_id)
        if arrived is None:
            level.lost += 1
        elif counted:
            level.answers.append(arrived - started)


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
        results = []
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


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


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
                f"{kind:<15}{_level_name(level, rate):>10}{_p(level.acks, 0.5):>9.1f}"
                f"{_p(level.acks, 0.99):>9.1f}{_p(level.answers, 0.5):>12.1f}"
                f"{_p(level.answers, 0.99):>12.1f}{level.requests / level.elapsed:>8,.0f}"
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
            _p(level.acks, 0.5) / _p(bare.acks, 0.5),
            _p(level.acks, 0.99) / _p(bare.acks, 0.99),
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
