"""The neutral text markup of replies, read once for every adapter, and cutting text to a
length without breaking a web address.

`**bold**`, `_italic_` and `` `code` ``; everything else is plain text that each adapter must
escape for its platform, because it may contain text members wrote. There is deliberately no
link markup: a labelled link hides where it goes, and member text (a question, a reply, a
meeting's online link) must never become one. A bare web address stays as written, so the
platform shows it in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

MARKUP = re.compile(r"\*\*(?P<bold>.+?)\*\*|`(?P<code>[^`]+)`|(?<!\w)_(?P<italic>[^_]+)_(?!\w)")
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_ADDRESS_AT_END = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)
ELLIPSIS = "…"


class SpanKind(StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text in one style."""

    kind: SpanKind
    text: str


def spans(text: str) -> Iterator[Span]:
    """The runs of `text`, in order; markup that does not close is plain text."""
    position = 0
    for match in MARKUP.finditer(text):
        if match.start() > position:
            yield Span(SpanKind.PLAIN, text[position : match.start()])
        for kind in (SpanKind.BOLD, SpanKind.CODE, SpanKind.ITALIC):
            if match.group(kind.value) is not None:
                yield Span(kind, match.group(kind.value))
                break
        position = match.end()
    if position < len(text):
        yield Span(SpanKind.PLAIN, text[position:])


def plain(text: str) -> str:
    """The text without its markup."""
    return "".join(span.text for span in spans(text))


def _split_point(text: str, end: int) -> int:
    """`end`, moved back to the start of a web address it would split."""
    for match in _WEB_ADDRESS.finditer(text):
        if match.start() >= end:
            break
        if end < match.end():
            return match.start()
    return end


def cut_prefix(text: str, end: int) -> str:
    """The start of `text`, at most `end` characters, that an ellipsis may follow.

    A part of a web address can lead somewhere else, and an ellipsis right after one would be
    read as part of it; so an address is kept whole with the space that followed it, or left
    out."""
    kept = text[: _split_point(text, end)].rstrip()
    while (last := _ADDRESS_AT_END.search(kept)) is not None:
        if len(kept) < end:
            return kept + text[len(kept)]
        kept = kept[: last.start()].rstrip()  # no room for the space after it
    return kept


def cut(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, ending "…" when cut, never inside an address."""
    if len(text) <= limit:
        return text
    return cut_prefix(text, max(limit - len(ELLIPSIS), 0)) + ELLIPSIS
