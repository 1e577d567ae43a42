"""The one suppression function every aggregate passes before anyone sees it (k-anonymity).

A set of counts computed from fewer than k people (the network's privacy threshold, default 3)
is hidden whole, with how many more are needed; a count of schools below k is hidden the same
way. Nothing here knows what is being counted: check-in mixes, "seen at N schools", digest
figures all come through `suppress_small_counts`, `enough_people`, `named_and_pooled` or
`shown_count`; `tests/unit/test_one_suppression_function.py` fails if another module
compares a count with the threshold itself.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Suppressed(Generic[K]):
    """Counts that may be shown, or the fact that they may not yet.

    Attributes:
        counts: the counts, or None when hidden.
        population: how many people (or schools) the counts come from.
        k: the threshold applied.
    """

    counts: Mapping[K, int] | None
    population: int
    k: int

    @property
    def visible(self) -> bool:
        return self.counts is not None

    @property
    def needed(self) -> int:
        """How many more people before the counts can be shown (0 when visible)."""
        return max(self.k - self.population, 0)

    def get(self, key: K) -> int | None:
        return None if self.counts is None else self.counts.get(key, 0)

    def hidden_reason(self, unit: str = "people") -> str:
        """Why the counts are hidden, for the person reading them."""
        more = self.needed
        return f"hidden until at least {self.k} {unit} — {more} more needed"


def suppress_small_counts(
    counts: Mapping[K, int], *, k: int, population: int | None = None
) -> Suppressed[K]:
    """Hide `counts` whole when they come from fewer than `k` people.

    Args:
        counts: the figures, e.g. {"green": 4, "amber": 2, "red": 1}.
        k: the network's threshold.
        population: how many distinct people (or schools) are behind the counts; defaults to
            their sum, which is right when each person is counted once.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    people = sum(counts.values()) if population is None else population
    return Suppressed(dict(counts) if enough_people(people, k=k) else None, people, k)


def enough_people(population: int, *, k: int) -> bool:
    """Whether figures about `population` people (or schools) may be shown at all."""
    return population >= k


def named_and_pooled(counts: Mapping[K, int], *, k: int) -> tuple[list[tuple[K, int]], int]:
    """Split counts into those large enough to name (k or more, largest first) and the sum of
    the rest, so that no named count points at one or two people. Whether the pooled sum may be
    shown is `enough_people(pooled, k=k)`."""
    named = sorted(
        ((key, n) for key, n in counts.items() if enough_people(n, k=k)),
        key=lambda item: (-item[1], str(item[0])),
    )
    pooled = sum(n for n in counts.values() if not enough_people(n, k=k))
    return named, pooled


def shown_count(value: int, *, k: int, unit: str = "people") -> str:
    """One count as text: the number, or "fewer than k" when it would single someone out."""
    return str(value) if enough_people(value, k=k) or value == 0 else f"fewer than {k} {unit}"
