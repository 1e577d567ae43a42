"""A local stand-in for Discord's gateway: a websocket server speaking the gateway protocol to
the real discord.py client, served by aiohttp inside the test process.

It does what Discord documents: HELLO on connect, a heartbeat ACK for each heartbeat, READY
after IDENTIFY, RESUMED after RESUME. A test dispatches events (`dispatch`), closes the
connection with a close code (`close`), arranges for the next IDENTIFY to be refused with
one (`refuse_identify`), keeps new connections waiting (`accepting`, an event), or turns them
away with HTTP 503 while `down` is set, as an unreachable gateway does (counted in
`turned_away`). `FakeDiscord` hands its URL out from `GET /gateway/bot`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from aiohttp import WSMsgType, web

HELLO, IDENTIFY, RESUME, HEARTBEAT, HEARTBEAT_ACK, DISPATCH = 10, 2, 6, 1, 11, 0
HEARTBEAT_INTERVAL_MS = 41_250


class FakeGateway:
    """The fake gateway. `await start()` gives its URL (also `url`).

    Attributes:
        identifies: the `d` of every IDENTIFY received, in order.
        resumes: the `d` of every RESUME received, in order.
    """

    def __init__(self, bot_user: dict[str, Any], application_id: str) -> None:
        self._bot_user = bot_user
        self._application_id = application_id
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self._socket: web.WebSocketResponse | None = None  # the latest session's
        self._open: set[web.WebSocketResponse] = set()
        self._sequence = itertools.count(1)
        self._sessions = itertools.count(1)
        self._refusal: int | None = None
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.accepting = asyncio.Event()
        self.accepting.set()
        self.down = False
        self.turned_away = 0

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/", self._connection)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"ws://127.0.0.1:{port}/"
        return self.url

    async def stop(self) -> None:
        for socket in list(self._open):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what a test does -----------------------------------------------------------------

    def refuse_identify(self, code: int) -> None:
        """Answer the next IDENTIFY by closing the connection with `code` (e.g. 4004)."""
        self._refusal = code

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH of `event` on the current connection."""
        assert self._socket is not None, "no client is connected"
        await self._send(DISPATCH, data, event)

    async def close(self, code: int) -> None:
        """Close the current connection with `code`, as Discord does."""
        assert self._socket is not None, "no client is connected"
        socket, self._socket = self._socket, None
        await socket.close(code=code)

    async def wait_for_sessions(self, count: int) -> None:
        """Wait until `count` IDENTIFY or RESUME handshakes have been answered in all."""
        async with self._changed:
            await self._changed.wait_for(
                lambda: self._socket is not None and len(self.identifies + self.resumes) >= count
            )

    # --- the protocol ---------------------------------------------------------------------

    async def _connection(self, request: web.Request) -> web.StreamResponse:
        await self.accepting.wait()
        if self.down:
            self.turned_away += 1
            return web.Response(status=503)
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._open.add(socket)
        try:
            await self._converse(socket)
        finally:
            self._open.discard(socket)
        return socket

    async def _converse(self, socket: web.WebSocketResponse) -> None:
        await socket.send_str(
            json.dumps({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        )
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            op, data = payload.get("op"), payload.get("d")
            if op == HEARTBEAT:
                await socket.send_str(json.dumps({"op": HEARTBEAT_ACK}))
            elif op == IDENTIFY:
                await self._identified(socket, data)
            elif op == RESUME:
                await self._resumed(socket, data)

    async def _identified(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        if self._refusal is not None:
            code, self._refusal = self._refusal, None
            await socket.close(code=code)
            return
        self._socket = socket
        shard = data.get("shard") or [0, 1]
        ready = {
            "v": 10,
            "user": self._bot_user,
            "guilds": [],
            "session_id": f"session-{next(self._sessions)}",
            "resume_gateway_url": self.url,
            "shard": shard,
            "application": {"id": self._application_id, "flags": 0},
        }
        await self._send(DISPATCH, ready, "READY")
        await self._changed_now()

    async def _resumed(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        self._socket = socket
        await self._send(DISPATCH, {}, "RESUMED")
        await self._changed_now()

    async def _send(self, op: int, data: Any, event: str | None = None) -> None:
        assert self._socket is not None
        frame = {"op": op, "d": data, "s": next(self._sequence), "t": event}
        await self._socket.send_str(json.dumps(frame))

    async def _changed_now(self) -> None:
        async with self._changed:
            self._changed.notify_all()
