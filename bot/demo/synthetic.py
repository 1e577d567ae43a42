"""Synthetic networks at trust scale, for demos and benchmarks: `staffroom demo generate`.

It generates a realistic year (or five) of activity — some groups thriving, some drifting, a
few gone stale, one school disengaging, quieter members in every group — and writes it straight
into the day counters, in bulk (`storage.synthetic`). Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Connection

from bot.parsing.names import name_key
from storage import directory, groups, networks, synthetic
from storage.synthetic import DayCount, NewMember, NewMembership

SUBJECTS = (
    "Chemistry",
    "Biology",
    "Physics",
    "Maths",
    "Further Maths",
    "English Literature",
    "English Language",
    "History",
    "Geography",
    "Computer Science",
    "French",
    "Spanish",
    "German",
    "Drama",
    "Music",
    "Art",
    "Design & Technology",
    "Economics",
    "Business",
    "Psychology",
    "Sociology",
    "Religious Studies",
    "Politics",
    "PE",
    "Media Studies",
    "Film Studies",
    "Classics",
    "Latin",
    "Statistics",
    "Law",
    "Philosophy",
    "Dance",
    "Photography",
    "Food & Nutrition",
    "Citizenship",
)
PASTORAL = (
    "SENCOs",
    "Early-career teachers",
    "Heads of Sixth Form",
    "Careers leads",
    "Safeguarding leads",
)
FIRST = (
    "Amy",
    "Ben",
    "Chloe",
    "Dan",
    "Ella",
    "Farid",
    "Gwen",
    "Hugo",
    "Isla",
    "Jamal",
    "Kate",
    "Liam",
    "Mei",
    "Nia",
    "Owen",
    "Priya",
    "Quentin",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vik",
    "Wren",
    "Yusuf",
    "Zara",
)
LAST = (
    "Adams",
    "Begum",
    "Clarke",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hussain",
    "Iqbal",
    "Jones",
    "Kaur",
    "Lewis",
    "Morgan",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Smith",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walsh",
    "Young",
    "Zhang",
)
PLACES = (
    "Ridgeway",
    "Harbour",
    "Castle Hill",
    "Oakwood",
    "Meadowbank",
    "Kingsmead",
    "Hillcrest",
    "Abbeyfield",
    "Northfield",
    "Riverside",
    "Westgate",
    "Ashford",
    "Beechwood",
    "Elmhurst",
    "Fairfield",
)
KINDS = ("Academy", "School", "College", "High School", "Sixth Form")
PROFILES = ("thriving", "steady", "steady", "steady", "drifting", "stale")


@dataclass(frozen=True, slots=True)
class GeneratedNetwork:
    network_id: int
    schools: int
    groups: int
    members: int
    activity_rows: int
    disengaging_school: str


def _group_names(count: int) -> list[str]:
    names: list[str] = []
    for subject in SUBJECTS:
        names += [f"A-level {subject}", f"GCSE {subject}"]
    names = list(PASTORAL) + names
    return names[:count]


def _school_names(count: int) -> list[str]:
    return [
        f"{PLACES[n % len(PLACES)]} {KINDS[(n // len(PLACES)) % len(KINDS)]}"
        + (f" {n // 75 + 2}" if n >= 75 else "")
        for n in range(count)
    ]


def generate_network(
    connection: Connection,
    *,
    name: str,
    schools: int,
    group_count: int,
    members: int,
    weeks: int,
    now: datetime,
    seed: int = 2026,
    timezone: str = "Europe/London",
    advance: Callable[[int, int], None] | None = None,
) -> GeneratedNetwork:
    """Create a network of that size with `weeks` of activity ending yesterday, telling
    `advance` (done, total) as the activity is made and written."""
    report = advance or _unobserved
    rng = random.Random(seed)
    start = now - timedelta(weeks=weeks)
    network = networks.create_network(connection, name=name, timezone=timezone, now=start)
    workspace = f"synthetic-{network.id}"
    networks.bind_workspace(
        connection, network_id=network.id, platform="console", external_id=workspace, now=start
    )
    school_ids = [
        directory.add_school(
            connection, network_id=network.id, name=school, name_key=name_key(school), now=start
        ).id
        for school in _school_names(schools)
    ]
    group_ids = [
        groups.create_group(
            connection,
            network_id=network.id,
            name=group,
            name_key=name_key(group),
            description="",
            now=start,
        ).id
        for group in _group_names(group_count)
    ]
    profiles = {group_id: rng.choice(PROFILES) for group_id in group_ids}
    added = synthetic.add_members(
        connection,
        network_id=network.id,
        members=[
            NewMember(
                display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                school_id=rng.choice(school_ids),
                is_facilitator=n < 2,
            )
            for n in range(members)
        ],
        platform="console",
        workspace=workspace,
        now=start,
    )
    memberships = []
    for m in added:
        for group_id in rng.sample(group_ids, k=min(len(group_ids), rng.choice((1, 1, 2, 2, 3)))):
            memberships.append((group_id, m.id, m.school_id))
    led: set[int] = set()  # each group's first member leads it
    rows = []
    for group_id, member_id, _ in memberships:
        role = groups.MEMBER_ROLE
        if group_id not in led:
            led.add(group_id)
            role = groups.LEADER
        late = rng.randint(0, max(weeks * 7 - 14, 1)) if rng.random() < 0.3 else 0
        rows.append(NewMembership(group_id, member_id, role, start + timedelta(days=late)))
    synthetic.add_memberships(connection, memberships=rows)
    quiet_school = school_ids[-1]
    today = now.date()
    # Inserted in day order, as a live network writes them.
    steps = 2 * len(memberships)  # making each membership's history, then writing it
    made = _activity(
        rng, memberships, profiles, today, weeks, quiet_school, lambda done: report(done, steps)
    )
    activity = sorted(made, key=lambda c: c.day)
    synthetic.add_day_counts(
        connection,
        network_id=network.id,
        counts=activity,
        advance=lambda written: report(
            len(memberships) + len(memberships) * written // max(len(activity), 1), steps
        ),
    )
    disengaging = _school_names(schools)[-1]
    return GeneratedNetwork(
        network.id, schools, len(group_ids), members, len(activity), disengaging
    )


def _activity(
    rng: random.Random,
    memberships: list[tuple[int, int, int]],
    profiles: dict[int, str],
    today: date,
    weeks: int,
    quiet_school: int,
    made: Callable[[int], None],
) -> list[DayCount]:
    days = weeks * 7
    rows: list[DayCount] = []
    for done, (group_id, member_id, school_id) in enumerate(memberships):
        if done % 100 == 0:
            made(done)
        profile = profiles[group_id]
        propensity = rng.choice((0.02, 0.05, 0.08, 0.12, 0.2))  # quieter and busier members
        for days_ago in range(1, days + 1):
            chance = propensity * _profile_factor(profile, days_ago)
            if school_id == quiet_school and days_ago <= 28:
                chance = 0.0
            if chance and rng.random() < chance:
                day = today - timedelta(days=days_ago)
                rows.append(DayCount(group_id, member_id, school_id, day, rng.randint(1, 5)))
    return rows


def _unobserved(done: int, total: int) -> None:
    """Progress nobody watches."""


def _profile_factor(profile: str, days_ago: int) -> float:
    weekly_rhythm = 0.3 if (days_ago % 7) in (0, 1) else 1.0  # quieter at weekends
    if profile == "thriving":
        return 1.6 * weekly_rhythm
    if profile == "drifting":
        return (0.3 if days_ago <= 35 else 1.0) * weekly_rhythm
    if profile == "stale":
        return 0.0 if days_ago <= 28 else 0.8 * weekly_rhythm
    return weekly_rhythm
