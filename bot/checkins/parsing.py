"""Reading what people type for check-ins: colours, prompts, notes, "closing in <duration>",
an optional "<group>:" prefix, and "<weekday> <time> <prompt>" schedules.

Pure functions over text; bad input raises a `Refusal` that says what to type instead.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time, timedelta

from bot.kernel.refusals import Refusal
from bot.parsing.durations import parse_duration
from bot.parsing.times import parse_time_of_day, parse_weekday

GREEN, AMBER, RED = "green", "amber", "red"
COLOURS = (GREEN, AMBER, RED)
PROMPT_LIMIT = 300
NOTE_LIMIT = 500
ANONYMOUS_WORDS = frozenset({"anonymously", "anonymous", "anon"})

_COLOUR_WORDS = {
    "green": GREEN,
    "🟢": GREEN,
    "amber": AMBER,
    "yellow": AMBER,
    "orange": AMBER,
    "🟠": AMBER,
    "🟡": AMBER,
    "red": RED,
    "🔴": RED,
}
# Greedy: the last "closing in" is the option, an earlier one belongs to the prompt.
_CLOSING = re.compile(
    r"^(?P<prompt>.*)[\s,;.(]+closing\s+in\s+(?P<duration>[^()]+?)\)?\s*$", re.I | re.S
)
_SPACES = re.compile(r"[ \t\u00a0]+")


def parse_colour(word: str) -> str | None:
    """ "green", "amber" (or yellow/orange), "red" or their emoji, any case; else None."""
    return _COLOUR_WORDS.get(word.strip().lower())


def _plain(text: str) -> str:
    """Control and format characters removed (line breaks kept), runs of spaces collapsed."""
    kept = (
        text  # nothing to remove: every character shows (the usual case, checked in C)
        if text.isprintable()
        else "".join(
            c for c in text if c == "\n" or unicodedata.category(c) not in {"Cc", "Cf", "Co", "Cs"}
        )
    )
    lines = [_SPACES.sub(" ", line).strip() for line in kept.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_prompt(text: str) -> str:
    """The question a round asks: one line of at most 300 characters."""
    prompt = _plain(text.replace("\n", " ")).strip("\"'“”")
    if not prompt:
        raise Refusal(
            "Please give the question to check in on, for example: "
            "`/staffroom checkin open How confident do you feel teaching moles?`"
        )
    if len(prompt) > PROMPT_LIMIT:
        raise Refusal(
            f"A check-in question can be at most {PROMPT_LIMIT} characters; that one has "
            f"{len(prompt)}. Please shorten it."
        )
    return prompt


def clean_note(text: str) -> str | None:
    """A note with an answer, or None when blank; refuses notes over 500 characters."""
    note = _plain(text)
    if len(note) > NOTE_LIMIT:
        raise Refusal(
            f"A note can be at most {NOTE_LIMIT} characters; yours has {len(note)}. "
            "Please shorten it."
        )
    return note or None


def split_closing(text: str) -> tuple[str, timedelta | None]:
    """Split "<prompt> closing in <duration>" into its parts.

    When the words after "closing in" don't start with a number ("closing in December"), they
    belong to the prompt; when they do, they must be a length of time ("closing in 0m" is
    refused, not posted as part of the question).
    """
    match = _CLOSING.match(text.strip())
    if match is None:
        return text.strip(), None
    typed = match.group("duration")
    try:
        duration = parse_duration(typed)
    except Refusal as refusal:
        if typed.lstrip()[:1].isdecimal():
            raise Refusal(f"After “closing in”: {refusal.message}") from None
        return text.strip(), None
    return match.group("prompt").strip(), duration


def split_group_prefix(text: str) -> tuple[str | None, str]:
    """Split "<group>: <rest>" at the first colon; (None, text) when there is none.

    Whether the part before the colon really names a group is for the caller to decide (a
    prompt may contain a colon of its own, and a time has one).
    """
    head, colon, tail = text.partition(":")
    if not colon or not head.strip():
        return None, text.strip()
    return head.strip(), tail.strip()


def parse_answer_words(text: str) -> tuple[str, bool, str | None]:
    """ "red anonymously I'm lost on moles" → ("red", True, "I'm lost on moles").

    The note is None when none is given (an earlier note is then kept).
    """
    words = text.strip().split(maxsplit=1)
    colour = parse_colour(words[0]) if words else None
    if colour is None:
        raise Refusal(
            "Answer with a colour: `/staffroom checkin green`, `amber` or `red`, optionally "
            "followed by `anonymously` and a note."
        )
    rest = words[1] if len(words) > 1 else ""
    first, _, after = rest.partition(" ")
    anonymous = first.lower().strip(",.:;") in ANONYMOUS_WORDS
    if anonymous:
        rest = after
    return colour, anonymous, clean_note(rest)


def parse_schedule(text: str) -> tuple[int, time, str]:
    """ "monday 08:30 <prompt>" → (0, 08:30, "<prompt>"); the time may be "4:15 pm"."""
    words = text.strip().split(maxsplit=2)
    after_time = words[2].split(maxsplit=1) if len(words) == 3 else []
    if after_time and after_time[0].lower() in ("am", "pm"):  # "4:15 pm"
        words = [words[0], words[1] + after_time[0], *after_time[1:]]
    if len(words) < 3:
        raise Refusal(
            "Please give a day, a time and the question, for example: "
            "`/staffroom checkin every Monday 08:30 How confident are you with this week's topic?`"
        )
    return parse_weekday(words[0]), parse_time_of_day(words[1]), words[2]
