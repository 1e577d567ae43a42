"""Timers: the durable schedule. Each row is one piece of work due at one instant; features
own the kinds, the scheduler only drives time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key, utc_column


class Timer(SQLModel, table=True):
    __tablename__ = "timer"
    __table_args__ = (Index("ix_timer_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=40)
    network_id: int | None = foreign_key("network.id", nullable=True)
    ref: str = Field(default="", max_length=200)
    due_at: datetime = utc_column()
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=300)
    done_at: datetime | None = utc_column(nullable=True)
