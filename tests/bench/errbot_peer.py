"""The peer a check-in answer is measured against: errbot's TestBot with a plugin that persists
the same answer (`!checkin green|amber|red <note>`: one upsert and a commit through SQLAlchemy
on a file SQLite database in WAL mode), pinned to one core like `bench_commands`.

errbot is not one of Staffroom's dependencies; run this in an environment of its own:

    uv run --no-project --with errbot==6.2.1 --with sqlalchemy --with pytest \
        python tests/bench/errbot_peer.py
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

PLUG = """[Core]
name = Checkin
module = checkin

[Documentation]
description = Persist a traffic-light answer.

[Python]
version = 3
"""

PLUGIN = """
from errbot import BotPlugin, botcmd
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event
from sqlalchemy.dialects.sqlite import insert


class Checkin(BotPlugin):
    def activate(self):
        super().activate()
        self.engine = create_engine("sqlite:///" + self.bot_config.BENCH_DATABASE)

        @event.listens_for(self.engine, "connect")
        def configure(connection, _record):
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")

        self.table = Table(
            "answer", MetaData(),
            Column("round_id", Integer, primary_key=True),
            Column("user_id", String, primary_key=True),
            Column("colour", String), Column("note", String),
        )
        self.table.metadata.create_all(self.engine)
        upsert = insert(self.table)
        self.statement = upsert.on_conflict_do_update(
            index_elements=["round_id", "user_id"],
            set_={"colour": upsert.excluded.colour, "note": upsert.excluded.note},
        )

    @botcmd
    def checkin(self, msg, args):
        colour, _, note = args.partition(" ")
        with self.engine.begin() as connection:
            connection.execute(
                self.statement,
                {"round_id": 1, "user_id": str(msg.frm), "colour": colour, "note": note},
            )
        return f"Thanks, you answered {colour}."
"""

COLOURS = ("green", "green", "amber", "amber", "red")
NOTES = ("Struggling with the practical write-up", "Fine once I had the mark scheme")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=3000)
    arguments = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from errbot.backends.test import TestBot  # type: ignore[import-not-found]  # its own venv

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        plugins = Path(folder) / "plugins"
        plugins.mkdir()
        (plugins / "checkin.plug").write_text(PLUG)
        (plugins / "checkin.py").write_text(PLUGIN)
        bot = TestBot(
            extra_plugin_dir=str(plugins),
            loglevel=logging.ERROR,
            extra_config={"BENCH_DATABASE": str(Path(folder) / "errbot.db")},
        )
        bot.start()
        lines = [
            f"!checkin {rng.choice(COLOURS)} {rng.choice(NOTES)}"
            for _ in range(arguments.commands + 200)
        ]
        for line in lines[:200]:  # warm-up
            bot.push_message(line)
            bot.pop_message()
        latencies = []
        started, cpu = time.perf_counter(), time.process_time()
        for line in lines[200:]:
            t0 = time.perf_counter()
            bot.push_message(line)
            bot.pop_message()
            latencies.append(time.perf_counter() - t0)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        bot.stop()
    latencies.sort()
    print(
        f"errbot TestBot + SQLAlchemy upsert: {len(latencies) / elapsed:,.0f} commands/s, "
        f"p50 {statistics.median(latencies) * 1000:.2f} ms, "
        f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.2f} ms, "
        f"CPU {cpu / len(latencies) * 1000:.2f} ms/command"
    )


if __name__ == "__main__":
    main()
