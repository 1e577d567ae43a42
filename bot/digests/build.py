"""Building a digest: one week's figures for a network (or some of its groups), with health,
disengaging schools and, for leaders, the quieter members of their own groups.

It reads eight weeks of day counters once and works from those. Every figure about people
passes `suppress_small_counts` here, once, so no renderer can show what it should not — the
eight-week series behind the chart and the health evidence included.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.digests.health import classify
from bot.digests.model import (
    HISTORY_WEEKS,
    DigestRequest,
    DigestSource,
    Figure,
    GroupDigest,
    NetworkDigest,
    SchoolFlag,
)
from bot.digests.weeks import Week
from bot.privacy.suppression import enough_people, suppress_small_counts
from storage import digests as store
from storage.digests import ActivityRow
from storage.networks import NetworkRecord

DISENGAGED_AFTER = timedelta(weeks=3)
QUIET_FOR = timedelta(weeks=4)
NEWCOMER_FOR = timedelta(weeks=2)


def build_digest(
    connection: Connection,
    network: NetworkRecord,
    week: Week,
    *,
    sources: Sequence[DigestSource] = (),
    group_ids: Iterable[int] | None = None,
    with_quieter_members: bool = False,
    now: datetime | None = None,
) -> NetworkDigest:
    """The digest of `week` for the whole network, or only for `group_ids` (a leader's)."""
    k = network.k_threshold
    wanted = set(group_ids) if group_ids is not None else None
    groups = [
        g
        for g in store.live_groups(connection, network_id=network.id)
        if wanted is None or g.id in wanted
    ]
    weeks = tuple(week.shifted(offset) for offset in range(-(HISTORY_WEEKS - 1), 1))
    history = [
        row
        for row in store.activity_rows(
            connection, network_id=network.id, first=weeks[0].first, last=week.last
        )
        if wanted is None or row.group_id in wanted
    ]
    by_week: dict[Week, list[ActivityRow]] = defaultdict(list)
    for row in history:
        by_week[Week.containing(row.day)].append(row)
    weekly = _weekly_engagement(history, weeks)
    request = DigestRequest(
        connection, network, week, ZoneInfo(network.timezone), tuple(g.id for g in groups), now
    )
    extra: dict[int, list[Figure]] = defaultdict(list)
    for source in sources:
        for group_id, figures in source.figures(request).items():
            extra[group_id].extend(figures)
        if source.engagement is not None:
            for group_id, counts in source.engagement(request).items():
                weekly[group_id] = [a + b for a, b in zip(weekly[group_id], counts, strict=True)]
    quieter = (
        _quieter_members(connection, history, week, [g.id for g in groups])
        if with_quieter_members
        else {}
    )
    this_week = _by_group(by_week[week])
    eight_weeks = _by_group(history)
    group_digests = []
    for group in groups:
        rows = this_week.get(group.id, [])
        group_history = eight_weeks.get(group.id, [])
        health, evidence = classify(
            created_on=group.created_on, week_last_day=week.last, weekly=weekly[group.id]
        )
        if not enough_people(len({row.member_id for row in group_history}), k=k):
            evidence = f"fewer than {k} members active in 8 weeks, so no figures are shown"
        active, schools, messages = _people_figures(rows, k)
        group_digests.append(
            GroupDigest(
                group_id=group.id,
                name=group.name,
                health=health,
                evidence=evidence,
                members=group.members,
                active_members=active,
                schools=schools,
                messages=messages,
                weekly_engagement=_shown_series(weekly[group.id], group_history, weeks, k),
                figures=tuple(extra.get(group.id, ())),
                quieter=tuple(quieter.get(group.id, ())),
            )
        )
    group_digests.sort(key=lambda g: (-(g.weekly_engagement[-1] or 0), g.name.casefold()))
    active, active_schools, messages = _people_figures(by_week[week], k)
    active_before, schools_before, _ = _people_figures(by_week[week.shifted(-1)], k)
    school_list = store.schools_with_members(connection, network_id=network.id)
    return NetworkDigest(
        network=network.name,
        week=week,
        k=k,
        active_members=active,
        active_members_before=active_before,
        active_schools=active_schools,
        active_schools_before=schools_before,
        schools_total=sum(1 for school in school_list if school.members),
        messages=messages,
        groups=tuple(group_digests),
        disengaging=_disengaging(connection, network, week, school_list) if wanted is None else (),
        highlights=tuple(
            h for source in sources if source.highlights for h in source.highlights(request)
        ),
        weeks=weeks,
    )


def _by_group(rows: Iterable[ActivityRow]) -> dict[int, list[ActivityRow]]:
    grouped: dict[int, list[ActivityRow]] = defaultdict(list)
    for row in rows:
        grouped[row.group_id].append(row)
    return grouped


def _weekly_engagement(
    history: Sequence[ActivityRow], weeks: Sequence[Week]
) -> dict[int, list[int]]:
    index = {week: position for position, week in enumerate(weeks)}
    weekly: dict[int, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for row in history:
        weekly[row.group_id][index[Week.containing(row.day)]] += row.messages
    return weekly


def _shown_series(
    counts: Sequence[int], history: Sequence[ActivityRow], weeks: Sequence[Week], k: int
) -> tuple[int | None, ...]:
    """The eight-week series as it may be shown: a week with fewer than k active members is
    hidden (None), since its count would describe those few people."""
    people: dict[Week, set[int]] = defaultdict(set)
    for row in history:
        people[Week.containing(row.day)].add(row.member_id)
    return tuple(
        count if enough_people(len(people[week]), k=k) or count == 0 else None
        for week, count in zip(weeks, counts, strict=True)
    )


def _people_figures(rows: Sequence[ActivityRow], k: int) -> tuple[Figure, Figure, Figure]:
    """Active members, schools taking part and messages — hidden together below k people."""
    people = {row.member_id for row in rows}
    schools = {row.school_id for row in rows if row.school_id is not None}
    counts = suppress_small_counts(
        {"active": len(people), "schools": len(schools), "messages": sum(r.messages for r in rows)},
        k=k,
        population=len(people),
    )
    # A count of one school would say that all of it came from a single school.
    return (
        Figure("active_members", "Members active in channels", counts.get("active"), people=True),
        Figure(
            "schools", "Schools taking part", counts.get("schools") if len(schools) > 1 else None
        ),
        Figure("messages", "Messages", counts.get("messages")),
    )


def _disengaging(
    connection: Connection,
    network: NetworkRecord,
    week: Week,
    school_list: Sequence[store.SchoolInfo],
) -> tuple[SchoolFlag, ...]:
    """Schools with members but no activity in the last three weeks."""
    window_first = week.shifted(-(HISTORY_WEEKS - 1)).first
    last_seen = store.last_active_day_by_school(
        connection, network_id=network.id, first=window_first, last=week.last
    )
    cutoff = week.last - DISENGAGED_AFTER
    return tuple(
        SchoolFlag(school.name, last_seen.get(school.id))
        for school in school_list
        if school.members and (last_seen.get(school.id) or date.min) <= cutoff
    )


def _quieter_members(
    connection: Connection, history: Sequence[ActivityRow], week: Week, group_ids: list[int]
) -> dict[int, list[str]]:
    """Per group, members with no activity in four weeks who aren't newcomers."""
    since = week.last - QUIET_FOR + timedelta(days=1)
    active = {(row.group_id, row.member_id) for row in history if row.day >= since}
    joined = store.joined_on(connection, group_ids=group_ids)
    quieter: dict[int, list[str]] = {}
    for group_id, members in store.members_of_groups(connection, group_ids=group_ids).items():
        quieter[group_id] = [
            f"{name} ({school})" if school else name
            for member_id, name, school in members
            if (group_id, member_id) not in active
            and week.last - joined.get((group_id, member_id), week.last) >= NEWCOMER_FOR
        ]
    return quieter
