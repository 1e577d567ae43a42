"""The `ask` form and everything members type for questions: tidying text (unicode, control and
direction characters, blank lines), length limits, and reading a submitted form into a question
— or into field errors the asker can correct in place.

All of it is pure (no database), so it is tested with generated input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.kernel.refusals import Refusal
from bot.kernel.replies import Choice, FieldKind, Form, FormField
from bot.parsing.numbers import whole_number
from bot.questions.catalogue import BOARDS, category, category_choices
from storage.questions import QuestionDetails

ASK_FORM = "question.ask"
QUESTION_MIN = 10
QUESTION_LIMIT = 1500
DETAIL_LIMIT = 80  # qualification, paper
RESOLUTION_LIMIT = 500
REASON_LIMIT = 200

# Direction overrides and isolates can make text read differently from what it is; the
# byte-order mark is invisible. Joiners stay: emoji and several scripts need them.
_STRIPPED = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x00AD], None)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_BOARD_VALUES = {board.value for board in BOARDS}


def tidy_text(raw: str, *, single_line: bool = False) -> str:
    """Member text made safe to store and show: NFC, no control or direction characters, no
    lone surrogates, single spaces, at most one blank line in a row, trimmed."""
    kept = []
    for character in raw.replace("\r\n", "\n").replace("\r", "\n"):
        kind = unicodedata.category(character)
        if kind == "Cs" or (kind == "Cc" and character not in "\n\t"):
            continue
        kept.append(character)
    text = unicodedata.normalize("NFC", "".join(kept)).translate(_STRIPPED)
    if single_line:
        text = text.replace("\n", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def text_problem(text: str, *, what: str, limit: int, minimum: int = 1) -> str | None:
    """Why tidied `text` cannot be used, in words for the person who typed it (or None)."""
    if not text:
        return f"Please write the {what}."
    if len(text) < minimum:
        return f"Please say a little more — the {what} needs at least {minimum} characters."
    if len(text) > limit:
        return (
            f"The {what} can be at most {limit} characters; this one has {len(text)}. "
            "Please shorten it."
        )
    return None


def typed_text(
    raw: str,
    *,
    what: str,
    limit: int,
    example: str,
    required: bool = True,
    single_line: bool = False,
) -> str:
    """Text typed after a command, tidied — or a refusal saying what to type instead."""
    text = tidy_text(raw, single_line=single_line)
    if not text and not required:
        return ""
    problem = text_problem(text, what=what, limit=limit)
    if problem:
        raise Refusal(f"{problem} For example: `/staffroom {example}`.")
    return text


@dataclass(frozen=True, slots=True)
class AskAnswers:
    details: QuestionDetails
    notify: bool


def ask_form(*, groups: Sequence[tuple[int, str]], context: str, initial: str = "") -> Form:
    """The form; with `groups` (id, name) the asker picks one, otherwise `context` names it."""
    fields = [
        FormField(
            "question",
            "Your question",
            FieldKind.MULTILINE,
            max_length=QUESTION_LIMIT,
            initial=initial[:QUESTION_LIMIT],
            placeholder="Has anyone else seen a dip in Paper 2 this summer?",
            hint="Posted without your name. Leave out anything that identifies you, your "
            "school or colleagues.",
        ),
        FormField("category", "What is it about?", FieldKind.SELECT, options=category_choices()),
        FormField("board", "Exam board", FieldKind.SELECT, required=False, options=tuple(BOARDS)),
        FormField(
            "qualification",
            "Qualification",
            required=False,
            max_length=DETAIL_LIMIT,
            placeholder="A-level Chemistry",
        ),
        FormField(
            "paper",
            "Paper or component",
            required=False,
            max_length=DETAIL_LIMIT,
            placeholder="Paper 2, June series",
        ),
    ]
    if groups:
        fields.append(
            FormField(
                "group",
                "Which group should see it?",
                FieldKind.SELECT,
                options=tuple(Choice(str(group_id), name) for group_id, name in groups),
                initial=str(groups[0][0]) if len(groups) == 1 else "",
            )
        )
    fields.append(
        FormField(
            "notify",
            "Tell me privately when someone replies",
            FieldKind.CHECKBOX,
            required=False,
            hint="Your address is kept encrypted, only until you resolve the question "
            "(30 days at most).",
        )
    )
    return Form(ASK_FORM, "Ask anonymously", tuple(fields), "Ask", context)


def read_ask_form(
    values: Mapping[str, str], *, context_group: int | None, allowed_groups: Mapping[int, str]
) -> AskAnswers | dict[str, str]:
    """The question a submitted form describes, or {field: problem} for every bad field.

    Args:
        values: the submitted answers.
        context_group: the group the form was opened for (asked in its channel), if any.
        allowed_groups: the groups the asker belongs to, by id.
    """
    errors: dict[str, str] = {}
    question = tidy_text(values.get("question", ""))
    problem = text_problem(question, what="question", limit=QUESTION_LIMIT, minimum=QUESTION_MIN)
    if problem:
        errors["question"] = problem
    chosen_category = values.get("category", "").strip()
    if category(chosen_category) is None:
        errors["category"] = "Please choose what the question is about from the list."
    board = values.get("board", "").strip()
    if board and board not in _BOARD_VALUES:
        errors["board"] = "Please choose an exam board from the list, or leave it empty."
    details = {}
    for name, label in (("qualification", "qualification"), ("paper", "paper")):
        details[name] = tidy_text(values.get(name, ""), single_line=True)
        if len(details[name]) > DETAIL_LIMIT:
            errors[name] = f"The {label} can be at most {DETAIL_LIMIT} characters."
    group_id = context_group if context_group is not None else _group_choice(values)
    if group_id is None or group_id not in allowed_groups:
        errors["group"] = "Please choose one of your groups."
    if errors:
        return errors
    assert group_id is not None
    return AskAnswers(
        QuestionDetails(
            group_id=group_id,
            text=question,
            category=chosen_category,
            board=board,
            qualification=details["qualification"],
            paper=details["paper"],
        ),
        notify=values.get("notify", "") == "yes",
    )


def _group_choice(values: Mapping[str, str]) -> int | None:
    return whole_number(values.get("group", ""))
