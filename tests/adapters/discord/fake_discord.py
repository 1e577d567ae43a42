"""A local stand-in for Discord's REST API, served by aiohttp inside the test process.

discord.py's real HTTP client talks to it (its base URL is pointed here). It records every
request — JSON bodies and multipart files alike — answers the routes the adapter uses the way
Discord documents them (messages, DMs, threads, interaction callbacks and follow-ups, command
registration), answers unknown channels with 404 / code 10003, and can be told to answer a
route with 429 (with `retry_after`), 403 or 404, or to do what was asked and lose the answer
(the connection closed, the body cut short). A message posted with a `nonce` and
`enforce_nonce` whose nonce the bot used before is not created again: the first is returned,
as Discord documents (Discord remembers for a few minutes; the fake for its whole life).
`GET /gateway/bot` names `gateway_url` (a `FakeGateway`'s, when a test connects one).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from tests.adapters.discord.rest_objects import (
    APP_ID,
    BOT_USER,
    TIMESTAMP,
    application_payload,
    message_payload,
)


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    json: Any = None
    files: list[tuple[str, bytes]] = field(default_factory=list)


@dataclass
class _Failure:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int
    lost: str = ""


class FakeDiscord:
    """The fake API. `await start()` gives the base URL (also `base_url`) for DISCORD_API_URL."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self._nonces: dict[str, str] = {}
        self._failures: list[_Failure] = []
        self._ids = itertools.count(1500000000000000001)
        self._runner: web.AppRunner | None = None
        self._arrived = asyncio.Condition()
        self.base_url = ""
        self.gateway_url = ""

    # --- running ------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/api/v10"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- arranging ----------------------------------------------------------------------

    def add_channel(self, channel_id: str, guild_id: str, name: str, kind: int = 0) -> None:
        self.channels[channel_id] = {
            "id": channel_id,
            "type": kind,
            "guild_id": guild_id,
            "name": name,
        }

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        code: int = 0,
        message: str = "",
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching requests with an error."""
        body = {"code": code, "message": message or f"fake error {status}"}
        self._failures.append(_Failure(method, re.compile(path), status, body, {}, times))

    def rate_limit(self, method: str, path: str, retry_after: float, *, times: int = 1) -> None:
        """Answer the next `times` matching requests with 429, as Discord does."""
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(retry_after),
            "X-RateLimit-Scope": "user",
        }
        self._failures.append(_Failure(method, re.compile(path), 429, body, headers, times))

    def lose_answer(self, method: str, path: str, how: str = "disconnect") -> None:
        """Do the next matching request, then close the connection ("disconnect") or cut the
        answer short ("cut short")."""
        self._failures.append(_Failure(method, re.compile(path), 200, {}, {}, 1, how))

    # --- reading --------------------------------------------------------------------------

    def find(self, method: str, path: str) -> list[Recorded]:
        pattern = re.compile(path)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def callbacks(self) -> list[dict[str, Any]]:
        """Interaction responses (type and data), in order."""
        return [r.json for r in self.find("POST", r"/interactions/\d+/[^/]+/callback")]

    def followups(self) -> list[dict[str, Any]]:
        return [r.json for r in self.find("POST", r"/webhooks/\d+/[^/]+")]

    def posts(self) -> list[Recorded]:
        """Messages the bot posted itself (not interaction responses)."""
        return self.find("POST", r"/channels/\d+/messages")

    async def wait_for(self, method: str, path: str, count: int = 1) -> list[Recorded]:
        """Wait until `count` matching requests have arrived (the test's own timeout applies)."""
        async with self._arrived:
            await self._arrived.wait_for(lambda: len(self.find(method, path)) >= count)
        return self.find(method, path)

    # --- answering ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        recorded = Recorded(request.method, path)
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if isinstance(part, BodyPartReader) and part.name == "payload_json":
                    recorded.json = json.loads(await part.text())
                else:
                    data = await part.read()  # type: ignore[union-attr]
                    recorded.files.append((part.filename or "", bytes(data)))  # type: ignore[union-attr]
        elif request.can_read_body:
            recorded.json = await request.json()
        self.requests.append(recorded)
        async with self._arrived:
            self._arrived.notify_all()
        failure = self._failure_for(recorded)
        if failure is None:
            return self._answer(recorded)
        if not failure.lost:
            return _json(failure.body, failure.status, failure.headers)
        answer = self._answer(recorded)
        if failure.lost == "disconnect":
            assert request.transport is not None
            request.transport.close()
            return answer
        assert isinstance(answer, web.Response) and isinstance(answer.body, bytes)
        return web.Response(
            body=bytes(answer.body)[:20], headers={"Content-Type": "application/json"}
        )

    def _failure_for(self, recorded: Recorded) -> _Failure | None:
        for failure in self._failures:
            matches = failure.method == recorded.method and failure.path.fullmatch(recorded.path)
            if failure.times and matches:
                failure.times -= 1
                return failure
        return None

    def _answer(self, recorded: Recorded) -> web.StreamResponse:
        path, method, body = recorded.path, recorded.method, recorded.json or {}
        routes: list[tuple[str, str, Any]] = [
            ("GET", r"/users/@me", lambda match, body, recorded: BOT_USER),
            (
                "GET",
                r"/oauth2/applications/@me",
                lambda match, body, recorded: application_payload(),
            ),
            ("GET", r"/gateway/bot", self._gateway),
            ("PUT", r"/applications/\d+(?:/guilds/\d+)?/commands", self._commands),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/\d+/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/\d+/([^/]+)/messages/@original", self._followup),
            ("DELETE", r"/webhooks/\d+/([^/]+)/messages/@original", None),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("POST", r"/channels/(\d+)/messages", self._post),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit),
            ("GET", r"/channels/(\d+)/messages/(\d+)", self._fetch),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._thread),
        ]
        for route_method, pattern, answer in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                if answer is None:
                    return web.Response(status=204)
                result = answer(match, body, recorded)
                if isinstance(result, web.StreamResponse):
                    return result
                return _json(result)
        return _error(404, 0, f"the fake has no route {method} {path}")

    def _gateway(self, match: re.Match[str], body: Any, recorded: Recorded) -> Any:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    def _commands(self, match: re.Match[str], body: Any, recorded: Recorded) -> Any:
        return [
            {**command, "id": str(next(self._ids)), "application_id": APP_ID, "version": "1"}
            for command in body
        ]

    def _callback(self, match: re.Match[str], body: Any, recorded: Recorded) -> Any:
        if body.get("type") == 4:
            self.messages[f"original:{match[2]}"] = self._message("0", body.get("data", {}))
        return {"interaction": {"id": match[1], "type": 2}}

    def _followup(self, match: re.Match[str], body: Any, recorded: Recorded) -> Any:
        return self._message("0", body)

    def _open_dm(self, match: re.Match[str], body: Any, recorded: Recorded) -> Any:
        channel_id = str(next(self._ids))
        recipient = {
            **BOT_USER,
            "id": str(body["recipient_id"]),
            "bot": False,
            "username": "member",
        }
        channel = {"id": channel_id, "type": 1, "recipients": [recipient], "last_message_id": None}
        self.channels[channel_id] = channel
        return channel

    def _post(self, match: re.Match[str], body: Any, recorded: Recorded) -> Any:
        if match[1] not in self.channels:
            return _error(404, 10003, "Unknown Channel")
        nonce = str(body.get("nonce") or "")
        if nonce and body.get("enforce_nonce") and nonce in self._nonces:
            return self.messages[self._nonces[nonce]]
        message = self._message(match[1], body, recorded.files)
        if nonce:
            message["nonce"] = nonce
            self._nonces[nonce] = message["id"]
        self.messages[message["id"]] = message
        return message

    def _edit(self, match: re.Match[str], body: Any, recorded: Recorded) -> Any:
        if match[2] not in self.messages:
            return _error(404, 10008, "Unknown Message")
        message = {**self.messages[match[2]], **self._message(match[1], body, recorded.files)}
        message["id"] = match[2]
        self.messages[match[2]] = message
        return message

    def _fetch(self, match: re.Match[str], body: Any, recorded: Recorded) -> Any:
        if match[2] not in self.messages:
            return _error(404, 10008, "Unknown Message")
        return self.messages[match[2]]

    def _thread(self, match: re.Match[str], body: Any, recorded: Recorded) -> Any:
        parent = self.channels.get(match[1], {})
        thread = {
            "id": match[2],
            "type": 11,
            "guild_id": parent.get("guild_id"),
            "parent_id": match[1],
            "name": body["name"],
            "owner_id": APP_ID,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": TIMESTAMP,
                "locked": False,
            },
        }
        self.channels[match[2]] = thread
        return thread

    def _message(
        self, channel_id: str, body: dict[str, Any], files: list[tuple[str, bytes]] | None = None
    ) -> dict[str, Any]:
        message_id = str(next(self._ids))
        attachments = [
            {
                "id": str(next(self._ids)),
                "filename": name,
                "size": len(data),
                "url": f"https://cdn.example/{name}",
                "proxy_url": f"https://cdn.example/{name}",
            }
            for name, data in files or []
        ]
        return message_payload(message_id, channel_id, body, attachments)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly Discord's content type: discord.py decodes JSON only for this one.
    headers = {**(headers or {}), "Content-Type": "application/json"}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers)


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"code": code, "message": message}, status)
