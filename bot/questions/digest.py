"""Anonymous questions in the weekly digest: per group, questions asked and answered that
week, those open for more than 72 hours, and those seen at k or more schools (the me-too
pattern that may call for a collective approach to an exam board). Questions and replies count
as engagement. Nothing here can say who asked: the tables hold no asker."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import timedelta

from bot.digests.model import DigestRequest, DigestSource, Figure
from bot.privacy.suppression import enough_people
from storage import question_digest

STALE_AFTER = timedelta(hours=72)


def figures(request: DigestRequest) -> Mapping[int, list[Figure]]:
    since, until = request.week.bounds(request.zone)
    asked: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    waiting: Counter[int] = Counter()
    widespread: Counter[int] = Counter()
    for tally in question_digest.digest_tallies(
        request.connection, network_id=request.network.id, since=since
    ):
        if tally.hidden_at is not None and tally.hidden_at < until:
            continue
        if since <= tally.created_at < until:
            asked[tally.group_id] += 1
        if tally.resolved_at is not None and since <= tally.resolved_at < until:
            answered[tally.group_id] += 1
        open_at_end = tally.created_at < until and (
            tally.resolved_at is None or tally.resolved_at >= until
        )
        if open_at_end and until - tally.created_at > STALE_AFTER:
            waiting[tally.group_id] += 1
        if open_at_end and enough_people(tally.schools, k=request.k):
            widespread[tally.group_id] += 1
    return {
        group_id: [
            Figure("questions_asked", "Questions asked", asked[group_id]),
            Figure("questions_answered", "Questions marked answered", answered[group_id]),
            Figure("questions_waiting", "Questions open for more than 72 hours", waiting[group_id]),
            Figure(
                "questions_widespread",
                f"Open questions seen at {request.k}+ schools",
                widespread[group_id],
            ),
        ]
        for group_id in request.group_ids
        if asked[group_id] or answered[group_id] or waiting[group_id]
    }


def engagement(request: DigestRequest) -> Mapping[int, list[int]]:
    since, _ = request.history_bounds()
    asked = [
        (tally.group_id, tally.created_at)
        for tally in question_digest.digest_tallies(
            request.connection, network_id=request.network.id, since=since
        )
        if tally.created_at >= since
    ]
    replies = question_digest.reply_times(
        request.connection, network_id=request.network.id, since=since
    )
    return request.weekly_counts(asked + replies)


SOURCE = DigestSource("questions", figures=figures, engagement=engagement)
