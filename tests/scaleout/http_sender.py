"""A `ChatSender` for the scale-out tests: posts each message to the fake platform over HTTP
and maps its answers onto the port's errors, as a real adapter does."""

from __future__ import annotations

import itertools

import aiohttp

from bot.delivery.ports import Destination, RateLimited
from bot.kernel.replies import Reply

PLATFORM = "fake"


class HttpChatSender:
    platform = PLATFORM

    def __init__(self, base_url: str, replica: str) -> None:
        self._base_url = base_url
        self._replica = replica
        self._session: aiohttp.ClientSession | None = None
        self._edits = itertools.count()

    async def send(self, destination: Destination, reply: Reply) -> str:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(
            f"{self._base_url}/send",
            json={"text": reply.fallback_text(), "channel": destination.channel},
            headers={"X-Replica": self._replica},
        ) as response:
            if response.status == 429:
                raise RateLimited(float(response.headers.get("Retry-After", "1")))
            if response.status >= 400:
                raise ConnectionError(f"fake platform answered {response.status}")
            body = await response.json()
            return str(body["ref"])

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def edit(self, message_ref: str, reply: Reply) -> None:
        raise NotImplementedError("the scale-out tests send no edits")
