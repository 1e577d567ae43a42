"""The core's neutral markup as Slack text: `mrkdwn` for sections and notifications, plain text
for headers, buttons and titles, always within a length limit.

Every character the core hands over is escaped (`&`, `<`, `>`) before it reaches mrkdwn, so
text written by members can never become `<!channel>`, `<!here>`, `<!everyone>`, `<@U…>` or
`<!subteam^…>` or a labelled link `<url|label>`: this module writes no `<…>` at all, and
Slack's mrkdwn has no `[label](url)` form, so a web address shows as itself. Slack parses no
mentions in `plain_text` objects, so plain text is passed through unescaped (escaping it would
show `&lt;` to people). Nothing is cut inside a web address.
"""

from __future__ import annotations

import re

from bot.parsing.markup import ELLIPSIS, MARKUP, cut, cut_prefix
from bot.parsing.markup import plain as without_markup

_CONTROL = frozenset("&<>")
_MARKUP_SIGNS = frozenset("*`_")


def escape(text: str) -> str:
    """Slack's three control characters as entities (`&` first, so entities stay intact)."""
    if _CONTROL.isdisjoint(text):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _render(match: re.Match[str]) -> str:
    bold, code, italic = match.group("bold", "code", "italic")
    if bold is not None:
        return f"*{bold}*"
    if code is not None:
        return f"`{code}`"
    return f"_{italic}_"


def mrkdwn(text: str) -> str:
    """Neutral markup as mrkdwn, everything else escaped.

    Escaping first is safe: entities contain none of the markup's signs and keep word
    boundaries as they were, so the markup matches exactly where it did before.
    """
    escaped = escape(text)
    if _MARKUP_SIGNS.isdisjoint(escaped):
        return escaped
    return MARKUP.sub(_render, escaped)


def plain(text: str, limit: int) -> str:
    """Markup dropped, one line, at most `limit` characters (ending "…" when cut)."""
    return cut(" ".join(without_markup(text).split()), limit)


def mrkdwn_within(text: str, limit: int) -> str:
    """`mrkdwn(text)` cut to `limit` characters without breaking an entity or an address."""
    rendered = mrkdwn(text)
    if len(rendered) <= limit:
        return rendered
    # Cut the neutral text, not the rendering, so no entity is split. Bisection keeps `low` a
    # prefix that fits (the empty one does), so the result always fits; `cut_prefix` only
    # shortens it.
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if len(mrkdwn(text[:middle])) + len(ELLIPSIS) <= limit:
            low = middle
        else:
            high = middle - 1
    return mrkdwn(cut_prefix(text, low)) + ELLIPSIS


def mrkdwn_chunks(text: str, limit: int) -> list[str]:
    """`text` as mrkdwn pieces of at most `limit` characters, split between lines where it can;
    no pieces for blank text (Slack refuses empty text)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        rendered = mrkdwn_within(line, limit)
        added = len(rendered) + (1 if current else 0)
        if current and size + added > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
            added = len(rendered)
        current.append(rendered)
        size += added
    chunks.append("\n".join(current))
    return [chunk for chunk in chunks if chunk.strip()]
