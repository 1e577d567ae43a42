"""The command grammar: longest match, arguments, suggestions, and that it never raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.features import build_registry
from bot.kernel.router import Resolved, Unknown, resolve

REGISTRY = build_registry()


def test_longest_run_of_words_wins() -> None:
    resolved = resolve(REGISTRY, "school add Ridgeway School")
    assert isinstance(resolved, Resolved)
    assert resolved.spec.name == "school add"
    assert resolved.arguments == "Ridgeway School"


def test_a_school_whose_name_starts_like_a_subcommand_is_still_a_school() -> None:
    resolved = resolve(REGISTRY, "school Addington Academy")
    assert isinstance(resolved, Resolved)
    assert resolved.spec.name == "school"
    assert resolved.arguments == "Addington Academy"


def test_commands_are_case_insensitive_and_keep_argument_case() -> None:
    resolved = resolve(REGISTRY, "GROUP Create  A-level Chemistry")
    assert isinstance(resolved, Resolved)
    assert resolved.spec.name == "group create"
    assert resolved.arguments == "A-level Chemistry"


def test_blank_text_means_help() -> None:
    resolved = resolve(REGISTRY, "   ")
    assert isinstance(resolved, Resolved) and resolved.spec.name == "help"


def test_misspelt_command_gets_suggestions() -> None:
    resolved = resolve(REGISTRY, "joim A-level Chemistry")
    assert isinstance(resolved, Unknown)
    assert "join" in resolved.suggestions


def test_misspelt_two_word_command_suggests_the_pair() -> None:
    resolved = resolve(REGISTRY, "group creat Drama")
    assert isinstance(resolved, Resolved) is False
    assert isinstance(resolved, Unknown)
    assert "group create" in resolved.suggestions


@settings(max_examples=300)
@given(st.text())
def test_the_parser_never_raises_on_any_text(typed: str) -> None:
    result = resolve(REGISTRY, typed)
    assert isinstance(result, Resolved | Unknown)


def test_every_command_has_help_text() -> None:
    for spec in REGISTRY:
        assert spec.summary.strip(), spec.name
        assert spec.topic.strip(), spec.name
