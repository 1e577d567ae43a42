"""What a digest is made of: figures already passed through suppression, per group and for
the network, and the sources features register to add their own figures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.digests.health import Health
from bot.digests.weeks import Week
from storage.networks import NetworkRecord

HISTORY_WEEKS = 8


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure as people see it. `value` is None when suppressed (too few people)."""

    key: str
    label: str
    value: int | None
    note: str = ""
    people: bool = False
    signed: bool = False

    def shown(self, k: int) -> str:
        """The value, or why it is hidden: "fewer than k" for a count of people, else "hidden"."""
        if self.value is None:
            return f"fewer than {k}" if self.people else "hidden"
        number = f"{self.value:+,}" if self.signed else f"{self.value:,}"
        return f"{number} {self.note}".strip()


@dataclass(frozen=True, slots=True)
class DigestRequest:
    """What a digest source needs to compute its figures for one week."""

    connection: Connection
    network: NetworkRecord
    week: Week
    zone: ZoneInfo
    group_ids: tuple[int, ...]
    now: datetime | None = None

    @property
    def k(self) -> int:
        return self.network.k_threshold

    @property
    def history_first(self) -> date:
        return self.week.shifted(-(HISTORY_WEEKS - 1)).first

    @property
    def weeks(self) -> tuple[Week, ...]:
        """The eight weeks a digest looks at, oldest first; the last is the digest's week."""
        return tuple(self.week.shifted(offset) for offset in range(-(HISTORY_WEEKS - 1), 1))

    def history_bounds(self) -> tuple[datetime, datetime]:
        """The UTC instants the eight weeks start and end at (local midnights)."""
        return self.weeks[0].bounds(self.zone)[0], self.week.bounds(self.zone)[1]

    def week_index(self, instant: datetime) -> int | None:
        """Which of the eight weeks an instant falls in (by local date), or None."""
        week = Week.containing(instant.astimezone(self.zone).date())
        weeks = self.weeks
        return weeks.index(week) if week in weeks else None

    def weekly_counts(self, events: Iterable[tuple[int, datetime]]) -> dict[int, list[int]]:
        """(group id, instant) events counted per group and week, for the health rule."""
        counts: dict[int, list[int]] = {}
        for group_id, instant in events:
            index = self.week_index(instant)
            if index is not None and group_id in self.group_ids:
                counts.setdefault(group_id, [0] * HISTORY_WEEKS)[index] += 1
        return counts


@dataclass(frozen=True, slots=True)
class DigestSource:
    """A feature's contribution to the digest.

    Attributes:
        name: the feature, e.g. "check-ins".
        figures: per group, the feature's figures for the week (already suppressed).
        engagement: per group, how many engagements in each of the eight weeks ending with the
            digest's week (oldest first) — feeds the health rule.
        highlights: achievements to advertise across the network ("nothing succeeds like success").
    """

    name: str
    figures: Callable[[DigestRequest], Mapping[int, list[Figure]]]
    engagement: Callable[[DigestRequest], Mapping[int, list[int]]] | None = None
    highlights: Callable[[DigestRequest], list[str]] | None = None


@dataclass(frozen=True, slots=True)
class GroupDigest:
    group_id: int
    name: str
    health: Health
    evidence: str
    members: int
    active_members: Figure
    schools: Figure
    messages: Figure
    weekly_engagement: tuple[int | None, ...]
    figures: tuple[Figure, ...] = ()
    quieter: tuple[str, ...] = ()

    def all_figures(self) -> tuple[Figure, ...]:
        return (self.active_members, self.schools, self.messages, *self.figures)


@dataclass(frozen=True, slots=True)
class SchoolFlag:
    name: str
    last_active: date | None


@dataclass(frozen=True, slots=True)
class NetworkDigest:
    network: str
    week: Week
    k: int
    active_members: Figure
    active_members_before: Figure
    active_schools: Figure
    active_schools_before: Figure
    schools_total: int
    messages: Figure
    groups: tuple[GroupDigest, ...]
    disengaging: tuple[SchoolFlag, ...] = ()
    highlights: tuple[str, ...] = ()
    weeks: tuple[Week, ...] = field(default=())

    def schools_shown(self) -> str:
        """Active schools out of all schools with members, or "hidden" below k people."""
        if self.active_schools.value is None:
            return "hidden"
        return f"{self.active_schools.value} of {self.schools_total}"

    def change(self, now: Figure, before: Figure) -> str:
        if now.value is None or before.value is None:
            return ""
        delta = now.value - before.value
        return f"{delta:+d} on the week before" if delta else "same as the week before"
