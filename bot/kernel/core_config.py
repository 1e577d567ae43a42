"""The part of the settings the core itself needs, resolved once at start-up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CoreConfig:
    """Attributes:
    secret: the server secret behind every keyed hash (anonymity); never stored in the
        database.
    default_timezone: the time zone new networks start with.
    activity_retention_months: months of per-day channel activity kept (0: for ever).
    """

    secret: bytes
    default_timezone: str = "Europe/London"
    activity_retention_months: int = 13
