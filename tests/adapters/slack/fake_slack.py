"""A local fake of Slack's Web API, `response_url`s, file uploads and the Socket Mode
websocket: an aiohttp server in the test process that records every call and can be told to
fail the way Slack does (429 with Retry-After, 500, an `ok: false` error), or to take a call
and lose its answer (the connection closed, the body cut short).

Posted messages are kept per conversation with their metadata, which `conversations.history`
(top-level messages, newest first) and `conversations.replies` (a thread, oldest first) return
only when asked with `include_all_metadata`, as Slack documents; both honour `oldest` and
`limit`.

slack_sdk talks to it over real HTTP (`base_url` points here); nothing of ours is mocked.

Slack's side of the OAuth install is `oauth` (`fake_oauth.FakeOAuth`): codes, a token per
workspace, revocation.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.adapters.slack.fake_oauth import BOT_USER, TEAM, FakeOAuth


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Failure:
    """One scripted failure: an HTTP status (429 with `retry_after`) or a Slack error code; or,
    with `lost` ("disconnect" or "cut short"), the call is done and its answer lost."""

    status: int = 200
    error: str = ""
    retry_after: int | None = None
    lost: str = ""


@dataclass
class FakeSlack:
    """The fake server's state; `base_url` is what the Web API client is pointed at."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, deque[Failure]] = field(default_factory=lambda: defaultdict(deque))
    held: dict[str, asyncio.Event] = field(default_factory=dict)
    socket_replies: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    oauth: FakeOAuth = field(default_factory=FakeOAuth)
    port: int = 0
    _runner: web.AppRunner | None = None
    _socket: web.WebSocketResponse | None = None
    _socket_ready: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self._numbers = itertools.count(1)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/api/"

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.root}/respond/{name}"

    # --- scripting and inspecting -----------------------------------------------------

    def fail(self, method: str, *failures: Failure) -> None:
        self.failures[method].extend(failures)

    def hold(self, method: str) -> asyncio.Event:
        """Calls to `method` wait until the returned event is set (a slow Slack, without timing)."""
        return self.held.setdefault(method, asyncio.Event())

    def responses_to(self, name: str) -> list[dict[str, Any]]:
        """What was posted to the response_url called `name`, in order."""
        return [body for posted_to, body in self.responses if posted_to == name]

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str = "Europe/London",
        admin: bool = False,
        team: str = TEAM,
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": team,
            "name": name.lower().replace(" ", "."),
            "real_name": name,
            "tz": tz,
            "is_admin": admin,
            "is_owner": False,
            "profile": {"display_name": name, "real_name": name},
        }

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    def successful(self, method: str) -> list[dict[str, Any]]:
        """Calls that Slack accepted (recorded with `_ok` and what the fake answered, `_answer`)."""
        return [params for params in self.calls_to(method) if params.get("_ok")]

    # --- serving ----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._web_api)
        app.router.add_get("/api/{method}", self._web_api)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._websocket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for held in self.held.values():
            held.set()
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        for key in ("blocks", "view"):  # form-encoded JSON arguments
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        params["_token"] = request.headers.get("Authorization", "").removeprefix("Bearer ")
        call = Call(method, params)
        self.calls.append(call)
        if method in self.held:
            await self.held[method].wait()
        refusal = self.oauth.refusal(method, params)
        if refusal:
            return web.json_response({"ok": False, "error": refusal})
        queued = self.failures.get(method)
        if queued and queued[0].lost:
            return self._lose_answer(request, method, params, queued.popleft().lost)
        if queued:
            failure = queued.popleft()
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            if failure.status == 429:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers=headers
                )
            if failure.status >= 500:
                return web.Response(status=failure.status, text="upstream failure")
            return web.json_response({"ok": False, "error": failure.error}, headers=headers)
        answer = self._answer(method, params)
        params["_ok"], params["_answer"] = True, answer
        return web.json_response({"ok": True, **answer})

    def _lose_answer(
        self, request: web.Request, method: str, params: dict[str, Any], how: str
    ) -> web.Response:
        answer = self._answer(method, params)
        params["_ok"], params["_answer"] = True, answer
        if how == "disconnect":
            assert request.transport is not None
            request.transport.close()
            return web.Response(text="never arrives")
        body = json.dumps({"ok": True, **answer})
        return web.Response(text=body[:-2], content_type="application/json")

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        installing = self.oauth.answer(method, params)  # a token it gave, or an install
        if installing is not None:
            return installing
        number = next(self._numbers)
        ts = f"{int(time.time())}.{number:06d}"
        if method == "auth.test":
            return {"team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0STAFFBOT", "team": "Schools"}
        if method == "users.info":
            user = self.users.get(params.get("user", ""))
            return {"user": user or {"id": params.get("user"), "name": "someone", "profile": {}}}
        if method == "chat.postMessage":
            self.messages.append(
                {
                    "channel": params.get("channel"),
                    "ts": ts,
                    "thread_ts": params.get("thread_ts"),
                    "text": params.get("text", ""),
                    "metadata": params.get("metadata"),
                }
            )
            message = {"text": params.get("text", ""), "type": "message", "ts": ts}
            return {"channel": params.get("channel"), "ts": ts, "message": message}
        if method == "chat.update":
            return {"channel": params.get("channel"), "ts": params.get("ts")}
        if method in ("conversations.history", "conversations.replies"):
            return {"messages": self._history(method, params), "has_more": False}
        if method == "chat.postEphemeral":
            return {"message_ts": ts}
        if method == "conversations.open":
            return {"channel": {"id": "D" + str(params.get("users", "")).lstrip("U")}}
        if method == "conversations.join":
            return {"channel": {"id": params.get("channel")}}
        if method.startswith("views."):
            return {"view": {"id": params.get("view_id") or f"V{number:06d}"}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{number:06d}"
            return {"upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(params.get("files", "[]"))
            return {"files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        if method == "apps.connections.open":
            return {"url": f"ws://127.0.0.1:{self.port}/socket"}
        return {}

    def _history(self, method: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        thread = params.get("ts") if method == "conversations.replies" else None
        oldest = float(params.get("oldest") or 0)
        found = [
            m
            for m in self.messages
            if m["channel"] == params.get("channel")
            and float(m["ts"]) > oldest
            and (m["thread_ts"] == thread or (thread is not None and m["ts"] == thread))
        ]
        if thread is None:
            found.reverse()  # newest first
        with_metadata = str(params.get("include_all_metadata")).lower() in ("1", "true")
        shown = [
            {
                "type": "message",
                "user": BOT_USER,
                "bot_id": "B0STAFFBOT",
                "text": m["text"],
                "ts": m["ts"],
                **({"thread_ts": m["thread_ts"]} if m["thread_ts"] else {}),
                **({"metadata": m["metadata"]} if with_metadata and m["metadata"] else {}),
            }
            for m in found
        ]
        return shown[: int(params.get("limit") or 100)]

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append((request.match_info["name"], await request.json()))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")

    # --- Socket Mode ------------------------------------------------------------------

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1})
        self._socket_ready.set()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                await self.socket_replies.put(json.loads(message.data))
        return socket

    async def push(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send a Socket Mode envelope to the connected app; returns its acknowledgement."""
        await asyncio.wait_for(self._socket_ready.wait(), 5)
        assert self._socket is not None
        await self._socket.send_json(envelope)
        return await asyncio.wait_for(self.socket_replies.get(), 5)
