"""Fixtures for the command-line tests: the environment of an operator's shell."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, sqlite_url: str, tmp_path: Path) -> pytest.MonkeyPatch:
    """DATABASE_URL and the secret set, no platform tokens, no stray `.env`."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("STAFFROOM_SECRET", TEST_SECRET)
    return monkeypatch
