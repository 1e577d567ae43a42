"""Meetings in the weekly digest: per group, sessions held, who came (hidden below k people)
and from how many schools, reflections written; RSVPs and reflections as engagement; and the
highlights members chose to share, advertised without their names."""

from __future__ import annotations

from collections.abc import Mapping

from bot.digests.model import DigestRequest, DigestSource, Figure
from bot.privacy.suppression import suppress_small_counts
from storage import reflections


def figures(request: DigestRequest) -> Mapping[int, list[Figure]]:
    since, until = request.week.bounds(request.zone)
    if request.now is not None:
        until = min(until, request.now)  # sessions later this week have not been held yet
    found: dict[int, list[Figure]] = {}
    for group in reflections.attendance_by_group(
        request.connection, network_id=request.network.id, since=since, until=until
    ):
        if group.group_id not in request.group_ids:
            continue
        going = suppress_small_counts({"going": group.going}, k=request.k)
        came = suppress_small_counts(
            {"attended": group.attended, "reflections": group.reflections},
            k=request.k,
            population=group.attended,
        )
        found[group.group_id] = [
            Figure("meetings_held", "Meetings held", group.sessions),
            Figure("meetings_going", "Said they would come", going.get("going"), people=True),
            Figure("meetings_attended", "Said they attended", came.get("attended"), people=True),
            Figure(
                "meetings_schools",
                "Schools at meetings",
                group.attended_schools if came.visible and group.attended_schools > 1 else None,
            ),
            Figure("reflections", "Reflections written", came.get("reflections")),
        ]
    return found


def engagement(request: DigestRequest) -> Mapping[int, list[int]]:
    """Each 'going' and each reflection is one engagement, in the week of its session."""
    since, until = request.history_bounds()
    sessions = reflections.attendance(
        request.connection, network_id=request.network.id, since=since, until=until
    )
    return request.weekly_counts(
        (s.group_id, s.starts_at) for s in sessions for _ in range(s.going + s.reflections)
    )


def highlights(request: DigestRequest) -> list[str]:
    since, until = request.week.bounds(request.zone)
    shared = reflections.highlights(
        request.connection, network_id=request.network.id, since=since, until=until
    )
    return [
        f"**{h.group_name}** ({h.meeting_title}): {h.achieved}"
        + (f" — for students: {h.benefit}" if h.benefit else "")
        for h in shared
        if h.group_id in request.group_ids
    ]


SOURCE = DigestSource("meetings", figures=figures, engagement=engagement, highlights=highlights)
