"""What an anonymous question can be about: the categories (and which concern exams), the exam
boards, and the diagnostic checklist posted with exam questions so that replies address each
possible cause of an unexpected dip in results."""

from __future__ import annotations

from dataclasses import dataclass

from bot.kernel.replies import Choice


@dataclass(frozen=True, slots=True)
class Category:
    value: str
    label: str
    about_exams: bool


CATEGORIES = (
    Category("results-dip", "Exam results dip", True),
    Category("specification", "Specification change", True),
    Category("mark-scheme", "Mark scheme", True),
    Category("examiner", "Examiner or marking", True),
    Category("grade-boundaries", "Grade boundaries", True),
    Category("paper", "Problem with the paper", True),
    Category("teaching", "Teaching approach", False),
    Category("workload", "Workload or wellbeing", False),
    Category("other", "Other", False),
)
BOARDS = (
    Choice("aqa", "AQA"),
    Choice("edexcel", "Pearson Edexcel"),
    Choice("ocr", "OCR"),
    Choice("wjec", "WJEC/Eduqas"),
    Choice("ccea", "CCEA"),
    Choice("sqa", "SQA"),
    Choice("cie", "Cambridge International"),
    Choice("ib", "IB"),
    Choice("other", "Other"),
)
EXAM_CHECKLIST = (
    "Did your school see the same? Press **Me too** — it counts schools, not people.",
    "Has the specification changed for this series?",
    "Has the mark scheme, or the guidance behind it, changed?",
    "Could it be the marking — a 'rogue' examiner? Did a review of marking change grades?",
    "Did the grade boundaries move?",
    "Was there a problem with the paper itself (errors, ambiguous questions, a paper mix-up)?",
)

_CATEGORY = {category.value: category for category in CATEGORIES}
_BOARD = {board.value: board.label for board in BOARDS}


def category(value: str) -> Category | None:
    return _CATEGORY.get(value)


def category_label(value: str) -> str:
    found = _CATEGORY.get(value)
    return found.label if found else value


def board_label(value: str) -> str:
    return _BOARD.get(value, value)


def about_exams(value: str) -> bool:
    found = _CATEGORY.get(value)
    return found is not None and found.about_exams


def category_choices() -> tuple[Choice, ...]:
    return tuple(Choice(c.value, c.label) for c in CATEGORIES)
