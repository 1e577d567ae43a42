"""Slack installs and OAuth states on both databases, through the bot's `Installations`: a
token is sealed at rest and read back, a reinstall replaces it, an uninstall forgets it, and
a state is consumed once, before it expires."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from cryptography.fernet import InvalidToken
from sqlalchemy import Engine, select

from bot.runtime.installations import Installations, WorkspaceInstall
from storage.tables import table
from storage.uow import unit_of_work

T = TypeVar("T")
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SECRET = b"test-secret-for-staffroom-0123456789"


async def _here(work: Callable[..., T], *args: Any) -> T:
    return work(*args)  # the database threads' job, done in place


@pytest.fixture
def installations(engine: Engine) -> Installations:
    return Installations(engine=engine, run_in_db=_here, secret=SECRET)


def _install(token: str = "xoxb-1-secret", **changes: Any) -> WorkspaceInstall:
    values: dict[str, Any] = {
        "team_id": "T0SECOND",
        "enterprise_id": None,
        "bot_id": "B0BOT",
        "bot_user_id": "U0BOT",
        "bot_scopes": ("commands", "chat:write"),
        "bot_token": token,
        "installed_at": NOW,
        **changes,
    }
    return WorkspaceInstall(**values)


async def test_a_token_is_sealed_at_rest_and_read_back(
    installations: Installations, engine: Engine
) -> None:
    await installations.save(_install(bot_refresh_token="xoxe-1-refresh"))
    with unit_of_work(engine) as connection:
        [row] = connection.execute(select(table("slack_installation"))).mappings().all()
    assert "xoxb-1-secret" not in str(dict(row)) and "xoxe-1-refresh" not in str(dict(row))
    found = await installations.find("T0SECOND")
    assert found == _install(bot_refresh_token="xoxe-1-refresh")
    other_secret = Installations(engine=engine, run_in_db=_here, secret=b"x" * 32)
    with pytest.raises(InvalidToken):
        await other_secret.find("T0SECOND")  # useless without the server secret


async def test_a_reinstall_replaces_and_an_uninstall_forgets(
    installations: Installations,
) -> None:
    await installations.save(_install())
    expires = NOW + timedelta(hours=12)
    await installations.save(_install("xoxb-2-new", bot_token_expires_at=expires))
    found = await installations.find("T0SECOND")
    assert found is not None and found.bot_token == "xoxb-2-new"
    assert found.bot_token_expires_at == expires
    assert await installations.delete("T0SECOND") is True
    assert await installations.find("T0SECOND") is None
    assert await installations.delete("T0SECOND") is False


async def test_a_state_is_consumed_once_and_not_after_it_expires(
    installations: Installations,
) -> None:
    await installations.remember_state("a" * 64, NOW + timedelta(minutes=10))
    await installations.remember_state("b" * 64, NOW + timedelta(minutes=10))
    assert await installations.consume_state("a" * 64, NOW) is True
    assert await installations.consume_state("a" * 64, NOW) is False
    assert await installations.consume_state("c" * 64, NOW) is False
    assert await installations.consume_state("b" * 64, NOW + timedelta(minutes=11)) is False
