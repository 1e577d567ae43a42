"""A fake chat platform for the scale-out tests: an aiohttp server that accepts messages,
records who delivered what, fails a deterministic share of calls (429 or 500), and can hold
one replica's requests unanswered, as a platform that hangs would."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import web


def fails(text: str, attempt: int, rate: float) -> int | None:
    """The status the fake answers for a message's n-th call (None: accepted).

    Decided from the text and the attempt number only, so the outcome does not depend on
    which replica calls or in what order.
    """
    draw = random.Random(f"{text}:{attempt}").random()
    if draw < rate / 2:
        return 429
    if draw < rate:
        return 500
    return None


@dataclass
class FakePlatform:
    failure_rate: float = 0.0
    hold_replica: str | None = None
    accepted: list[tuple[str, str]] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    held: int = 0
    url: str = ""

    def __post_init__(self) -> None:
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def send(self, request: web.Request) -> web.Response:
        body = await request.json()
        replica = request.headers["X-Replica"]
        text = str(body["text"])
        if replica == self.hold_replica:
            self.held += 1
            await self._release.wait()  # until the test ends: the replica is killed meanwhile
            return web.Response(status=503)
        attempt = self.calls[text]
        self.calls[text] += 1
        status = fails(text, attempt, self.failure_rate)
        if status == 429:
            return web.Response(status=429, headers={"Retry-After": "1"})
        if status is not None:
            return web.Response(status=status)
        self.accepted.append((text, replica))
        return web.json_response({"ref": f"m{len(self.accepted)}"})

    async def start(self) -> None:
        application = web.Application()
        application.router.add_post("/send", self.send)
        self._runner = web.AppRunner(application, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()
