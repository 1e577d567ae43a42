"""A fake chat platform for the scale-out tests: an aiohttp server that accepts messages,
records who delivered what, fails a deterministic share of calls (429 or 500), loses the
answer to another share after accepting the message (the connection closed, the body cut
short, an answer slower than the sender waits), finds a message by its token, and can hold
one replica's requests unanswered — before or after accepting them — as a platform that hangs
would."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import web

from bot.delivery.worker import MAX_ATTEMPTS

LOST = ("disconnect", "cut short", "slow")
SLOW = 3.0  # seconds: longer than the sender waits for an answer


def fails(text: str, attempt: int, rate: float, lost_rate: float = 0.0) -> int | str | None:
    """What the fake does with a message's n-th call: refuse it (429 or 500), take it and lose
    the answer (one of `LOST`), or take it (None).

    Decided from the text and the attempt number only, so the outcome does not depend on
    which replica calls or in what order.
    """
    draw = random.Random(f"{text}:{attempt}").random()
    if draw < rate / 2:
        return 429
    if draw < rate:
        return 500
    if draw < rate + lost_rate:
        return LOST[int(draw * 1000) % len(LOST)]
    return None


def none_give_up(texts: list[str], rate: float, lost_rate: float = 0.0) -> bool:
    """Whether every message is taken within the worker's attempts, failures and all."""
    return all(
        sum(1 for n in range(MAX_ATTEMPTS) if fails(text, n, rate, lost_rate)) < MAX_ATTEMPTS
        for text in texts
    )


@dataclass
class FakePlatform:
    failure_rate: float = 0.0
    lost_rate: float = 0.0
    hold_replica: str | None = None
    hold_after_accepting: bool = False
    accepted: list[tuple[str, str]] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    lost: Counter[str] = field(default_factory=Counter)
    lookups: int = 0
    held: int = 0
    url: str = ""

    def __post_init__(self) -> None:
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._by_token: dict[str, str] = {}

    async def send(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        replica = request.headers["X-Replica"]
        text = str(body["text"])
        if replica == self.hold_replica:
            self.held += 1
            if self.hold_after_accepting:
                self._accept(text, str(body.get("token") or ""), replica)
            await self._release.wait()  # until the test ends: the replica is killed meanwhile
            return web.Response(status=503)
        attempt = self.calls[text]
        self.calls[text] += 1
        outcome = fails(text, attempt, self.failure_rate, self.lost_rate)
        if outcome == 429:
            return web.Response(status=429, headers={"Retry-After": "1"})
        if isinstance(outcome, int):
            return web.Response(status=outcome)
        answer = {"ref": self._accept(text, str(body.get("token") or ""), replica)}
        if outcome is None:
            return web.json_response(answer)
        self.lost[outcome] += 1
        if outcome == "disconnect":
            assert request.transport is not None
            request.transport.close()
        elif outcome == "slow":
            await asyncio.sleep(SLOW)
        return web.Response(text='{"ref": "m', content_type="application/json")

    def _accept(self, text: str, token: str, replica: str) -> str:
        self.accepted.append((text, replica))
        ref = f"m{len(self.accepted)}"
        if token:
            self._by_token[token] = ref
        return ref

    async def find(self, request: web.Request) -> web.Response:
        self.lookups += 1
        return web.json_response({"ref": self._by_token.get(request.query["token"])})

    async def start(self) -> None:
        application = web.Application()
        application.router.add_post("/send", self.send)
        application.router.add_get("/find", self.find)
        self._runner = web.AppRunner(application, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()
