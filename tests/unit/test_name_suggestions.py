"""Ranking names against what has been typed so far."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.network.name_suggestions import rank_names
from bot.parsing.names import name_key


def test_names_starting_with_the_text_come_before_names_containing_it() -> None:
    names = ["A-level Chemistry", "Chemistry Technicians", "GCSE Chemistry", "GCSE Drama"]
    assert rank_names(names, "  CHEM ", limit=25) == [
        "Chemistry Technicians",
        "A-level Chemistry",
        "GCSE Chemistry",
    ]
    assert rank_names(names, "", limit=2) == ["A-level Chemistry", "Chemistry Technicians"]


@given(st.lists(st.text(min_size=1), unique=True), st.text(), st.integers(0, 30))
def test_suggestions_are_distinct_known_names_that_match(
    names: list[str], typed: str, limit: int
) -> None:
    found = rank_names(names, typed, limit=limit)
    assert len(found) <= limit and len(set(found)) == len(found)
    assert set(found) <= set(names)
    assert all(name_key(typed) in name_key(name) for name in found)
