"""Pre-aggregated channel activity: message counts per member, group and day — never text."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key


class ActivityDay(SQLModel, table=True):
    __tablename__ = "activity_day"
    __table_args__ = (Index("ix_activity_day_network_day", "network_id", "day"),)

    group_id: int = Field(foreign_key="subject_group.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    network_id: int = foreign_key("network.id", index=False)
    school_id: int | None = foreign_key("school.id", nullable=True, cascade=False, index=False)
    messages: int = Field(default=0)
