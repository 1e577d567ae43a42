"""Meetings in the weekly digest: per group, sessions held, who came (hidden below k people)
and from how many schools, reflections written; RSVPs and reflections as engagement; and the
highlights members chose to share, advertised without their names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from bot.digests.model import DigestRequest, DigestSource, Figure
from bot.suppression import suppress_small_counts
from storage import reflections


def figures(request: DigestRequest) -> Mapping[int, list[Figure]]:
    since, until = request.week.bounds(request.zone)
    held: dict[int, list[reflections.SessionAttendance]] = defaultdict(list)
    for session in reflections.attendance(
        request.connection, network_id=request.network.id, since=since, until=until
    ):
        held[session.group_id].append(session)
    found: dict[int, list[Figure]] = {}
    for group_id, sessions in held.items():
        if group_id not in request.group_ids:
            continue
        attended = sum(s.attended for s in sessions)
        going = suppress_small_counts({"going": sum(s.going for s in sessions)}, k=request.k)
        counts = suppress_small_counts(
            {
                "attended": attended,
                "schools": sum(s.attended_schools for s in sessions),
                "reflections": sum(s.reflections for s in sessions),
            },
            k=request.k,
            population=attended,
        )
        found[group_id] = [
            Figure("meetings_held", "Meetings held", len(sessions)),
            Figure("meetings_going", "Said they would come", going.get("going"), people=True),
            Figure("meetings_attended", "Said they attended", counts.get("attended"), people=True),
            Figure("meetings_schools", "Schools at meetings", counts.get("schools")),
            Figure("reflections", "Reflections written", counts.get("reflections")),
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
