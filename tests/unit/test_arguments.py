"""Reading arguments: quotes (smart or unbalanced), mentions, "— description" tails."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.parsing.arguments import mention_id, split_tail, split_words
from bot.parsing.durations import describe, parse_duration


def test_quoted_phrases_stay_together() -> None:
    assert split_words('schedule "Moderation twilight" 2026-12-03') == [
        "schedule",
        "Moderation twilight",
        "2026-12-03",
    ]


def test_smart_quotes_and_a_missing_closing_quote_are_forgiven() -> None:
    assert split_words("“Moderation twilight” at 4") == ["Moderation twilight", "at", "4"]
    assert split_words('say "hello there') == ["say", "hello there"]


def test_mentions_from_each_platform() -> None:
    assert mention_id("<@U0123ABC>") == "U0123ABC"
    assert mention_id("<@U0123ABC|sam>") == "U0123ABC"
    assert mention_id("<@!81234567890>") == "81234567890"
    assert mention_id("@Sam") is None


def test_description_tail_after_a_dash_but_not_inside_a_name() -> None:
    assert split_tail("A-level Chemistry — moderation") == ("A-level Chemistry", "moderation")
    assert split_tail("A-level Chemistry -- moderation") == ("A-level Chemistry", "moderation")
    assert split_tail("A-level Chemistry") == ("A-level Chemistry", "")


@given(st.text())
def test_argument_helpers_never_raise(text: str) -> None:
    split_words(text)
    split_tail(text)
    mention_id(text)


def test_durations_in_the_forms_people_type() -> None:
    assert describe(parse_duration("90m")) == "1h 30m"
    assert describe(parse_duration("1h30m")) == "1h 30m"
    assert describe(parse_duration("3 days")) == "3d"
    assert describe(parse_duration("2 weeks")) == "14d"
