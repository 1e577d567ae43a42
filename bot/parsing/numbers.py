"""Whole numbers people type (`checkin stop 3`, `#12`, `10 times`) and the ids buttons and forms
carry. At most nine ASCII digits: every id fits a database integer (PostgreSQL's hold ten
digits, and SQLite refuses anything past 64 bits with an error rather than a refusal), and no
typed number is long enough to make Python's `int()` give up.
"""

from __future__ import annotations

import re

MAX_DIGITS = 9
_NUMBER = re.compile(rf"#?\s*([0-9]{{1,{MAX_DIGITS}}})")


def whole_number(text: str) -> int | None:
    """The number `text` is (`12`, `#12`, ` 12 `), or None if it is anything else."""
    match = _NUMBER.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def id_in(value: str) -> int:
    """The id a button or form carries, or -1 (which matches nothing) if it isn't one."""
    number = whole_number(value)
    return -1 if number is None else number
