"""The core's neutral text markup, read once for every adapter: `**bold**`, `_italic_`,
`` `code` `` and `[label](https://link)`.

Adapters walk the spans this module yields and render each in their platform's own syntax,
escaping the plain parts themselves; nothing else in a text is markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

SpanKind = Literal["plain", "bold", "italic", "code", "link"]

MARKUP = re.compile(
    r"\*\*(?P<bold>.+?)\*\*|`(?P<code>[^`]+)`|(?<!\w)_(?P<italic>[^_]+)_(?!\w)"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)"
)


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with one style; `url` is set only for links (whose `text` is the label)."""

    kind: SpanKind
    text: str
    url: str = ""


def spans(text: str) -> Iterator[Span]:
    """The text as styled runs, in order; plain runs are never empty."""
    position = 0
    for match in MARKUP.finditer(text):
        if match.start() > position:
            yield Span("plain", text[position : match.start()])
        if match.group("bold") is not None:
            yield Span("bold", match.group("bold"))
        elif match.group("code") is not None:
            yield Span("code", match.group("code"))
        elif match.group("italic") is not None:
            yield Span("italic", match.group("italic"))
        else:
            yield Span("link", match.group("label"), match.group("url"))
        position = match.end()
    if position < len(text):
        yield Span("plain", text[position:])


def without_markup(text: str) -> str:
    """The text as a person would read it aloud: styles dropped, links as their labels."""
    return "".join(span.text for span in spans(text))
