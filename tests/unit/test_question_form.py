"""The `ask` form's input: tidying member text, limits, unknown choices, question numbers —
with generated input (any unicode, any length, empty fields) as well as named cases."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.questions.catalogue import BOARDS, CATEGORIES
from bot.questions.form import (
    DETAIL_LIMIT,
    QUESTION_LIMIT,
    QUESTION_MIN,
    AskAnswers,
    read_ask_form,
    tidy_text,
)
from bot.questions.lookup import split_number

GOOD = {
    "question": "Has anyone else seen a dip in Paper 2 this summer?",
    "category": "results-dip",
    "board": "aqa",
    "qualification": "A-level Chemistry",
    "paper": "Paper 2",
    "group": "7",
    "notify": "yes",
}
MINE = {7: "A-level Chemistry", 8: "GCSE Drama"}

any_text = st.text(st.characters(codec=None), max_size=2000)
field_values = st.dictionaries(
    st.sampled_from(["question", "category", "board", "qualification", "paper", "group", "notify"]),
    any_text,
)


def read(values: dict[str, str], context_group: int | None = None) -> AskAnswers | dict[str, str]:
    return read_ask_form(values, context_group=context_group, allowed_groups=MINE)


def test_a_good_form_becomes_a_question_for_the_chosen_group() -> None:
    answers = read(GOOD)
    assert isinstance(answers, AskAnswers)
    assert answers.details.group_id == 7 and answers.notify
    assert answers.details.text == GOOD["question"]
    assert (answers.details.category, answers.details.board) == ("results-dip", "aqa")


def test_asked_in_a_groups_channel_the_form_needs_no_group() -> None:
    answers = read({**GOOD, "group": ""}, context_group=8)
    assert isinstance(answers, AskAnswers) and answers.details.group_id == 8


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"question": "   "}, "question", "Please write the question"),
        ({"question": "Dip?"}, "question", f"at least {QUESTION_MIN} characters"),
        (
            {"question": "x" * (QUESTION_LIMIT + 1)},
            "question",
            f"this one has {QUESTION_LIMIT + 1}",
        ),
        ({"category": "gossip"}, "category", "choose what the question is about"),
        ({"category": ""}, "category", "choose what the question is about"),
        ({"board": "Ofqual"}, "board", "choose an exam board"),
        ({"qualification": "q" * (DETAIL_LIMIT + 1)}, "qualification", "at most 80"),
        ({"paper": "p" * (DETAIL_LIMIT + 1)}, "paper", "at most 80"),
        ({"group": "9"}, "group", "one of your groups"),
        ({"group": "chemistry"}, "group", "one of your groups"),
    ],
)
def test_bad_fields_are_reported_against_themselves(
    change: dict[str, str], field: str, says: str
) -> None:
    errors = read({**GOOD, **change})
    assert isinstance(errors, dict)
    assert list(errors) == [field] and says in errors[field]


def test_every_bad_field_is_reported_at_once() -> None:
    errors = read({"question": "", "category": "x", "board": "y", "group": ""})
    assert isinstance(errors, dict)
    assert set(errors) == {"question", "category", "board", "group"}


def test_optional_fields_may_be_left_out_entirely() -> None:
    answers = read({"question": GOOD["question"], "category": "other", "group": "7"})
    assert isinstance(answers, AskAnswers)
    assert answers.details.board == answers.details.paper == "" and not answers.notify


def test_direction_overrides_and_controls_are_removed_but_emoji_joiners_kept() -> None:
    family = "👩\u200d👩\u200d👧"
    tidied = tidy_text(f"Results \u202eevil\u202c dipped\x00\x07 {family}\r\n\r\n\r\n\r\nWhy?")
    assert tidied == f"Results evil dipped {family}\n\nWhy?"


def test_mention_syntax_is_kept_as_text_for_the_adapters_to_neutralise() -> None:
    assert tidy_text("@everyone <!channel> <@U123>") == "@everyone <!channel> <@U123>"


@given(any_text)
def test_tidied_text_is_storable_and_stable(raw: str) -> None:
    tidied = tidy_text(raw)
    tidied.encode("utf-8")  # no lone surrogates: every database accepts it
    assert "\x00" not in tidied and tidied == tidied.strip()
    assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in tidied), (
        "control characters survive"
    )
    assert "\n\n\n" not in tidied
    assert tidy_text(tidied) == tidied


@given(field_values, st.sampled_from([None, 7, 8]))
def test_any_submission_gives_a_question_or_field_errors_never_a_crash(
    values: dict[str, str], context_group: int | None
) -> None:
    result = read(values, context_group)
    if isinstance(result, dict):
        assert result and set(result) <= set(GOOD)
        return
    details = result.details
    assert QUESTION_MIN <= len(details.text) <= QUESTION_LIMIT
    assert details.category in {c.value for c in CATEGORIES}
    assert details.board in {""} | {b.value for b in BOARDS}
    assert len(details.qualification) <= DETAIL_LIMIT and "\n" not in details.qualification
    assert details.group_id in MINE


@given(
    st.text(st.characters(codec="utf-8"), min_size=QUESTION_MIN, max_size=QUESTION_LIMIT).filter(
        lambda t: len(tidy_text(t)) >= QUESTION_MIN
    )
)
def test_any_readable_question_of_allowed_length_is_accepted(question: str) -> None:
    answers = read({**GOOD, "question": question})
    assert isinstance(answers, AskAnswers)
    assert answers.details.text == tidy_text(question)


@given(st.integers(min_value=1, max_value=10**9 - 1), st.sampled_from(["#", "", "no. ", "# "]))
def test_question_numbers_are_read_however_written(number: int, prefix: str) -> None:
    assert split_number(f"{prefix}{number} It was Paper 2") == (number, "It was Paper 2")
    assert split_number(f"{prefix}{number}") == (number, "")


@given(any_text)
def test_reading_a_number_never_crashes(typed: str) -> None:
    parsed = split_number(typed)
    if parsed is not None:
        assert parsed[0] >= 0


@pytest.mark.parametrize("typed", ["", "twelve", "#", "#x12", "12abc more"])
def test_text_without_a_leading_number_is_not_a_question_number(typed: str) -> None:
    assert split_number(typed) is None
