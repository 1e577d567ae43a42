"""Subject group tables: groups, who belongs to them (and who leads), and the channels they
are linked to — possibly several, on different platforms."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key, utc_column


class SubjectGroup(SQLModel, table=True):
    __tablename__ = "subject_group"
    __table_args__ = (UniqueConstraint("network_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    name: str = Field(max_length=60)
    name_key: str = Field(max_length=60)
    description: str = Field(default="", max_length=300)
    created_at: datetime = utc_column()
    archived_at: datetime | None = utc_column(nullable=True)


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    # A group's leaders are read on every red check-in answer: by index, whatever its size.
    __table_args__ = (Index("ix_membership_group_role", "group_id", "role"),)

    group_id: int = Field(foreign_key="subject_group.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(
        foreign_key="member.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    role: str = Field(default="member", max_length=16)
    joined_at: datetime = utc_column()


class GroupChannel(SQLModel, table=True):
    """A channel bound to a group; a channel serves at most one group."""

    __tablename__ = "group_channel"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = foreign_key("subject_group.id")
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64)
    channel_id: str = Field(max_length=64)
    channel_name: str = Field(default="", max_length=80)
    linked_at: datetime = utc_column()
