"""The core's neutral markup as Discord markdown, with everything else made inert.

Plain runs may hold text members wrote, so every Discord markdown character in them is escaped
(a masked link `[label](url)` included, so it shows as typed and its address in full) and every
mention (`@everyone`, `@here`, `<@user>`, `<@&role>`) is broken with a zero-width space. That is
belt and braces: messages also go out with `AllowedMentions.none()`. Nothing is cut inside a
web address.
"""

from __future__ import annotations

import re

import discord

from bot.parsing.markup import SpanKind, cut, plain, spans

# After `escape_markdown` every backslash a member typed is doubled, so a `[` after an even
# run of backslashes is still live; a bare address is left as it is.
_LIVE_BRACKET = re.compile(r"(?P<address>https?://\S+)|(?<!\\)(?P<run>(?:\\\\)*)\[")


def _escape_bracket(match: re.Match[str]) -> str:
    return match.group("address") or match.group("run") + "\\["


def inert(text: str) -> str:
    """Text shown exactly as written: no markdown, no mentions (bare addresses stay clickable).

    `escape_markdown` escapes only the first `[` of a line with several masked links, so every
    live `[` is escaped here too: no `[label](url)` a member typed becomes a link.
    """
    escaped = _LIVE_BRACKET.sub(_escape_bracket, discord.utils.escape_markdown(text))
    return discord.utils.escape_mentions(escaped)


def to_markdown(text: str) -> str:
    """Neutral markup → Discord markdown for message bodies, embed titles and field values."""
    out = []
    for span in spans(text):
        if span.kind is SpanKind.BOLD:
            out.append(f"**{inert(span.text)}**")
        elif span.kind is SpanKind.ITALIC:
            out.append(f"_{inert(span.text)}_")
        elif span.kind is SpanKind.CODE:
            # Discord shows code spans literally: no markdown, no mentions, nothing to escape.
            out.append(f"`{span.text}`")
        else:
            out.append(inert(span.text))
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis; never empty."""
    return cut(" ".join(text.split()), limit) or "—"


def to_label(text: str, limit: int) -> str:
    """Neutral markup → the plain text of a button, modal title or input label."""
    return shorten(plain(text), limit)
