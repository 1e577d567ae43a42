""" "Did you mean…": the closest known names to something misspelt."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(typed: str, known: Iterable[str], *, limit: int = 3) -> list[str]:
    """Up to `limit` known names that look like `typed`, best first (case-insensitive)."""
    by_key: dict[str, str] = {}
    for name in known:
        by_key.setdefault(name.casefold(), name)
    key = typed.casefold().strip()
    if not key:
        return []
    starts = [name for k, name in by_key.items() if k.startswith(key) or key in k]
    fuzzy = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.6)
    found: list[str] = []
    for name in [by_key[k] for k in fuzzy] + sorted(starts):
        if name not in found:
            found.append(name)
    return found[:limit]


def did_you_mean(typed: str, known: Iterable[str]) -> str:
    """A sentence suggesting the closest names, or "" when nothing is close."""
    found = closest(typed, known)
    if not found:
        return ""
    return "Did you mean " + " or ".join(f"**{name}**" for name in found) + "?"
