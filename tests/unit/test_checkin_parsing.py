"""Parsing what members type for check-ins: colours, notes, prompts, "closing in", the group
prefix and weekly schedules — as properties over arbitrary text, plus the forms people use."""

from __future__ import annotations

import re
import unicodedata
from datetime import time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.checkins.parsing import (
    NOTE_LIMIT,
    PROMPT_LIMIT,
    clean_note,
    clean_prompt,
    parse_answer_words,
    parse_colour,
    parse_schedule,
    split_closing,
    split_group_prefix,
)
from bot.kernel.refusals import Refusal

prompts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80).filter(
    lambda p: "closing" not in p.lower() and p.strip() and p.strip()[-1] not in ",;.("
)
durations = st.sampled_from(
    [("90m", 90), ("2h", 120), ("1h30m", 90), ("3d", 4320), ("2 weeks", 20160)]
)


@given(prompts, durations)
def test_closing_in_is_read_off_the_end(prompt: str, duration: tuple[str, int]) -> None:
    text, minutes = duration
    assert split_closing(f"{prompt} closing in {text}") == (
        prompt.strip(),
        timedelta(minutes=minutes),
    )
    assert split_closing(f"{prompt} (closing in {text})")[1] == timedelta(minutes=minutes)


@given(st.text(max_size=120) | st.builds("{} closing in {}".format, prompts, st.text(max_size=12)))
def test_split_closing_keeps_the_text_it_does_not_understand_or_refuses_a_bad_length(
    text: str,
) -> None:
    try:
        prompt, duration = split_closing(text)
    except Refusal as refusal:  # "closing in 0m", "closing in 3 fortnights"
        assert refusal.message.startswith("After “closing in”:")
        assert re.search(r"closing\s+in\s+\d", text, re.I)
        return
    if duration is None:
        assert prompt == text.strip()
    else:
        assert text.strip().startswith(prompt)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("How? closing in 0m", "zero"),
        ("How? closing in 2 fortnights", "couldn't read “2 fortnights”"),
        ("How? closing in 5000 weeks", "more than a year"),
    ],
)
def test_a_closing_time_that_is_not_a_length_of_time_is_refused(typed: str, says: str) -> None:
    with pytest.raises(Refusal, match=says):
        split_closing(typed)


def test_an_earlier_closing_in_belongs_to_the_prompt() -> None:
    assert split_closing("Is the deadline closing in on you? closing in 2h") == (
        "Is the deadline closing in on you?",
        timedelta(hours=2),
    )
    assert split_closing("Closing in on the answer?")[1] is None


@given(st.text(max_size=400))
def test_prompts_are_one_clean_line_or_refused(text: str) -> None:
    try:
        prompt = clean_prompt(text)
    except Refusal as refusal:
        assert "check-in question" in refusal.message or "Please give" in refusal.message
        return
    assert prompt and len(prompt) <= PROMPT_LIMIT and "\n" not in prompt
    assert not any(unicodedata.category(c) in {"Cc", "Cf"} for c in prompt)


@given(st.text(max_size=700))
def test_notes_are_clean_or_refused(text: str) -> None:
    try:
        note = clean_note(text)
    except Refusal:
        assert len(text) > NOTE_LIMIT
        return
    assert note is None or (0 < len(note) <= NOTE_LIMIT and note == note.strip())
    assert note is None or not any(
        unicodedata.category(c) in {"Cc", "Cf"} for c in note if c != "\n"
    )


@given(st.text(max_size=100))
def test_answer_words_give_a_colour_or_a_refusal(text: str) -> None:
    try:
        colour, anonymous, _ = parse_answer_words(text)
    except Refusal as refusal:
        assert "Answer with a colour" in refusal.message or "note" in refusal.message
        return
    assert colour in ("green", "amber", "red")
    assert isinstance(anonymous, bool)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("green", ("green", False, None)),
        ("RED  I'm lost", ("red", False, "I'm lost")),
        ("amber anonymously", ("amber", True, None)),
        ("yellow anon, not sure about moles", ("amber", True, "not sure about moles")),
        ("🔴 help", ("red", False, "help")),
    ],
)
def test_answer_words(typed: str, expected: tuple[str, bool, str | None]) -> None:
    assert parse_answer_words(typed) == expected


def test_colours() -> None:
    assert [parse_colour(w) for w in ("Green", "orange", "🟠", "red", "blue")] == [
        "green",
        "amber",
        "amber",
        "red",
        None,
    ]


@given(st.text(max_size=80))
def test_the_group_prefix_is_everything_before_the_first_colon(text: str) -> None:
    head, rest = split_group_prefix(text)
    if head is None:
        assert rest == text.strip()
    else:
        assert ":" not in head and head and text.strip().startswith(head) and rest in text


@given(st.text(max_size=60))
def test_schedules_are_read_or_refused(text: str) -> None:
    try:
        weekday, _, prompt = parse_schedule(text)
    except Refusal as refusal:
        assert refusal.message
        return
    assert 0 <= weekday <= 6 and prompt.strip()


def test_schedules() -> None:
    assert parse_schedule("Mondays 8:30 How is it going?") == (0, time(8, 30), "How is it going?")
    assert parse_schedule("fri 4pm Ready?") == (4, time(16, 0), "Ready?")
    assert parse_schedule("Monday 4:15 pm How is it going?") == (
        0,
        time(16, 15),
        "How is it going?",
    )
    assert parse_schedule("Tue 9 AM pm review") == (1, time(9, 0), "pm review")
    with pytest.raises(Refusal, match="a day, a time and the question"):
        parse_schedule("Monday 4:15 pm")
    with pytest.raises(Refusal, match="day of the week"):
        parse_schedule("someday 08:30 Hmm")
    with pytest.raises(Refusal, match="a day, a time and the question"):
        parse_schedule("Monday 08:30")
