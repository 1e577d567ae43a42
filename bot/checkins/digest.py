"""Check-ins in the weekly digest: per group, the week's rounds and their traffic-light mix
(hidden below k answers), the change in the share of reds since the week before, and answers
as engagement for the health rule."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from bot.digests.model import HISTORY_WEEKS, DigestRequest, DigestSource, Figure
from bot.digests.weeks import Week
from bot.suppression import suppress_small_counts
from storage import checkins

COLOURS = ("green", "amber", "red")


def _tallies(request: DigestRequest) -> list[checkins.RoundTally]:
    since, _ = Week.containing(request.history_first).bounds(request.zone)
    _, until = request.week.bounds(request.zone)
    return checkins.tallies_opened_between(
        request.connection, network_id=request.network.id, since=since, until=until
    )


def _week_of(tally: checkins.RoundTally, request: DigestRequest) -> Week:
    return Week.containing(tally.opened_at.astimezone(request.zone).date())


def figures(request: DigestRequest) -> Mapping[int, list[Figure]]:
    weekly: dict[tuple[int, Week], Counter[str]] = defaultdict(Counter)
    rounds: Counter[int] = Counter()
    for tally in _tallies(request):
        week = _week_of(tally, request)
        weekly[(tally.group_id, week)].update(tally.counts)
        if week == request.week:
            rounds[tally.group_id] += 1
    found: dict[int, list[Figure]] = {}
    for group_id in request.group_ids:
        if not rounds[group_id]:
            continue
        this = suppress_small_counts(weekly[(group_id, request.week)], k=request.k)
        before = suppress_small_counts(weekly[(group_id, request.week.shifted(-1))], k=request.k)
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
    weeks = [request.week.shifted(offset) for offset in range(-(HISTORY_WEEKS - 1), 1)]
    position = {week: index for index, week in enumerate(weeks)}
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * HISTORY_WEEKS)
    for tally in _tallies(request):
        week = _week_of(tally, request)
        if week in position and tally.group_id in request.group_ids:
            counts[tally.group_id][position[week]] += sum(tally.counts.values())
    return counts


SOURCE = DigestSource("check-ins", figures=figures, engagement=engagement)
