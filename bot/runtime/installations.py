"""Where the bot tokens of chat workspaces that installed Staffroom are kept, and the one-time
states of installs under way: on our database (SQLite or PostgreSQL), on the database threads.

Tokens are sealed before they reach the database — Fernet under a key derived by HKDF from the
server secret, with a label of its own so no other sealed value shares the key — so a copy of
the database alone (a backup, say) holds no usable token. The adapter translates its SDK's
installation objects to and from `WorkspaceInstall`; the database knows only strings.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, Engine

from storage import slack_installations as rows
from storage.uow import unit_of_work

T = TypeVar("T")
_TOKEN_INFO = b"staffroom workspace bot tokens v1"


@dataclass(frozen=True, slots=True)
class WorkspaceInstall:
    """What the bot needs to act in one workspace (ids as the platform gives them, or None)."""

    team_id: str
    enterprise_id: str | None
    bot_id: str
    bot_user_id: str
    bot_scopes: tuple[str, ...]
    bot_token: str = field(repr=False)
    installed_at: datetime
    app_id: str | None = None
    bot_refresh_token: str | None = field(default=None, repr=False)
    bot_token_expires_at: datetime | None = None
    is_enterprise_install: bool = False


@dataclass(frozen=True, slots=True)
class StoredInstalls:
    """What `staffroom doctor` learns of the installed workspaces, without any workspace: the
    installs whose tokens the current server secret opens, the team ids of those it cannot, or
    why none could be read at all (`problem`, with what to do)."""

    readable: tuple[WorkspaceInstall, ...] = ()
    unreadable: tuple[str, ...] = ()
    problem: str = ""


def token_cipher(secret: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_TOKEN_INFO).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


class Installations:
    """Workspace installs and OAuth states on our database, tokens sealed at rest."""

    def __init__(
        self,
        *,
        engine: Engine,
        run_in_db: Callable[..., Awaitable[Any]],
        secret: bytes,
    ) -> None:
        self._engine = engine
        self._run_in_db = run_in_db
        self._cipher = token_cipher(secret)

    async def _in_transaction(self, work: Callable[[Connection], T]) -> T:
        def run() -> T:
            with unit_of_work(self._engine) as connection:
                return work(connection)

        result: T = await self._run_in_db(run)
        return result

    def _seal(self, token: str | None) -> str | None:
        return None if token is None else self._cipher.encrypt(token.encode()).decode("ascii")

    def _open(self, sealed: str | None) -> str | None:
        return None if sealed is None else self._cipher.decrypt(sealed.encode("ascii")).decode()

    async def save(self, install: WorkspaceInstall) -> None:
        row = rows.InstallationRow(
            team_id=install.team_id,
            enterprise_id=install.enterprise_id,
            app_id=install.app_id,
            bot_id=install.bot_id,
            bot_user_id=install.bot_user_id,
            bot_scopes=",".join(install.bot_scopes),
            bot_token=self._seal(install.bot_token) or "",
            bot_refresh_token=self._seal(install.bot_refresh_token),
            bot_token_expires_at=install.bot_token_expires_at,
            is_enterprise_install=install.is_enterprise_install,
            installed_at=install.installed_at,
        )
        await self._in_transaction(lambda connection: rows.save_installation(connection, row=row))

    def _install(self, found: rows.InstallationRow) -> WorkspaceInstall:
        return WorkspaceInstall(
            team_id=found.team_id,
            enterprise_id=found.enterprise_id,
            app_id=found.app_id,
            bot_id=found.bot_id,
            bot_user_id=found.bot_user_id,
            bot_scopes=tuple(scope for scope in found.bot_scopes.split(",") if scope),
            bot_token=self._open(found.bot_token) or "",
            bot_refresh_token=self._open(found.bot_refresh_token),
            bot_token_expires_at=found.bot_token_expires_at,
            is_enterprise_install=found.is_enterprise_install,
            installed_at=found.installed_at,
        )

    async def find(self, team_id: str) -> WorkspaceInstall | None:
        found = await self._in_transaction(
            lambda connection: rows.find_installation(connection, team_id=team_id)
        )
        return None if found is None else self._install(found)

    async def survey(self) -> StoredInstalls:
        """Every install, split by whether the current server secret opens its tokens (one it
        cannot was sealed under another secret: STAFFROOM_SECRET or its file changed)."""
        readable: list[WorkspaceInstall] = []
        unreadable: list[str] = []
        for found in await self._in_transaction(rows.all_installations):
            try:
                readable.append(self._install(found))
            except InvalidToken:
                unreadable.append(found.team_id)
        return StoredInstalls(tuple(readable), tuple(unreadable))

    async def delete(self, team_id: str) -> bool:
        """Forget a workspace's tokens (the app was uninstalled); its network's data stays."""
        return await self._in_transaction(
            lambda connection: rows.delete_installation(connection, team_id=team_id)
        )

    async def remember_state(self, state_hash: str, expires_at: datetime) -> None:
        await self._in_transaction(
            lambda connection: rows.remember_state(
                connection, state_hash=state_hash, expires_at=expires_at
            )
        )

    async def consume_state(self, state_hash: str, now: datetime) -> bool:
        return await self._in_transaction(
            lambda connection: rows.consume_state(connection, state_hash=state_hash, now=now)
        )
