"""Pre-aggregated channel activity: message counts per member, group and day — never text."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key


class ActivityDay(SQLModel, table=True):
    __tablename__ = "activity_day"
    # Covers every column a digest reads, so a week's digest reads the index range for its
    # weeks and never the table: its cost does not grow with years of history.
    __table_args__ = (
        Index(
            "ix_activity_day_network_day",
            "network_id",
            "day",
            "group_id",
            "member_id",
            "school_id",
            "messages",
        ),
    )

    group_id: int = Field(foreign_key="subject_group.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    day: date = Field(primary_key=True)
    network_id: int = foreign_key("network.id", index=False)
    school_id: int | None = foreign_key("school.id", nullable=True, cascade=False, index=False)
    messages: int = Field(default=0)


class ActivityWeek(SQLModel, table=True):
    """Weekly channel activity per group and school, with no member in it: what is kept
    after the per-day detail is deleted (retention) or a member is erased.

    `week` is the Monday of the ISO week (local dates in the network's zone). `messages` and
    `active_members` are the totals; the `carried_` columns hold the part that came from
    detail since erased, so recomputing a week from what detail remains keeps it whole.
    """

    __tablename__ = "activity_week"
    __table_args__ = (Index("ix_activity_week_network_week", "network_id", "week"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id", index=False)
    group_id: int = foreign_key("subject_group.id")
    school_id: int | None = foreign_key("school.id", nullable=True, cascade=False, index=False)
    week: date
    messages: int = Field(default=0)
    active_members: int = Field(default=0)
    carried_messages: int = Field(default=0)
    carried_members: int = Field(default=0)
