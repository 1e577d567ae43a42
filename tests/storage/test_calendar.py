"""Holidays and terms decide which days recurring work skips (both databases)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from bot.delivery.clock import ManualClock
from storage import calendar, networks
from storage.uow import unit_of_work


def test_holidays_and_days_between_terms(engine: Engine, clock: ManualClock) -> None:
    with unit_of_work(engine) as connection:
        network = networks.create_network(
            connection, name="N", timezone="Europe/London", now=clock.now()
        )
        assert calendar.holiday_on(connection, network_id=network.id, day=date(2026, 8, 1)) is None
        calendar.add_period(
            connection,
            network_id=network.id,
            kind=calendar.TERM,
            name="Autumn",
            starts_on=date(2026, 9, 2),
            ends_on=date(2026, 12, 18),
            now=clock.now(),
        )
        calendar.add_period(
            connection,
            network_id=network.id,
            kind=calendar.HOLIDAY,
            name="Half term",
            starts_on=date(2026, 10, 26),
            ends_on=date(2026, 10, 30),
            now=clock.now(),
        )
        assert (
            calendar.holiday_on(connection, network_id=network.id, day=date(2026, 10, 28))
            == "Half term"
        )
        assert calendar.holiday_on(connection, network_id=network.id, day=date(2026, 11, 2)) is None
        assert (
            calendar.holiday_on(connection, network_id=network.id, day=date(2026, 12, 24))
            == "between terms"
        )
