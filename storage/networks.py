"""Queries for networks: their workspaces, the invitations that bring further workspaces in, and the network's settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from storage.prepared import Prepared
from storage.tables import table
from storage.upsert import insert_returning_id

NETWORK = table("network")
WORKSPACE = table("workspace")


@dataclass(frozen=True, slots=True)
class NetworkRecord:
    id: int
    name: str
    timezone: str
    k_threshold: int


_NETWORK_COLUMNS = (NETWORK.c.id, NETWORK.c.name, NETWORK.c.timezone, NETWORK.c.k_threshold)
_network_for_workspace = (
    select(*_NETWORK_COLUMNS)
    .join(WORKSPACE, WORKSPACE.c.network_id == NETWORK.c.id)
    .where(
        WORKSPACE.c.platform == bindparam("platform"),
        WORKSPACE.c.external_id == bindparam("external_id"),
    )
)


def _network(row: Any) -> NetworkRecord:
    return NetworkRecord(
        id=row.id, name=row.name, timezone=row.timezone, k_threshold=row.k_threshold
    )


def network_for_workspace(
    connection: Connection, *, platform: str, external_id: str
) -> NetworkRecord | None:
    row = connection.execute(
        _network_for_workspace, {"platform": platform, "external_id": external_id}
    ).first()
    return _network(row) if row else None


_get_network = Prepared(select(*_NETWORK_COLUMNS).where(NETWORK.c.id == bindparam("network_id")))


def get_network(connection: Connection, *, network_id: int) -> NetworkRecord | None:
    """The network by id (every timer of a network reads it)."""
    row = _get_network.first(connection, network_id=network_id)
    return NetworkRecord(*row) if row else None


def find_network_by_name(connection: Connection, *, name: str) -> NetworkRecord | None:
    row = connection.execute(
        select(*_NETWORK_COLUMNS).where(func.lower(NETWORK.c.name) == name.lower())
    ).first()
    return _network(row) if row else None


def list_networks(connection: Connection) -> list[NetworkRecord]:
    rows = connection.execute(select(*_NETWORK_COLUMNS).order_by(NETWORK.c.name))
    return [_network(row) for row in rows]


def create_network(
    connection: Connection, *, name: str, timezone: str, now: datetime
) -> NetworkRecord:
    network_id = insert_returning_id(
        connection, NETWORK, name=name, timezone=timezone, k_threshold=3, created_at=now
    )
    return NetworkRecord(id=network_id, name=name, timezone=timezone, k_threshold=3)


def bind_workspace(
    connection: Connection, *, network_id: int, platform: str, external_id: str, now: datetime
) -> None:
    connection.execute(
        insert(WORKSPACE).values(
            network_id=network_id, platform=platform, external_id=external_id, created_at=now
        )
    )


def workspaces_of_network(connection: Connection, *, network_id: int) -> list[tuple[str, str]]:
    """(platform, external id) of every workspace bound to the network."""
    rows = connection.execute(
        select(WORKSPACE.c.platform, WORKSPACE.c.external_id)
        .where(WORKSPACE.c.network_id == network_id)
        .order_by(WORKSPACE.c.id)
    )
    return [(row.platform, row.external_id) for row in rows]


INVITE = table("workspace_invite")


def add_invite(
    connection: Connection, *, network_id: int, code_hash: str, expires_at: datetime
) -> None:
    connection.execute(
        insert(INVITE).values(network_id=network_id, code_hash=code_hash, expires_at=expires_at)
    )


def use_invite(connection: Connection, *, code_hash: str, now: datetime) -> int | None:
    """Spend an unexpired, unused invitation; returns its network id, or None."""
    row = connection.execute(
        select(INVITE.c.id, INVITE.c.network_id).where(
            INVITE.c.code_hash == code_hash,
            INVITE.c.used_at.is_(None),
            INVITE.c.expires_at > now,
        )
    ).first()
    if row is None:
        return None
    connection.execute(update(INVITE).where(INVITE.c.id == row.id).values(used_at=now))
    return int(row.network_id)


def set_network_settings(
    connection: Connection,
    *,
    network_id: int,
    timezone: str | None = None,
    k_threshold: int | None = None,
) -> None:
    values: dict[str, object] = {}
    if timezone is not None:
        values["timezone"] = timezone
    if k_threshold is not None:
        values["k_threshold"] = k_threshold
    if values:
        connection.execute(update(NETWORK).where(NETWORK.c.id == network_id).values(**values))
