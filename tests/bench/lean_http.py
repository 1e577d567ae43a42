"""The load generator's HTTP, kept lean so that the generator is not what it measures.

On a two-core machine the generator shares the CPUs with the servers it measures; aiohttp's
client and server cost several times what these plain HTTP/1.1 keep-alive exchanges over
asyncio streams do, and while the generator is busy a request it has timed waits unsent
(seen: 40 ms of a 45 ms "acknowledgement" spent before the server had the request).
Only what the benchmark sends and receives is understood: `Content-Length` bodies, no chunks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def _read_message(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """One HTTP message: its first line and its body."""
    head = await reader.readuntil(b"\r\n\r\n")
    first, _, fields = head.partition(b"\r\n")
    length = 0
    for line in fields.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return first, await reader.readexactly(length) if length else b""


class Connection:
    """One keep-alive connection that posts and reads the whole response."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        lines = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        first, answer = await _read_message(reader)
        return int(first.split()[1]), answer

    def close(self) -> None:
        if self._streams is not None:
            self._streams[1].close()


class Receiver:
    """A server that answers every POST with 200 and reports its path and arrival time (a
    `time.perf_counter()` reading)."""

    def __init__(self, arrived: Callable[[str, float], None]) -> None:
        self._arrived = arrived
        self.port = 0

    async def start(self) -> None:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = int(server.sockets[0].getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                first, _ = await _read_message(reader)
                self._arrived(first.split()[1].decode(), time.perf_counter())
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
