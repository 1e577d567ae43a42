"""Directory tables: networks (tenants), the workspaces bound to them, schools, members and
the platform identities through which members reach the bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key, utc_column


class Network(SQLModel, table=True):
    """A network of schools; every other row belongs to exactly one."""

    __tablename__ = "network"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    timezone: str = Field(default="Europe/London", max_length=64)
    k_threshold: int = Field(default=3)
    created_at: datetime = utc_column()


class Workspace(SQLModel, table=True):
    """A Slack workspace, Discord server or console bound to a network."""

    __tablename__ = "workspace"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    created_at: datetime = utc_column()


class School(SQLModel, table=True):
    __tablename__ = "school"
    __table_args__ = (UniqueConstraint("network_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    name: str = Field(max_length=80)
    name_key: str = Field(max_length=80)
    created_at: datetime = utc_column()


class Member(SQLModel, table=True):
    """A person in a network. Their school matters for every statistic."""

    __tablename__ = "member"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    display_name: str = Field(max_length=80)
    school_id: int | None = foreign_key("school.id", nullable=True, cascade=False)
    timezone: str | None = Field(default=None, max_length=64)
    is_facilitator: bool = Field(default=False)
    created_at: datetime = utc_column()


class Identity(SQLModel, table=True):
    """How a member appears on one platform; a member may have several."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = foreign_key("member.id")
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    created_at: datetime = utc_column()


class WorkspaceInvite(SQLModel, table=True):
    """A one-time code a facilitator gives to another workspace's admin to join the network.

    Only a hash of the code is kept, so a copy of the database cannot be used to join.
    """

    __tablename__ = "workspace_invite"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    code_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(nullable=True)
