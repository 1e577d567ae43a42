"""How a group is doing, by a rule simple enough to state in the help text.

Engagement is everything members did in the group (channel messages plus check-in answers,
questions, RSVPs and reflections, where those features report them), week by week.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum


class Health(StrEnum):
    NEW = "new"
    GROWING = "growing"
    STEADY = "steady"
    DRIFTING = "drifting"
    STALE = "stale"


RULE = (
    "Health compares a group's engagement (messages, check-in answers, questions, RSVPs, "
    "reflections) in the last 4 weeks with the 4 weeks before: **new** if created in the last "
    "4 weeks; **stale** if nothing at all in the last 3 weeks; **drifting** if down to under "
    "60%; **growing** if up to 125% or more; otherwise **steady**."
)
NEW_FOR = timedelta(days=28)
STALE_WEEKS = 3
DRIFTING_BELOW = 0.60
GROWING_FROM = 1.25


def classify(*, created_on: date, week_last_day: date, weekly: Sequence[int]) -> tuple[Health, str]:
    """Classify from eight weeks of engagement, oldest first (the last is the digest's week).

    Returns the verdict and its evidence in words.
    """
    if len(weekly) != 8:
        raise ValueError("classify needs eight weeks of figures")
    earlier, recent = sum(weekly[:4]), sum(weekly[4:])
    trend = f"last 4 weeks {recent}, the 4 before {earlier}"
    if week_last_day - created_on < NEW_FOR:
        return Health.NEW, f"created {created_on:%d %b}; {trend}"
    if sum(weekly[-STALE_WEEKS:]) == 0:
        return Health.STALE, f"no activity for {STALE_WEEKS} weeks; {trend}"
    if earlier == 0:
        return Health.GROWING, f"active again after a quiet month; {trend}"
    ratio = recent / earlier
    change = f"{trend} ({ratio - 1:+.0%})"
    if ratio < DRIFTING_BELOW:
        return Health.DRIFTING, change
    if ratio >= GROWING_FROM:
        return Health.GROWING, change
    return Health.STEADY, change
