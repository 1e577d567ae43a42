"""The bot's side of HTTP mode: starting the Slack intake process (`adapters.slack.intake`),
handing each request it forwards to the adapter's listeners, sending back their
acknowledgements and the current holds, and starting the intake again if it ever dies.

An acknowledgement with content waits for the intake's verdict: `Carried`, or `TooLate` if the
intake had already acknowledged; the listener then delivers the answer another way. So does an
acknowledgement for a request forwarded by an intake that has since stopped (each start is a
new generation, and request ids start again with it).

For an OAuth install the intake also relays the install pages' requests, answered here by
`pages` (the OAuth flow).
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import os
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from adapters.slack.app import SlackAdapter
from adapters.slack.link import (
    GRACE,
    Acknowledge,
    CannotListen,
    Carried,
    Forwarded,
    IntakeConfig,
    Listening,
    Page,
    PageRequest,
    Sync,
    Synced,
    TooLate,
    frame,
    read_frame,
)
from bot.app import StartupError

log = logging.getLogger("staffroom.slack")

START_TIMEOUT = 30.0
"""Seconds the intake may take to start serving before start-up gives up."""
SYNC_TIMEOUT = 10.0
"""Seconds `sync` waits for a live but unresponsive intake."""
RESTART_DELAYS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
"""Seconds to wait before each attempt to start a failed intake again (the last repeats)."""


KEPT_SECRET = ("SLACK_", "DISCORD_", "STAFFROOM_", "DATABASE_URL", "TEST_DATABASE_URL")
"""Environment variables the intake does not inherit: it needs none of the tokens, database
addresses or the server secret, and receives the signing secret over the link."""


async def spawn_intake() -> tuple[
    asyncio.subprocess.Process, asyncio.StreamReader, asyncio.StreamWriter
]:
    """A new intake process, and this process's end of the link to it (nothing sent yet)."""
    ours, theirs = socket.socketpair()
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(KEPT_SECRET)
    }
    with theirs:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "adapters.slack.intake",
            str(theirs.fileno()),
            pass_fds=(theirs.fileno(),),
            env=environment,
        )
    reader, writer = await asyncio.open_unix_connection(sock=ours)
    return process, reader, writer


class RemoteAck:
    """A listener's `ack` for a forwarded request: sent to the intake, which replies to Slack.

    Returns whether Slack got what was sent. An empty acknowledgement after the deadline is
    not sent (the intake has acknowledged already), and that is no loss; one with content is
    sent and its verdict awaited, so an answer decided at the deadline is never lost."""

    def __init__(
        self, link: IntakeProcess, generation: int, request_id: int, deadline: float
    ) -> None:
        self.link = link
        self.generation = generation
        self.request_id = request_id
        self.deadline = deadline

    async def __call__(self, **payload: Any) -> bool:
        if self.link.generation != self.generation or not self.link.serving():
            return not payload
        if payload:
            return await self.link.acknowledge(self.request_id, payload)
        if time.monotonic() < self.deadline + GRACE:
            self.link.send(Acknowledge(self.request_id))
        return True


class IntakeProcess:
    """The running intake process and the link to it."""

    def __init__(
        self,
        adapter: SlackAdapter,
        config: IntakeConfig,
        pages: Callable[[PageRequest], Awaitable[Page]] | None = None,
    ) -> None:
        self.adapter = adapter
        self.config = config
        self.pages = pages
        self.port: int | None = None
        self.pid: int | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._following: asyncio.Task[None] | None = None
        self._restarting: asyncio.Task[None] | None = None
        self._stopping = False
        self._holds = adapter.holds()
        self._syncs: dict[int, asyncio.Future[None]] = {}
        self._verdicts: dict[int, asyncio.Future[bool]] = {}
        self._tokens = itertools.count(1)
        self.generation = 0
        adapter.on_holds_changed = self.refresh_holds

    async def start(self) -> int:
        """Start the intake; the port it listens on. A port in use stops start-up clearly."""
        process, reader, writer = await spawn_intake()
        try:
            self._holds = self.adapter.holds()
            writer.write(frame(dataclasses.replace(self.config, holds=self._holds)))
            first = await asyncio.wait_for(read_frame(reader), START_TIMEOUT)
            if isinstance(first, CannotListen):
                raise StartupError(f"Slack HTTP mode cannot listen on {first.reason}.")
            if not isinstance(first, Listening):
                raise StartupError(f"The Slack intake process said {first!r} on starting.")
        except BaseException as error:
            writer.close()
            if process.returncode is None:
                process.kill()
            await process.wait()
            if isinstance(error, Exception) and not isinstance(error, StartupError):
                raise StartupError(
                    "The Slack intake process did not start (see the log)."
                ) from error
            raise
        self.generation += 1
        self._process, self._writer, self.port, self.pid = process, writer, first.port, process.pid
        self._following = asyncio.ensure_future(self._follow(reader))
        return first.port

    def serving(self) -> bool:
        """Whether the intake is running and linked (readiness: Slack can reach the bot)."""
        return self._writer is not None and self._process is not None

    def send(self, message: object) -> None:
        if self._writer is not None and not self._writer.is_closing():
            self._writer.write(frame(message))

    async def acknowledge(self, request_id: int, payload: dict[str, Any]) -> bool:
        """Send an acknowledgement with content; whether it reached Slack."""
        verdict = self._verdicts[request_id] = asyncio.get_running_loop().create_future()
        self.send(Acknowledge(request_id, payload))
        return await verdict

    def refresh_holds(self) -> None:
        """Tell the intake the holds, if they have changed since it was last told."""
        holds = self.adapter.holds()
        if holds != self._holds:
            self._holds = holds
            self.send(holds)

    async def _follow(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                try:
                    message = await read_frame(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                try:
                    self._take(message)
                except Exception:
                    log.exception("could not handle a message from the Slack intake")
        finally:
            self._unlink()
            if not self._stopping:
                self._restarting = asyncio.ensure_future(self._restart())

    def _take(self, message: object) -> None:
        if isinstance(message, Forwarded):
            ack = RemoteAck(self, self.generation, message.request_id, message.deadline)
            self.adapter.receive(message.kind, ack, message.body, message.deadline)
            self.refresh_holds()
        elif isinstance(message, PageRequest) and self.pages is not None:
            self.adapter.spawn(self._answer_page(self.pages, message))
        elif isinstance(message, Carried | TooLate):
            verdict = self._verdicts.pop(message.request_id, None)
            if verdict is not None and not verdict.done():
                verdict.set_result(isinstance(message, Carried))
        elif isinstance(message, Synced):
            synced = self._syncs.pop(message.token, None)
            if synced is not None and not synced.done():
                synced.set_result(None)
        else:
            log.warning("unexpected message from the Slack intake: %s", type(message).__name__)

    async def _answer_page(
        self, pages: Callable[[PageRequest], Awaitable[Page]], request: PageRequest
    ) -> None:
        self.send(await pages(request))

    async def _restart(self) -> None:
        for attempt in itertools.count():
            delay = RESTART_DELAYS[min(attempt, len(RESTART_DELAYS) - 1)]
            log.error("the Slack intake process stopped; starting it again in %g s", delay)
            await asyncio.sleep(delay)
            if self._stopping:
                return
            await self._discard()
            try:
                port = await self.start()
            except Exception as error:
                log.error("%s", error)
                continue
            log.info("Slack: the intake is listening again on port %s", port)
            return

    async def sync(self) -> None:
        """Return once every request the intake has forwarded so far has been received."""
        if self._writer is None:
            return
        token = next(self._tokens)
        synced = self._syncs[token] = asyncio.get_running_loop().create_future()
        self.send(Sync(token))
        try:
            await asyncio.wait_for(synced, SYNC_TIMEOUT)
        except TimeoutError:
            log.warning("the Slack intake did not answer within %g s", SYNC_TIMEOUT)

    def _unlink(self) -> None:
        """Close the link: nothing more will be forwarded through it, so no sync waits, and
        nothing sent to it will reach Slack."""
        for waiting in self._syncs.values():
            if not waiting.done():
                waiting.set_result(None)
        self._syncs.clear()
        for verdict in self._verdicts.values():
            if not verdict.done():
                verdict.set_result(False)
        self._verdicts.clear()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    async def _discard(self) -> None:
        self._unlink()
        if self._process is not None:
            if self._process.returncode is None:
                self._process.kill()
            await self._process.wait()
            self._process = None

    async def stop(self) -> None:
        """Close the link (the intake stops serving and exits) and wait for the process."""
        self._stopping = True
        if self._restarting is not None:
            self._restarting.cancel()
            await asyncio.gather(self._restarting, return_exceptions=True)
        self._unlink()
        if self._process is not None:
            try:
                await asyncio.wait_for(self._process.wait(), 5.0)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
            self._process = None
        if self._following is not None:
            await self._following
