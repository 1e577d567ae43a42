"""The core's neutral markup as Discord markdown, with everything else made inert.

Plain runs may hold text members wrote, so every Discord markdown character in them is escaped
and every mention (`@everyone`, `@here`, `<@user>`, `<@&role>`) is broken with a zero-width
space. That is belt and braces: messages also go out with `AllowedMentions.none()`.
"""

from __future__ import annotations

import discord

from bot.parsing.markup import SpanKind, plain, spans


def inert(text: str) -> str:
    """Text shown exactly as written: no markdown, no mentions (links stay clickable)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


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
        elif span.kind is SpanKind.LINK:
            out.append(f"[{inert(span.text)}]({span.url})")
        else:
            out.append(inert(span.text))
    return "".join(out)


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut to `limit` characters with an ellipsis; never empty."""
    flat = " ".join(text.split()) or "—"
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def to_label(text: str, limit: int) -> str:
    """Neutral markup → the plain text of a button, modal title or input label."""
    return shorten(plain(text), limit)
