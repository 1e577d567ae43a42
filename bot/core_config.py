"""The part of the settings the core itself needs, resolved once at start-up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CoreConfig:
    """Attributes:
    secret: the server secret behind every keyed hash (anonymity); never stored in the
        database.
    default_timezone: the time zone new networks start with.
    """

    secret: bytes
    default_timezone: str = "Europe/London"
