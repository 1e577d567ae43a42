"""Names people type — of groups, schools, networks, people: cleaning, limits, and the
case-insensitive key two names are compared by.

Every rule refuses with a message that says what to type instead.
"""

from __future__ import annotations

import re
import unicodedata

from bot.kernel.refusals import Refusal

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")
_LOOKALIKE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}

GROUP_NAME_LIMIT = 60
SCHOOL_NAME_LIMIT = 80
NETWORK_NAME_LIMIT = 80
PERSON_NAME_LIMIT = 80


def name_key(name: str) -> str:
    """How names are compared: compatibility-normalised, case-folded, single-spaced."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _SPACES.sub(" ", folded.translate(_INVISIBLE)).strip()


def _script(character: str) -> str | None:
    if not character.isalpha():
        return None
    return unicodedata.name(character, "UNKNOWN").split(" ")[0]


def _mixed_scripts(word: str) -> set[str]:
    scripts = {script for character in word if (script := _script(character))}
    lookalikes = scripts & _LOOKALIKE_SCRIPTS
    return lookalikes if len(lookalikes) > 1 else set()


def clean_name(raw: str, *, what: str, limit: int, example: str) -> str:
    """Tidy a typed name, or refuse it kindly.

    Args:
        raw: what the person typed.
        what: "group name", "school name"… used in messages.
        limit: the most characters allowed.
        example: a good name to show in messages.
    """
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", raw).translate(_INVISIBLE)).strip()
    name = name.strip("\"'“”‘’").strip()  # a space may have stood inside the quotes
    if not name:
        raise Refusal(f"Please give a {what}, for example: `{example}`.")
    if any(unicodedata.category(c) in {"Cc", "Cf", "Co", "Cs"} for c in name):
        raise Refusal(f"That {what} contains hidden control characters. Please type it plainly.")
    if len(name) > limit:
        raise Refusal(
            f"A {what} can be at most {limit} characters; that one has {len(name)}. "
            f"Please shorten it, for example: `{example}`."
        )
    for word in name.split(" "):
        scripts = _mixed_scripts(word)
        if scripts:
            listed = " and ".join(sorted(s.title() for s in scripts))
            raise Refusal(
                f"The word “{word}” mixes {listed} letters, so it would look like a different "
                f"name. Please type the {what} in one alphabet."
            )
    return name
