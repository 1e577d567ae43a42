"""Queries for platform deliveries already handled (`platform_delivery`): the first handling of
a delivery id wins, in the same transaction as what it handles, and day-old ids are forgotten."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete

from storage.tables import table
from storage.upsert import insert_ignore

_deliveries = table("platform_delivery")


def first_delivery(
    connection: Connection, *, platform: str, delivery_id: str, at: datetime
) -> bool:
    """Note a delivery as handled; False if it was already (a retry, on any replica)."""
    values = {"platform": platform, "delivery_id": delivery_id, "seen_at": at}
    return insert_ignore(connection, _deliveries, values, conflict=("platform", "delivery_id"))


def forget_deliveries_before(connection: Connection, before: datetime) -> int:
    """Forget deliveries handled before `before` (platforms stop retrying within the hour)."""
    result = connection.execute(delete(_deliveries).where(_deliveries.c.seen_at < before))
    return int(result.rowcount or 0)
