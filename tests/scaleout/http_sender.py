"""A `ChatSender` for the scale-out tests: posts each message to the fake platform over HTTP
with its token, waits a bounded time for the answer, maps the answers onto the port's errors
as a real adapter does, and finds a message whose answer was lost by its token."""

from __future__ import annotations

import aiohttp

from bot.delivery.ports import Destination, RateLimited
from bot.kernel.replies import Reply

PLATFORM = "fake"
PATIENCE = aiohttp.ClientTimeout(total=1.5)


class HttpChatSender:
    platform = PLATFORM

    def __init__(self, base_url: str, replica: str) -> None:
        self._base_url = base_url
        self._replica = replica
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                headers={"X-Replica": self._replica}, timeout=PATIENCE
            )
        return self._session

    async def send(self, destination: Destination, reply: Reply) -> str:
        body = {
            "text": reply.fallback_text(),
            "channel": destination.channel,
            "token": destination.token,
        }
        async with self._open().post(f"{self._base_url}/send", json=body) as response:
            if response.status == 429:
                raise RateLimited(float(response.headers.get("Retry-After", "1")))
            if response.status >= 400:
                raise ConnectionError(f"fake platform answered {response.status}")
            return str((await response.json())["ref"])

    async def find_posted(self, destination: Destination, reply: Reply) -> str | None:
        params = {"token": destination.token}
        async with self._open().get(f"{self._base_url}/find", params=params) as response:
            ref = (await response.json())["ref"]
        return None if ref is None else str(ref)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def edit(self, message_ref: str, reply: Reply) -> None:
        raise NotImplementedError("the scale-out tests send no edits")
