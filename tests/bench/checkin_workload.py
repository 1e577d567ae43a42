"""The check-in workload for `bench_commands`: a group of any size, rounds opened one after
another, and each member's answer to each round — a button press or `checkin green|amber|red
<note>` typed in the group's channel; plus the framework floor the answers are compared with.
Every answer is a member's first to its round, so groups of every size do the same work.

The group is seeded straight through `storage` in one transaction (20,000 members through
commands would take minutes and measure joining, not answering).
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert

from bot.kernel.dispatcher import Core
from bot.kernel.events import Actor, ButtonPress, Command, Event, Place
from bot.parsing.names import name_key
from storage import checkins, directory, groups
from storage.engine import make_engine
from storage.groups import GROUP, ChannelRecord
from storage.uow import unit_of_work

WORKSPACE = "console"
CHANNEL = "bench-checkins"
COLOURS = ("green", "green", "amber", "amber", "red")  # about one answer in five asks for help
NOTES = (
    "Struggling with the practical write-up",
    "Fine once I had the mark scheme",
    "Could someone share their scheme of work?",
    "Set 3 found it hard",
)
LEADERS = 3


def seed_group(core: Core, size: int, now: datetime) -> int:
    """A group of `size` members (the first `LEADERS` lead it) linked to #bench-checkins;
    returns its id."""
    with core.transaction() as ctx:
        network = core.network_for(ctx.connection, "console", WORKSPACE)
        assert network is not None, "seed the demo network first"
        group = groups.create_group(
            ctx.connection,
            network_id=network.id,
            name=f"Bench {size}",
            name_key=name_key(f"Bench {size}"),
            description="",
            now=now,
        )
        groups.link_channel(
            ctx.connection,
            group_id=group.id,
            channel=ChannelRecord("console", WORKSPACE, CHANNEL, CHANNEL),
            now=now,
        )
        school_ids = [s.id for s in directory.list_schools(ctx.connection, network_id=network.id)]
        for person in range(size):
            member_id = directory.create_member(
                ctx.connection,
                network_id=network.id,
                display_name=f"Checkin Teacher {person}",
                now=now,
                school_id=school_ids[person % len(school_ids)],
            )
            directory.add_identity(
                ctx.connection,
                member_id=member_id,
                platform="console",
                workspace=WORKSPACE,
                user_id=f"checkin-{person}",
                now=now,
            )
            groups.add_membership(
                ctx.connection,
                group_id=group.id,
                member_id=member_id,
                role=groups.LEADER if person < LEADERS else groups.MEMBER_ROLE,
                now=now,
            )
    return group.id


def next_round(core: Core, group_id: int, now: datetime) -> int:
    """Close the group's open round (if any) and open the next; returns its id."""
    with core.transaction() as ctx:
        current = checkins.open_round_of_group(ctx.connection, group_id=group_id)
        if current is not None:
            checkins.close_round(ctx.connection, round_id=current.id, now=now)
        network = ctx.connection.execute(
            select(GROUP.c.network_id).where(GROUP.c.id == group_id)
        ).scalar_one()
        round = checkins.open_round(
            ctx.connection,
            network_id=network,
            group_id=group_id,
            prompt="How confident do you feel teaching required practical 4?",
            opened_by=None,
            now=now,
            closes_at=None,
        )
    return round.id


def answers(size: int, round_id: int, rng: random.Random, *, limit: int) -> list[Event]:
    """One round's answers: each member who does not lead the group answers once, in a random
    order (at most `limit` of them) — half by button, half typed with a note."""
    place = Place("console", WORKSPACE, channel=CHANNEL, channel_name=CHANNEL)
    people = list(range(LEADERS, size))
    rng.shuffle(people)
    events: list[Event] = []
    for person in people[:limit]:
        actor = Actor("console", WORKSPACE, f"checkin-{person}", f"Checkin Teacher {person}")
        colour = rng.choice(COLOURS)
        if rng.random() < 0.5:
            events.append(ButtonPress(actor, place, "checkin.answer", f"{round_id}:{colour}"))
        else:
            events.append(Command(actor, place, f"checkin {colour} {rng.choice(NOTES)}"))
    return events


class Floor:
    """The least a framework can do to persist one answer: one upsert and a commit through
    SQLAlchemy Core, on the same kind of database with our engine's settings."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        self.table = Table(
            "answer",
            MetaData(),
            Column("round_id", Integer, primary_key=True),
            Column("user_id", String, primary_key=True),
            Column("colour", String),
            Column("note", String),
        )
        self.table.metadata.create_all(self.engine)
        postgres = self.engine.dialect.name == "postgresql"
        upsert = (pg_insert if postgres else insert)(self.table)
        self.statement = upsert.on_conflict_do_update(
            index_elements=["round_id", "user_id"],
            set_={"colour": upsert.excluded.colour, "note": upsert.excluded.note},
        )

    def answer(self, event: Event) -> None:
        colour, note = "", ""
        if isinstance(event, Command):
            _, colour, note = event.text.split(" ", 2)
        elif isinstance(event, ButtonPress):
            colour = event.value.partition(":")[2]
        with unit_of_work(self.engine) as connection:
            connection.execute(
                self.statement,
                {"round_id": 1, "user_id": event.actor.user_id, "colour": colour, "note": note},
            )
