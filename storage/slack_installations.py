"""Queries for Slack installations (`slack_installation`) and OAuth states (`slack_oauth_state`).

Tokens arrive here already sealed by the caller and are stored as they come; a workspace is
identified by its team id. A state can be consumed once, before
it expires; consuming also forgets every expired state.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import Connection, delete, select

from storage.tables import table
from storage.upsert import insert_or_update

_installations = table("slack_installation")
_states = table("slack_oauth_state")


@dataclass(frozen=True, slots=True)
class InstallationRow:
    """One workspace's install, its tokens sealed."""

    team_id: str
    bot_id: str
    bot_user_id: str
    bot_scopes: str
    bot_token: str = field(repr=False)
    installed_at: datetime
    enterprise_id: str | None = None
    app_id: str | None = None
    bot_refresh_token: str | None = field(default=None, repr=False)
    bot_token_expires_at: datetime | None = None
    is_enterprise_install: bool = False


def save_installation(connection: Connection, *, row: InstallationRow) -> None:
    """Store a workspace's install, replacing an earlier one (a reinstall, a rotated token)."""
    values = asdict(row)
    update = {name: value for name, value in values.items() if name != "team_id"}
    insert_or_update(connection, _installations, values, conflict=("team_id",), update=update)


def find_installation(connection: Connection, *, team_id: str) -> InstallationRow | None:
    found = (
        connection.execute(select(_installations).where(_installations.c.team_id == team_id))
        .mappings()
        .first()
    )
    return InstallationRow(**found) if found is not None else None


def all_installations(connection: Connection) -> list[InstallationRow]:
    """Every workspace's install, by team id."""
    found = connection.execute(select(_installations).order_by(_installations.c.team_id))
    return [InstallationRow(**row) for row in found.mappings()]


def delete_installation(connection: Connection, *, team_id: str) -> bool:
    """Forget a workspace's install (it uninstalled the app); True if there was one."""
    result = connection.execute(delete(_installations).where(_installations.c.team_id == team_id))
    return bool(result.rowcount)


def remember_state(connection: Connection, *, state_hash: str, expires_at: datetime) -> None:
    connection.execute(_states.insert().values(state_hash=state_hash, expires_at=expires_at))


def consume_state(connection: Connection, *, state_hash: str, now: datetime) -> bool:
    """True once for a state remembered and not yet expired; never again."""
    result = connection.execute(
        delete(_states).where(_states.c.state_hash == state_hash, _states.c.expires_at > now)
    )
    connection.execute(delete(_states).where(_states.c.expires_at <= now))
    return bool(result.rowcount)
