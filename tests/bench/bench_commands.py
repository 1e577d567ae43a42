"""Benchmark: write commands through the core on a file-backed SQLite database (or a fresh
PostgreSQL database), each a real SQL transaction, printing commands/s, p50/p99 latency, CPU
and SQL statements per command (counted over a fifth more commands run after the timed ones:
counting costs each statement a call into Python), and peak memory.

    uv run python -m tests.bench.bench_commands [--commands 20000] [--all-cores]
    uv run python -m tests.bench.bench_commands --workload checkin --commands 3000 \
        --group-sizes 20,200,2000,20000 [--answers-per-minute 200] \
        [--postgres postgresql://postgres@127.0.0.1/test]

Goals: the mix at least 3,000 commands/s with p99 under 5 ms on one core (issue 2); a
check-in answer at least twice errbot's throughput with a lower p99, and a red answer in a
group of 20,000 within 1.3× of one in a group of 20 (issue 14). The check-in run moves the
bot's clock on a minute every `--answers-per-minute` answers and runs the timers that fall
due beside them (the round's counts and the leaders' notices are sent on the minute), and
measures, in the same run, the framework floor: one upsert and a commit through SQLAlchemy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import event as sql_event

from bot.app import Staffroom, build
from bot.delivery.clock import ManualClock
from bot.delivery.scheduler import CHECKPOINT_EVERY_SECONDS, run_next_timer
from bot.demo.demo_network import GROUPS, SCHOOLS, channel_name, ensure_demo
from bot.kernel.events import Actor, ChannelActivity, Command, Event, Place
from bot.runtime import event_loop
from bot.runtime.config import Settings
from bot.runtime.db_threads import DatabaseThreads
from storage import migrate
from storage.engine import make_engine
from tests.bench.checkin_workload import Floor, next_round, seed_group
from tests.bench.checkin_workload import answers as checkin_answers
from tests.bench.databases import fresh_postgres

WORKSPACE = "console"
START = datetime(2026, 11, 23, 9, tzinfo=UTC)


def workload(count: int, people: int, rng: random.Random) -> list[Event]:
    """Channel activity, joins, leaves, school changes and leader edits, in realistic shares."""
    events: list[Event] = []
    at = datetime(2026, 11, 23, 9, tzinfo=UTC)
    for _ in range(count):
        person = rng.randrange(people)
        actor = Actor("console", WORKSPACE, f"bench-{person}", f"Bench Teacher {person}")
        group = rng.choice(GROUPS)[0]
        place = Place(
            "console", WORKSPACE, channel=channel_name(group), channel_name=channel_name(group)
        )
        roll = rng.random()
        if roll < 0.40:
            events.append(ChannelActivity(actor, place, at))
        elif roll < 0.65:
            events.append(Command(actor, place, f"join {group}"))
        elif roll < 0.85:
            events.append(Command(actor, place, f"leave {group}"))
        else:
            events.append(Command(actor, place, f"school {rng.choice(SCHOOLS)}"))
    return events


@dataclass
class Measured:
    commands: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float  # the whole process's: on a machine others share, steadier than time

    def __add__(self, other: Measured) -> Measured:
        return Measured(
            self.commands + other.commands,
            self.seconds + other.seconds,
            self.latencies + other.latencies,
            self.cpu_seconds + other.cpu_seconds,
        )

    def report(self, label: str, statements: float | None) -> None:
        """Print the figures, with `statements` per command from `StatementCounter`."""
        self.latencies.sort()
        p50 = statistics.median(self.latencies) * 1000
        p99 = self.latencies[int(len(self.latencies) * 0.99)] * 1000
        print(
            f"{label}: {self.commands / self.seconds:,.0f} commands/s, p50 {p50:.2f} ms, "
            f"p99 {p99:.2f} ms, CPU {self.cpu_seconds / self.commands * 1000:.2f} ms/command"
            + (
                f", {statements:.1f} SQL statements/command"
                if statements is not None
                else " (SQL statements: see the SQLite run; the same code issues the same ones)"
            )
        )


# What SQLite runs besides the work itself: the unit of work's own statements.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")


class StatementCounter:
    """The SQL statements the database runs, whoever issues them (SQLAlchemy or
    `storage.prepared` on the driver's cursor, commands or timers), counted only in
    `per_command`: SQLite reports each one to a trace callback, a call into Python for every
    statement (about 5% of a check-in answer), which the timed commands — and errbot's, which
    have no such hook — do not pay. Make it before the first command: it learns each
    connection as it is first checked out (the database thread then keeps its own).
    PostgreSQL has no such hook without `pg_stat_statements` preloaded, so there it counts
    nothing and the report says the figure is SQLite's."""

    def __init__(self, engine: Engine) -> None:
        self.traces = engine.dialect.name == "sqlite"
        self.statements = 0
        self._connections: list[Any] = []
        self._on = False
        if self.traces:
            sql_event.listen(engine, "checkout", self._checked_out)

    def _checked_out(self, dbapi_connection: Any, *_: object) -> None:
        if all(known is not dbapi_connection for known in self._connections):
            self._connections.append(dbapi_connection)
            if self._on:
                dbapi_connection.set_trace_callback(self._one_more)

    def _one_more(self, statement: str) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.statements += 1

    async def per_command(
        self, handle: Callable[[Event], Awaitable[object]], events: list[Event]
    ) -> float | None:
        """Statements per command over `events`, handled one at a time and not timed."""
        if not self.traces:
            return None
        self._on, before = True, self.statements
        for connection in self._connections:
            connection.set_trace_callback(self._one_more)
        try:
            for event in events:
                await handle(event)
        finally:
            self._on = False
            for connection in self._connections:
                connection.set_trace_callback(None)
        return (self.statements - before) / len(events)


def _counted(timed: int) -> int:
    """How many more commands are run, untimed, to count their statements."""
    return max(timed // 5, 200)


async def measure(
    handle: Callable[[Event], Awaitable[object]], events: list[Event], concurrency: int
) -> Measured:
    latencies: list[float] = []
    queue = iter(events)

    async def person_at_keyboard() -> None:
        for event in queue:
            t0 = time.perf_counter()
            await handle(event)
            latencies.append(time.perf_counter() - t0)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(person_at_keyboard() for _ in range(concurrency)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Measured(len(events), elapsed, latencies, cpu)


@contextmanager
def database(name: str, postgres: str | None) -> Iterator[tuple[str, Path]]:
    """A new database (a SQLite file, or a fresh database on the PostgreSQL server) and a
    folder for the files that go with it."""
    with tempfile.TemporaryDirectory() as folder:
        if postgres is None:
            yield f"sqlite:///{Path(folder) / name}", Path(folder)
        else:
            with fresh_postgres(postgres) as url:
                engine = make_engine(url)
                migrate.upgrade(engine)  # the bot migrates only SQLite files itself
                engine.dispose()
                yield url, Path(folder)


def build_bot(url: str, folder: Path) -> Staffroom:
    settings = Settings(
        database_url=url,
        secret="benchmark-secret-0123456789",
        secret_file=folder / "s",
    )
    app = build(settings, clock=ManualClock(START))
    ensure_demo(app.core)
    return app


@asynccontextmanager
async def minutes_passing(
    app: Staffroom, per_minute: int
) -> AsyncIterator[Callable[[Event], Awaitable[object]]]:
    """Answers with the bot's clock a minute further on every `per_minute` of them, and the
    heartbeat's timer pass running beside them on the database thread (every 50 ms here):
    what a minute's answers change — the round's counts, the leaders' notices — is sent by the
    round's timer, so its work is measured with the answers'. (Delivery to the platform is
    left out, as everywhere in this benchmark.)"""
    core = app.core
    clock = core.clock
    assert isinstance(clock, ManualClock)
    step = timedelta(minutes=1) / per_minute

    async def answer(event: Event) -> object:
        clock.advance(step)
        return await core.handle(event)

    async def timer_passes() -> None:
        while True:
            await asyncio.sleep(0.05)
            now = clock.now()
            while await core.run_in_db(run_next_timer, core, now) is not None:
                pass

    task = asyncio.create_task(timer_passes())
    try:
        yield answer
    finally:
        task.cancel()


@asynccontextmanager
async def checkpointing(app: Staffroom) -> AsyncIterator[None]:
    """What the running bot's heartbeat does beside the commands: fold SQLite's WAL into the
    file every second on a thread of its own (timers and deliveries are left out: the
    benchmark measures commands)."""

    async def every_second() -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_EVERY_SECONDS)
            await app.heartbeat.checkpoint_pass()

    task = asyncio.create_task(every_second())
    try:
        yield
    finally:
        task.cancel()


async def run_mix(count: int, people: int, concurrency: int, postgres: str | None) -> None:
    with database("bench.db", postgres) as (url, folder):
        app = build_bot(url, folder)
        core = app.core
        counter = StatementCounter(core.engine)  # before the database thread's connection
        rng = random.Random(7)
        setup = [
            Command(
                Actor("console", WORKSPACE, f"bench-{p}", f"Bench Teacher {p}"),
                Place("console", WORKSPACE, "general"),
                f"school {rng.choice(SCHOOLS)}",
            )
            for p in range(people)
        ]
        for first in setup:
            await core.handle(first)
        events = workload(count, people, rng)
        for event in events[:500]:  # warm-up: caches, statement compilation
            await core.handle(event)
        async with checkpointing(app):
            measured = await measure(core.handle, events, concurrency)
            statements = await counter.per_command(
                core.handle, workload(_counted(count), people, rng)
            )
        core.close()
    print(
        f"commands: {count} ({people} people, 12 groups, {concurrency} in flight, "
        f"{'PostgreSQL' if postgres else 'file-backed SQLite'}, one transaction each)"
    )
    measured.report("mix", statements)


async def run_checkins(
    count: int,
    sizes: list[int],
    concurrency: int,
    floor: bool,
    postgres: str | None,
    per_minute: int,
) -> None:
    """Answers in groups of each size, each followed by the framework floor answering the same
    events on the same disk, each in its own database."""
    print(
        f"check-in answers: {count} per group size, every member answering each round once, "
        f"half by button and half `checkin <colour> <note>`, {concurrency} in flight, "
        f"{per_minute} a minute with the minute's timers run, "
        f"{'PostgreSQL' if postgres else 'file-backed SQLite'}"
    )
    for size in sizes:
        with database("bench.db", postgres) as (url, folder):
            app = build_bot(url, folder)
            core = app.core
            counter = StatementCounter(core.engine)  # before the database thread's connection
            group_id = seed_group(core, size, START)
            rng = random.Random(size)
            round_id = next_round(core, group_id, START)
            for event in checkin_answers(size, round_id, rng, limit=200):  # warm-up
                await core.handle(event)
            measured = Measured(0, 0.0, [], 0.0)
            events: list[Event] = []
            async with checkpointing(app), minutes_passing(app, per_minute) as answer:
                while measured.commands < count:
                    round_id = next_round(core, group_id, core.clock.now())
                    batch = checkin_answers(size, round_id, rng, limit=count - measured.commands)
                    measured += await measure(answer, batch, concurrency)
                    events += batch
                # Counted as they came: the same rounds go on, their minutes' timers beside.
                counted: list[Event] = []
                while len(counted) < _counted(count):
                    round_id = next_round(core, group_id, core.clock.now())
                    counted += checkin_answers(
                        size, round_id, rng, limit=_counted(count) - len(counted)
                    )
                statements = await counter.per_command(answer, counted)
            core.close()
        measured.report(f"group of {size:>6,}", statements)
        if floor:
            await run_floor(events, postgres)


async def run_floor(events: list[Event], postgres: str | None) -> None:
    with database("floor.db", postgres) as (url, _):
        threads = DatabaseThreads(1)
        floor = Floor(url)
        counter = StatementCounter(floor.engine)

        async def handle(event: Event) -> None:
            await threads.run(floor.answer, event)

        for event in events[:200]:
            await handle(event)
        measured = await measure(handle, events, 1)
        statements = await counter.per_command(handle, events[: _counted(len(events))])
        threads.close()
    measured.report("  floor (one upsert + commit, same thread hand-off)", statements)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=1, help="commands in flight at once")
    parser.add_argument(
        "--workload",
        choices=("mix", "checkin"),
        default="mix",
        help="mix: joins, leaves, school changes, activity; checkin: answers to an open round",
    )
    parser.add_argument(
        "--group-sizes",
        default="200",
        help="checkin: comma-separated group sizes to sweep, e.g. 20,200,2000,20000",
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="run on a fresh database on this PostgreSQL server instead of a SQLite file",
    )
    parser.add_argument("--no-floor", action="store_true", help="checkin: skip the framework floor")
    parser.add_argument(
        "--answers-per-minute",
        type=int,
        default=200,
        help="checkin: answers in each minute of the bot's clock (each minute's timers run)",
    )
    parser.add_argument(
        "--all-cores",
        action="store_true",
        help="do not pin the process to one CPU (the goal is per core)",
    )
    arguments = parser.parse_args()
    if not arguments.all_cores:
        # The event loop and the database thread hand work to each other for every command;
        # on one core that hand-off is cheap, across cores it costs ~100 µs more.
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cores = len(os.sched_getaffinity(0))
    print(f"cpus used: {cores}")
    # The bot's own event loop (`bot.runtime.event_loop`): the hand-off is measured as it runs.
    if arguments.workload == "mix":
        event_loop.run(
            run_mix(arguments.commands, arguments.people, arguments.concurrency, arguments.postgres)
        )
    else:
        sizes = [int(size) for size in arguments.group_sizes.split(",")]
        event_loop.run(
            run_checkins(
                arguments.commands,
                sizes,
                arguments.concurrency,
                not arguments.no_floor,
                arguments.postgres,
                arguments.answers_per_minute,
            )
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
