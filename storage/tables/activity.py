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
