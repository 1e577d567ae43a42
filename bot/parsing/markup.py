"""The neutral text markup of replies, read once for every adapter.

`**bold**`, `_italic_`, `` `code` `` and `[label](https://link)`; everything else is plain text
that each adapter must escape for its platform, because it may contain text members wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

MARKUP = re.compile(
    r"\*\*(?P<bold>.+?)\*\*|`(?P<code>[^`]+)`|(?<!\w)_(?P<italic>[^_]+)_(?!\w)"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)"
)


class SpanKind(StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text in one style; `url` is set for links only."""

    kind: SpanKind
    text: str
    url: str = ""


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
        else:
            yield Span(SpanKind.LINK, match.group("label"), match.group("url"))
        position = match.end()
    if position < len(text):
        yield Span(SpanKind.PLAIN, text[position:])


def plain(text: str) -> str:
    """The text without its markup (links keep their label)."""
    return "".join(span.text for span in spans(text))
