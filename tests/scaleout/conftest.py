"""Fixtures of the scale-out tests: the fake platform, the clock the replicas share, and the
replicas on `scaleout_url` (both databases unless a module says otherwise)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import START
from tests.scaleout.fake_platform import FakePlatform
from tests.scaleout.harness import Replicas
from tests.scaleout.shared_clock import SharedClock


@pytest.fixture
def scaleout_url(database_url: str) -> str:
    return database_url


@pytest.fixture
async def platform() -> AsyncIterator[FakePlatform]:
    fake = FakePlatform()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def clock(tmp_path: Path) -> SharedClock:
    shared = SharedClock(tmp_path / "clock")
    shared.set(START)
    return shared


@pytest.fixture
async def replicas(
    scaleout_url: str, platform: FakePlatform, clock: SharedClock, tmp_path: Path
) -> AsyncIterator[Replicas]:
    started = Replicas(scaleout_url, platform, tmp_path / "clock")
    yield started
    await started.stop_all()
