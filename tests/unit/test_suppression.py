"""k-anonymity: counts from fewer than k people are hidden whole, and say how many more."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.privacy.suppression import shown_count, suppress_small_counts


def test_counts_from_fewer_than_k_people_are_hidden_with_how_many_more() -> None:
    result = suppress_small_counts({"green": 1, "red": 1}, k=3)
    assert not result.visible and result.needed == 1
    assert result.get("green") is None
    assert "1 more needed" in result.hidden_reason()


def test_counts_at_k_are_shown() -> None:
    result = suppress_small_counts({"green": 2, "red": 1}, k=3)
    assert result.visible and result.get("red") == 1 and result.get("amber") == 0


def test_population_can_differ_from_the_sum() -> None:
    # Four me-toos from only two schools: a count of schools must reach k schools.
    assert not suppress_small_counts({"schools": 2}, k=3, population=2).visible


def test_single_counts_below_k_read_as_fewer_than_k() -> None:
    assert shown_count(2, k=3) == "fewer than 3 people"
    assert shown_count(0, k=3) == "0"
    assert shown_count(7, k=3, unit="schools") == "7"


@given(st.dictionaries(st.sampled_from(["g", "a", "r"]), st.integers(0, 50)), st.integers(1, 10))
def test_hidden_exactly_when_fewer_than_k(counts: dict[str, int], k: int) -> None:
    assert suppress_small_counts(counts, k=k).visible == (sum(counts.values()) >= k)


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError):
        suppress_small_counts({}, k=0)
