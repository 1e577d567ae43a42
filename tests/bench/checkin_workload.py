"""The check-in workload for `bench_commands`: a group of any size with an open round, and
answers to it — button presses and `checkin green|amber|red <note>` typed in the group's
channel — by random members; plus the framework floor the answers are compared with.

The group is seeded straight through `storage` in one transaction (20,000 members through
commands would take minutes and measure joining, not answering).
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table
from sqlalchemy.dialects.sqlite import insert

from bot.kernel.dispatcher import Core
from bot.kernel.events import Actor, ButtonPress, Command, Event, Place
from bot.parsing.names import name_key
from storage import checkins, directory, groups
from storage.engine import make_engine
from storage.groups import ChannelRecord
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
    """A group of `size` members (the first `LEADERS` lead it) linked to #bench-checkins, with a
    round open; returns the round's id."""
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
        round = checkins.open_round(
            ctx.connection,
            network_id=network.id,
            group_id=group.id,
            prompt="How confident do you feel teaching required practical 4?",
            opened_by=None,
            now=now,
            closes_at=None,
        )
    return round.id


def answers(count: int, size: int, round_id: int, rng: random.Random) -> list[Event]:
    """Half button presses, half typed answers with a note, by random non-leading members."""
    place = Place("console", WORKSPACE, channel=CHANNEL, channel_name=CHANNEL)
    events: list[Event] = []
    for _ in range(count):
        person = rng.randrange(LEADERS, size)
        actor = Actor("console", WORKSPACE, f"checkin-{person}", f"Checkin Teacher {person}")
        colour = rng.choice(COLOURS)
        if rng.random() < 0.5:
            events.append(ButtonPress(actor, place, "checkin.answer", f"{round_id}:{colour}"))
        else:
            events.append(Command(actor, place, f"checkin {colour} {rng.choice(NOTES)}"))
    return events


class Floor:
    """The least a framework can do to persist one answer: one upsert and a commit through
    SQLAlchemy Core, on a file SQLite database with our engine's settings."""

    def __init__(self, path: str) -> None:
        self.engine: Engine = make_engine(f"sqlite:///{path}")
        self.table = Table(
            "answer",
            MetaData(),
            Column("round_id", Integer, primary_key=True),
            Column("user_id", String, primary_key=True),
            Column("colour", String),
            Column("note", String),
        )
        self.table.metadata.create_all(self.engine)
        upsert = insert(self.table)
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
