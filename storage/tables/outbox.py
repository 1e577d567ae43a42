"""The outbox: every message the bot sends on its own initiative, written in the same
transaction as the change that caused it, then delivered (leased, retried) by a worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key, utc_column


class OutboxMessage(SQLModel, table=True):
    """One message to one destination.

    `key` is the idempotency key: writing the same key twice is a no-op (an edit's key is
    rewritten in place, so the newest content wins). Destination is a channel (`channel`) or a
    direct message to a person (`user_id`). `thread_of` / `edit_of` name the key of an earlier
    message to reply under or to replace once that one has been delivered.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    network_id: int | None = foreign_key("network.id", nullable=True)
    purpose: str = Field(max_length=40)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64)
    channel: str | None = Field(default=None, max_length=64)
    user_id: str | None = Field(default=None, max_length=64)
    thread_of: str | None = Field(default=None, max_length=200)
    edit_of: str | None = Field(default=None, max_length=200)
    payload: str = Field(sa_type=Text)
    status: str = Field(default="pending", max_length=16)
    due_at: datetime = utc_column()
    expires_at: datetime | None = utc_column(nullable=True)
    attempts: int = Field(default=0)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = utc_column(nullable=True)
    last_error: str | None = Field(default=None, max_length=300)
    message_ref: str | None = Field(default=None, max_length=200)
    created_at: datetime = utc_column()
    sent_at: datetime | None = utc_column(nullable=True)
