"""The Slack intake: a small process of its own that serves Slack's HTTP requests in HTTP mode.

It runs slack-bolt's `AsyncApp` on aiohttp, which verifies each request's signature and
timestamp and finds its kind; a verified request is forwarded to the bot's process over the
link (`adapters.slack.link`) and acknowledged as soon as the bot's process says what the
acknowledgement should carry, or empty once the request's hold has passed. Because it does
nothing else, an acknowledgement never waits behind the core's work or the answers being
delivered: a process has one interpreter lock, so in one process it would.

An acknowledgement that reaches the intake after it has already acknowledged (a rare race at
the deadline) is not lost: the intake says `TooLate`, and the bot's process delivers the answer
another way.

For an OAuth install (a token per workspace) it also serves the install pages, relaying each
browser request to the bot's process, which holds the OAuth flow, its stores and the client
secret; the intake itself never sees a token.

    python -m adapters.slack.intake FD    (started by the bot's process; FD: its end of the link)

It exits when the link closes, so it never outlives the bot's process.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult

from adapters.slack.acks import Ack
from adapters.slack.link import (
    GRACE,
    Acknowledge,
    CannotListen,
    Carried,
    Forwarded,
    Holds,
    IntakeConfig,
    Kind,
    Listening,
    Page,
    PageRequest,
    Sync,
    Synced,
    TooLate,
    UnknownMessage,
    frame,
    read_frame,
)
from adapters.slack.listening import listen
from bot.runtime.logs import configure_logging

log = logging.getLogger("staffroom.slack.intake")

ACKNOWLEDGED = frozenset({"command", "action", "submission"})
"""Kinds whose listener acknowledges; bolt acknowledges events by itself."""
SMOOTHING = 0.2
"""Weight of the newest timing in the moving average of seconds per answer."""
FIRST_GUESS = 0.002
"""Seconds per answer assumed before any has been timed."""
PROBE_AFTER = 1.0
"""Seconds without a timing after which one command is held anyway, so that an estimate made
during a burst cannot stop commands from ever being held again."""
PAGE_TIMEOUT = 15.0
"""Seconds an install page may take (it calls Slack's `oauth.v2.access` and the database)."""


class AnswerPace:
    """How soon the bot's process answers a command held now: the commands already held ahead
    of it, plus one, times its recent seconds per answer (each held command's wait divided by
    its place in the queue; a wait cut short by the hold counts as what it is, a lower bound).
    A burst of commands is held only as far as it can be answered within the hold, and the
    rest are acknowledged at once."""

    def __init__(self) -> None:
        self.seconds_per_answer = FIRST_GUESS
        self.last_timed = 0.0

    def worth_holding(self, held: int, hold: float, now: float) -> bool:
        if (held + 1) * self.seconds_per_answer <= hold:
            return True
        if now - self.last_timed > PROBE_AFTER:
            self.last_timed = now  # one probe, then wait for what it shows
            return True
        return False

    def timed(self, waited: float, place: int, now: float) -> None:
        """A held command was answered, or given up on, after `waited` seconds."""
        self.seconds_per_answer += (waited / place - self.seconds_per_answer) * SMOOTHING
        self.last_timed = now


@dataclass(slots=True)
class Held:
    """A request whose acknowledgement waits for the bot's process."""

    answer: asyncio.Future[dict[str, Any]]
    since: float
    place: int


class Intake:
    """Forwards verified requests and acknowledges them with what the bot's process says."""

    def __init__(self, config: IntakeConfig, writer: asyncio.StreamWriter) -> None:
        self.holds = config.holds
        self.writer = writer
        self.ids = itertools.count(1)
        self.waiting: dict[int, Held] = {}
        self.pages: dict[int, asyncio.Future[Page]] = {}
        self.pace = AnswerPace()
        bot = AuthorizeResult(
            enterprise_id=None,
            team_id=config.team_id,
            bot_user_id=config.bot_user_id,
            bot_id=config.bot_id,
        )

        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            # Bolt uses it to ignore the bot's own messages; no token is needed here. With a
            # token per workspace the bot's ids differ by workspace, and the bot's process
            # ignores bot messages anyway.
            if config.team_id is not None:
                return bot
            return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id)

        self.bolt = AsyncApp(
            signing_secret=config.signing_secret,
            authorize=authorize,
            process_before_response=True,
            logger=logging.getLogger("staffroom.slack.bolt"),
        )
        listen(self.bolt, self._forwarder)

    def _forwarder(self, kind: Kind) -> Callable[[Ack, dict[str, Any]], Awaitable[None]]:
        async def forward(ack: Ack, body: dict[str, Any]) -> None:
            await self.forward(kind, ack, body)

        return forward

    def _hold(self, kind: Kind, now: float) -> float:
        hold = self.holds.for_kind(kind)
        if kind == "command" and not self.pace.worth_holding(len(self.waiting), hold, now):
            return 0.0
        return hold

    async def forward(self, kind: Kind, ack: Ack, body: dict[str, Any]) -> None:
        request_id = next(self.ids)
        now = time.monotonic()
        hold = self._hold(kind, now)
        if hold <= 0:
            self.writer.write(frame(Forwarded(request_id, kind, body, now)))
            if kind in ACKNOWLEDGED:
                await ack()
            return
        loop = asyncio.get_running_loop()
        held = Held(loop.create_future(), now, len(self.waiting) + 1)
        self.waiting[request_id] = held
        self.writer.write(frame(Forwarded(request_id, kind, body, now + hold)))
        timer = loop.call_later(hold + GRACE, self._give_up, request_id)
        payload = await held.answer
        timer.cancel()
        await ack(**payload)

    def _give_up(self, request_id: int) -> None:
        held = self.waiting.pop(request_id, None)
        if held is not None:  # else its acknowledgement has just arrived
            now = time.monotonic()
            self.pace.timed(now - held.since, held.place, now)
            held.answer.set_result({})

    async def page(self, request: web.Request) -> web.Response:
        """An install page, as the bot's process answers it."""
        request_id = next(self.ids)
        answer = self.pages[request_id] = asyncio.get_running_loop().create_future()
        cookie = request.headers.get("Cookie", "")
        self.writer.write(
            frame(PageRequest(request_id, request.path, request.query_string, cookie))
        )
        try:
            page = await asyncio.wait_for(answer, PAGE_TIMEOUT)
        except TimeoutError:
            return web.Response(status=503, text="Staffroom is busy: please try again shortly.")
        finally:
            self.pages.pop(request_id, None)
        headers = [(name, value) for name, values in page.headers.items() for value in values]
        return web.Response(status=page.status, body=page.body.encode(), headers=headers)

    def acknowledge(self, message: Acknowledge) -> None:
        held = self.waiting.pop(message.request_id, None)
        if held is not None:
            now = time.monotonic()
            self.pace.timed(now - held.since, held.place, now)
            held.answer.set_result(message.payload)
        if message.payload:
            verdict = Carried if held is not None else TooLate
            self.writer.write(frame(verdict(message.request_id)))

    async def serve(self, reader: asyncio.StreamReader) -> None:
        """Follow the bot's process until the link closes."""
        while True:
            try:
                message = await read_frame(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            except UnknownMessage as error:
                log.error("%s", error)
                continue
            if isinstance(message, Acknowledge):
                self.acknowledge(message)
            elif isinstance(message, Holds):
                self.holds = message
            elif isinstance(message, Page):
                waiting = self.pages.get(message.request_id)
                if waiting is not None and not waiting.done():
                    waiting.set_result(message)
            elif isinstance(message, Sync):
                self.writer.write(frame(Synced(message.token)))


async def run(fd: int) -> int:
    link = socket.socket(fileno=fd)
    reader, writer = await asyncio.open_unix_connection(sock=link)
    config = await read_frame(reader)
    assert isinstance(config, IntakeConfig)
    configure_logging(config.log_level, config.log_format)
    intake = Intake(config, writer)
    web_app = intake.bolt.web_app(path=config.path, port=config.port)
    for page in config.pages:
        web_app.router.add_get(page, intake.page)
    server = web.AppRunner(web_app, access_log=None)
    await server.setup()
    try:
        await web.TCPSite(server, config.host, config.port).start()
    except OSError as error:
        writer.write(frame(CannotListen(f"{config.host}:{config.port}: {error.strerror}")))
        await writer.drain()
        return 1
    writer.write(frame(Listening(int(server.addresses[0][1]))))
    # What start-up created lives as long as the process: leaving it out of the collector's
    # full passes keeps those passes short, and they run on the acknowledgement path.
    gc.freeze()
    try:
        await intake.serve(reader)
    finally:
        await server.cleanup()
    return 0


def main() -> None:
    # Ctrl-C in a terminal, or a supervisor stopping the whole process group, reaches the
    # intake too: the bot's process decides when it stops (by closing the link, once it has
    # stopped taking requests), so the intake ignores both.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(asyncio.run(run(int(sys.argv[1]))))


if __name__ == "__main__":
    main()
