"""The demo network for `staffroom console --demo`: eleven schools, a dozen subject groups, a
facilitator, leaders and teachers, channels, eight weeks of activity history and three past
check-ins in A-level Chemistry — enough to try every feature without setting anything up."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import Connection

from bot.kernel.dispatcher import Core
from bot.kernel.events import Actor
from bot.network.roster import ensure_member
from bot.parsing.names import name_key
from storage import checkin_answers, checkins, directory, groups, networks, synthetic
from storage.groups import ChannelRecord
from storage.synthetic import DayCount

NETWORK_NAME = "Solent Schools Network"
CONSOLE = "console"

SCHOOLS = (
    "Ridgeway School",
    "Harbour Sixth Form College",
    "St Anne's Academy",
    "Northfield High",
    "Meadowbank School",
    "Castle Hill College",
    "Oakwood Academy",
    "Riverside Community School",
    "Kingsmead School",
    "Hillcrest Sixth Form",
    "Abbeyfield College",
)
GROUPS = (
    ("A-level Chemistry", "Practicals, moderation and results analysis"),
    ("A-level Biology", "Required practicals and exam technique"),
    ("A-level Physics", "Teaching mechanics and electricity well"),
    ("GCSE Maths", "Higher and foundation tiers, intervention ideas"),
    ("GCSE English", "Set texts, non-fiction writing, moderation"),
    ("GCSE Drama", "Devising, set texts and the written paper"),
    ("A-level History", "Coursework (NEA) and source analysis"),
    ("Computer Science", "Programming projects and the new specification"),
    ("Modern Languages", "Speaking exams and the revised GCSE"),
    ("Geography", "Fieldwork and the NEA"),
    ("SENCOs", "Inclusion, access arrangements, EHCPs"),
    ("Early-career teachers", "A friendly space for ECTs and their mentors"),
)
PEOPLE = (
    # name, school index, groups (indexes), leads (indexes)
    ("Tom Patel", 0, (0, 2), (0,)),
    ("Aisha Khan", 1, (0, 1), ()),
    ("Ben Carter", 2, (0,), ()),
    ("Chloe Evans", 3, (0, 11), ()),
    ("Dev Sharma", 4, (1,), (1,)),
    ("Ellie Morgan", 5, (1, 10), ()),
    ("Finn O'Brien", 6, (2,), (2,)),
    ("Grace Liu", 7, (3,), (3,)),
    ("Harry Wood", 8, (3, 11), ()),
    ("Isla Brown", 9, (4,), (4,)),
    ("Jack Turner", 10, (4, 6), ()),
    ("Kemi Adeyemi", 0, (5,), (5,)),
    ("Leo Fischer", 1, (7,), (7,)),
    ("Maya Singh", 2, (8,), (8,)),
    ("Noah Hughes", 3, (9,), (9,)),
    ("Olivia Price", 4, (10,), (10,)),
    ("Priya Nair", 5, (11,), (11,)),
    ("Rosa Martinez", 6, (6,), (6,)),
    ("Sam Jones", 7, (0, 3), ()),
    ("Tara Quinn", 8, (1, 2), ()),
    ("Umar Farooq", 9, (3, 7), ()),
    ("Vera Novak", 10, (8, 4), ()),
    ("Will Foster", 1, (2, 9), ()),
    ("Zoe Clarke", 3, (5, 11), ()),
)
# More teachers, spread over the groups, so groups are big enough for figures to show.
MORE_TEACHERS = (
    "Alex Reed",
    "Bea Holt",
    "Cal Murray",
    "Dina Shah",
    "Ed Lowe",
    "Faye Kerr",
    "Gus Patel",
    "Hana Ito",
    "Ivan Petrov",
    "Jo Marsh",
    "Kit Ross",
    "Lena Berg",
    "Mo Adeyemi",
    "Nate Cole",
    "Orla Byrne",
    "Pat Dunn",
    "Raj Mehta",
    "Sara Lind",
    "Theo Grant",
    "Una Walsh",
    "Vic Hale",
    "Wes Ford",
    "Xena Park",
    "Yara Haddad",
    "Zac Moss",
    "Amir Saleh",
    "Bella Cruz",
    "Cory Lang",
    "Dee Okoro",
    "Eli Stone",
    "Flo Ward",
    "Gil Avery",
    "Holly Nash",
    "Ian Frost",
    "Jas Gill",
    "Kai Wong",
)
FACILITATOR = ("Fran Hughes", 1)
ESTABLISHED_FOR = timedelta(weeks=12)


def channel_name(group: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in group.lower()).strip("-").replace("--", "-")


def seed_demo(connection: Connection, today: datetime, timezone: str = "Europe/London") -> None:
    """Create the demo network in an empty database bound to the console workspace.

    Its groups and people date from a term ago, so the digest sees an established network.
    """
    now = today - ESTABLISHED_FOR
    network = networks.create_network(connection, name=NETWORK_NAME, timezone=timezone, now=now)
    networks.bind_workspace(
        connection, network_id=network.id, platform=CONSOLE, external_id=CONSOLE, now=now
    )
    school_ids = [
        directory.add_school(
            connection, network_id=network.id, name=name, name_key=name_key(name), now=now
        ).id
        for name in SCHOOLS
    ]
    group_ids = []
    for name, description in GROUPS:
        group = groups.create_group(
            connection,
            network_id=network.id,
            name=name,
            name_key=name_key(name),
            description=description,
            now=now,
        )
        groups.link_channel(
            connection,
            group_id=group.id,
            channel=ChannelRecord(CONSOLE, CONSOLE, channel_name(name), channel_name(name)),
            now=now,
        )
        group_ids.append(group.id)
    name, school = FACILITATOR
    facilitator, _ = ensure_member(
        connection, network, _actor(name), now, school_id=school_ids[school]
    )
    directory.set_facilitator(connection, member_id=facilitator.id, is_facilitator=True)
    rng = random.Random(2026)
    chemistry: list[int] = []
    history: list[DayCount] = []
    for name, school, roles in _cast(len(school_ids), len(group_ids)):
        member, _ = ensure_member(
            connection, network, _actor(name), now, school_id=school_ids[school]
        )
        for index, role in roles:
            if index == 0:
                chemistry.append(member.id)
            groups.add_membership(
                connection, group_id=group_ids[index], member_id=member.id, role=role, now=now
            )
            history += _history(
                rng, group_ids[index], member.id, school_ids[school], today, drifting=index == 9
            )
    # One statement for the lot: the console's first start waits for it.
    synthetic.add_day_counts(connection, network_id=network.id, counts=history)
    _checkin_history(connection, network.id, group_ids[0], chemistry, today)


def _cast(schools: int, group_count: int) -> list[tuple[str, int, list[tuple[int, str]]]]:
    """Everyone but the facilitator: (name, school index, [(group index, role)])."""
    named = [
        (name, school, [(i, groups.LEADER if i in leads else groups.MEMBER_ROLE) for i in joined])
        for name, school, joined, leads in PEOPLE
    ]
    more = [
        (
            name,
            n % schools,
            [(i, groups.MEMBER_ROLE) for i in sorted({n % group_count, (n * 5 + 3) % group_count})],
        )
        for n, name in enumerate(MORE_TEACHERS)
    ]
    return named + more


CHECKIN_HISTORY = (
    ("How confident do you feel teaching moles?", "rragg"),
    ("How are the required practicals going?", "raagg"),
    ("Ready to mark the mock papers?", "aaggg"),
)


def _checkin_history(
    connection: Connection, network_id: int, group_id: int, members: list[int], now: datetime
) -> None:
    """Three weekly check-ins in A-level Chemistry, closed, for `checkin history` to show."""
    colours = {"g": "green", "a": "amber", "r": "red"}
    for weeks_ago, (prompt, answers) in zip((3, 2, 1), CHECKIN_HISTORY, strict=True):
        opened = now - timedelta(weeks=weeks_ago)
        round = checkins.open_round(
            connection,
            network_id=network_id,
            group_id=group_id,
            prompt=prompt,
            opened_by=members[0],
            now=opened,
            closes_at=opened + timedelta(days=2),
        )
        for member_id, colour in zip(members, answers, strict=False):
            checkin_answers.save_answer(
                connection,
                round_id=round.id,
                member_id=member_id,
                colour=colours[colour],
                note=None,
                anonymous=False,
                now=opened + timedelta(hours=1),
            )
        checkins.close_round(connection, round_id=round.id, now=opened + timedelta(days=2))


def _actor(name: str) -> Actor:
    user_id = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return Actor(CONSOLE, CONSOLE, user_id, name)


def _history(
    rng: random.Random,
    group_id: int,
    member_id: int,
    school_id: int,
    now: datetime,
    *,
    drifting: bool,
) -> list[DayCount]:
    """Eight weeks of message counts; a drifting group's activity fades in the last weeks."""
    counts = []
    for days_ago in range(1, 57):
        chance = 0.4 * days_ago / 56 if drifting else 0.35
        if rng.random() < chance:
            day = (now - timedelta(days=days_ago)).date()
            counts.append(DayCount(group_id, member_id, school_id, day, rng.randint(1, 4)))
    return counts


def ensure_demo(core: Core) -> bool:
    """Seed the demo network unless the console workspace already has one; True if seeded."""
    with core.transaction() as ctx:
        if core.network_for(ctx.connection, CONSOLE, CONSOLE) is not None:
            return False
        seed_demo(ctx.connection, ctx.now, core.config.default_timezone)
    core.forget_networks()
    return True
