"""Reading the words after a command: quoted phrases, mentions, and the optional
"— description" tail. Tolerant of smart quotes and unbalanced quotes; never raises."""

from __future__ import annotations

import re

_SMART = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_TOKEN = re.compile(r'"([^"]*)"?|\'([^\']*)\'?|(\S+)')
_MENTION = re.compile(r"^<@!?([A-Za-z0-9_.\-]+)(?:\|[^>]*)?>$")
_TAIL_SEPARATOR = re.compile(r"\s+(?:—|–|--|-)\s+|\s*(?:—|–)\s*")


def split_words(text: str) -> list[str]:
    """Split on spaces, keeping "quoted phrases" together (a missing closing quote is forgiven)."""
    words = []
    for match in _TOKEN.finditer(text.translate(_SMART)):
        double, single, bare = match.groups()
        words.append(double if double is not None else single if single is not None else bare)
    return words


def mention_id(word: str) -> str | None:
    """The user id in a platform mention `<@U123>` / `<@!123>` / `<@U123|name>`, else None."""
    match = _MENTION.match(word.strip())
    return match.group(1) if match else None


def split_tail(text: str) -> tuple[str, str]:
    """Split "Name — description" into its two parts; the second may be empty."""
    parts = _TAIL_SEPARATOR.split(text.strip(), maxsplit=1)
    head = parts[0].strip()
    tail = parts[1].strip() if len(parts) > 1 else ""
    return head, tail
