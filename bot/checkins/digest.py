"""Check-ins in the weekly digest: per group, the week's rounds and their traffic-light mix
(hidden below k answers), the change in the share of reds since the week before, and answers
as engagement for the health rule."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from bot.digests.model import DigestRequest, DigestSource, Figure
from bot.privacy.suppression import suppress_small_counts
from storage import checkin_answers

COLOURS = ("green", "amber", "red")


def _tallies(request: DigestRequest) -> list[checkin_answers.RoundTally]:
    since, until = request.history_bounds()
    return checkin_answers.tallies_opened_between(
        request.connection, network_id=request.network.id, since=since, until=until
    )


def figures(request: DigestRequest) -> Mapping[int, list[Figure]]:
    this_week, week_before = len(request.weeks) - 1, len(request.weeks) - 2
    weekly: dict[tuple[int, int | None], Counter[str]] = defaultdict(Counter)
    rounds: Counter[int] = Counter()
    for tally in _tallies(request):
        index = request.week_index(tally.opened_at)
        weekly[(tally.group_id, index)].update(tally.counts)
        rounds[tally.group_id] += index == this_week
    found: dict[int, list[Figure]] = {}
    for group_id in request.group_ids:
        if not rounds[group_id]:
            continue
        this = suppress_small_counts(weekly[(group_id, this_week)], k=request.k)
        before = suppress_small_counts(weekly[(group_id, week_before)], k=request.k)
        change = None
        if this.counts is not None and before.counts is not None:
            red_now, red_before = this.counts.get("red", 0), before.counts.get("red", 0)
            change = round(100 * red_now / this.population - 100 * red_before / before.population)
        found[group_id] = [
            Figure("checkin_rounds", "Check-in rounds", rounds[group_id]),
            Figure(
                "checkin_answers",
                "Check-in answers",
                this.population if this.visible else None,
                people=True,
            ),
            *(Figure(f"checkin_{c}", f"Check-in {c}", this.get(c)) for c in COLOURS),
            Figure(
                "checkin_red_change",
                "Change in share of reds since the week before",
                change,
                note="points",
                signed=True,
            ),
        ]
    return found


def engagement(request: DigestRequest) -> Mapping[int, list[int]]:
    """Each answer is one engagement, in the week its round opened."""
    return request.weekly_counts(
        (tally.group_id, tally.opened_at)
        for tally in _tallies(request)
        for _ in range(sum(tally.counts.values()))
    )


SOURCE = DigestSource("check-ins", figures=figures, engagement=engagement)
