"""Fixtures for the command-line tests: the environment of an operator's shell."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, sqlite_url: str, tmp_path: Path) -> pytest.MonkeyPatch:
    """DATABASE_URL and the secret set, no platform settings, no stray `.env`."""
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith(("SLACK_", "DISCORD_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("STAFFROOM_SECRET", TEST_SECRET)
    return monkeypatch


@pytest.fixture
def background() -> Iterator[asyncio.AbstractEventLoop]:
    """A loop in another thread for fake platform APIs (the CLI runs its own event loop)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
