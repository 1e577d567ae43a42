"""Core forms as Discord modal definitions, and modal-submit payloads back as answers."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.discord import forms
from bot.kernel.replies import Choice, FieldKind, Form, FormField
from tests.adapters.discord import payloads
from tests.adapters.discord.sample_feature import REFLECTION


def inputs(modal_json: dict[str, Any]) -> list[dict[str, Any]]:
    return [label["component"] for label in modal_json["components"]]


def test_a_seven_field_form_opens_as_two_modals_of_labelled_discord_inputs() -> None:
    assert forms.part_count(REFLECTION) == 2
    first = forms.build_modal(REFLECTION, 0, "sf:tok:0", {}).to_dict()
    assert first["title"] == "Reflection on the meeting (1/2)"
    assert [label["type"] for label in first["components"]] == [18] * 5
    assert [label["label"] for label in first["components"]] == [
        "What did the meeting achieve?",
        "How confident are you now?",
        "Next session",
        "Starting at",
        "Share with the group",
    ]
    achieved, confidence, next_date, next_time, share = inputs(first)
    assert (achieved["type"], achieved["style"], achieved["required"]) == (4, 2, True)
    assert confidence["type"] == 3 and confidence["custom_id"] == "confidence"
    assert [o["value"] for o in confidence["options"]] == ["green", "amber", "red"]
    assert (next_date["min_length"], next_date["max_length"]) == (10, 10)
    assert next_date["placeholder"] == "YYYY-MM-DD"
    assert first["components"][2]["description"].startswith("A date")
    assert next_time["required"] is False and next_time["max_length"] == 5
    assert share["type"] == 23 and share["custom_id"] == "share"
    second = forms.build_modal(REFLECTION, 1, "sf:tok:1", {}).to_dict()
    assert second["title"].endswith("(2/2)")
    students, title = inputs(second)
    assert students["custom_id"] == "students"
    assert (title["value"], title["max_length"]) == ("Our meeting", 60)


def test_a_reopened_modal_shows_the_answers_given() -> None:
    answers = {"achieved": "Moderated coursework", "confidence": "amber", "share": "yes"}
    modal = forms.build_modal(REFLECTION, 0, "sf:tok:0", answers).to_dict()
    achieved, confidence, _, _, share = inputs(modal)
    assert achieved["value"] == "Moderated coursework"
    assert [o["value"] for o in confidence["options"] if o.get("default")] == ["amber"]
    assert share["default"] is True


def test_a_choice_of_more_than_25_becomes_a_text_input() -> None:
    many = tuple(Choice(f"s{n}", f"School {n}") for n in range(30))
    form = Form("f", "Pick", (FormField("school", "Your school", FieldKind.SELECT, options=many),))
    (component,) = inputs(forms.build_modal(form, 0, "sf:t:0", {}).to_dict())
    assert component["type"] == 4


def test_answers_are_read_from_every_kind_of_input() -> None:
    data = payloads.modal_answers(
        "sf:tok:0",
        {"achieved": "We moderated", "confidence": ["red"], "share": True, "next_time": ""},
    )
    data["components"].append(
        {"type": 1, "components": [{"type": 4, "custom_id": "old_style", "value": "row"}]}
    )
    assert forms.answers(data["components"]) == {
        "achieved": "We moderated",
        "confidence": "red",
        "share": "yes",
        "next_time": "",
        "old_style": "row",
    }


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), st.text(), max_size=5))
def test_text_answers_come_back_exactly_as_typed(typed: dict[str, str]) -> None:
    data = payloads.modal_answers("sf:tok:0", dict(typed))
    assert forms.answers(data["components"]) == typed
