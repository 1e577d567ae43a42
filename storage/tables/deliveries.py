"""Platform deliveries already handled: the ids a platform gives each delivery of an event it
may send again (Slack's `event_id`), so that a retry is handled once even when it reaches
another replica. Ids only — nothing about a member — kept a day."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.tables.columns import utc_column


class PlatformDelivery(SQLModel, table=True):
    __tablename__ = "platform_delivery"

    platform: str = Field(max_length=16, primary_key=True)
    delivery_id: str = Field(max_length=100, primary_key=True)
    seen_at: datetime = utc_column(index=True)
