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
    return [word for word, _ in split_quoted(text)]


def split_quoted(text: str) -> list[tuple[str, bool]]:
    """As `split_words`, each word with whether it was quoted: a quoted word is a name to
    take as written, never one of a grammar's keywords."""
    words = []
    for match in _TOKEN.finditer(text.translate(_SMART)):
        double, single, bare = match.groups()
        if bare is not None:
            words.append((bare, False))
        else:
            words.append((double if double is not None else single, True))
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
