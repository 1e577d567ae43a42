"""The load for the Slack benchmark: signed slash commands from many people fired at an HTTP
endpoint, the response_url server that times each answer, and one level's timings."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from tests.adapters.slack.conftest import SIGNING_SECRET, signature
from tests.adapters.slack.fake_slack import TEAM
from tests.bench.lean_http import Connection, Receiver
from tests.bench.slack_servers import PEOPLE, texts

PATH = "/slack/events"
ANSWER_TIMEOUT = 30.0
"""Seconds to wait for a deferred answer before counting it as lost."""


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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000
