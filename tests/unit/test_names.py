"""Names people type: tidying, limits, look-alike alphabets, and the comparison key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kernel.refusals import Refusal
from bot.parsing.names import GROUP_NAME_LIMIT, clean_name, name_key


def clean(raw: str) -> str:
    return clean_name(raw, what="group name", limit=GROUP_NAME_LIMIT, example="A-level Chemistry")


def test_spaces_and_quotes_are_tidied() -> None:
    assert clean('  "A-level   Chemistry" ') == "A-level Chemistry"
    assert clean("' A-level Chemistry '") == "A-level Chemistry"  # spaces inside the quotes


def test_blank_name_is_refused_with_an_example() -> None:
    with pytest.raises(Refusal, match="for example"):
        clean("   ")


def test_over_long_name_says_the_limit_and_the_length() -> None:
    with pytest.raises(Refusal) as refused:
        clean("x" * 73)
    assert "at most 60" in refused.value.message and "73" in refused.value.message


def test_latin_word_with_a_cyrillic_letter_is_refused() -> None:
    with pytest.raises(Refusal, match="Cyrillic and Latin"):
        clean("Chеmistry")  # the second letter e is Cyrillic


def test_other_alphabets_on_their_own_are_welcome() -> None:
    assert clean("Русский язык") == "Русский язык"
    assert clean("Ελληνικά") == "Ελληνικά"
    assert clean("Welsh — Cymraeg") == "Welsh — Cymraeg"


def test_zero_width_characters_are_removed() -> None:
    assert clean("Chem\u200bistry") == "Chemistry"


def test_keys_ignore_case_and_spacing() -> None:
    assert name_key("A-Level  CHEMISTRY") == name_key("a-level chemistry")


@given(st.text(max_size=200))
def test_cleaning_either_returns_a_tidy_name_or_refuses(raw: str) -> None:
    try:
        name = clean(raw)
    except Refusal as refusal:
        assert refusal.message
    else:
        assert name == name.strip() and 0 < len(name) <= GROUP_NAME_LIMIT
