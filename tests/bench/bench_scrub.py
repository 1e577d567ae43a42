"""Benchmark: what scrubbing the files costs a detaching operation on file-backed SQLite — the
same small update (an asker's hash cleared) committed with and without the truncating WAL
checkpoint that follows every detaching operation, printing p50/p99 milliseconds.

    uv run python -m tests.bench.bench_scrub [--operations 500] [--rows 5000]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, text

from storage.engine import make_engine
from storage.scrub import scrub_after_commit
from storage.uow import unit_of_work


def _fill(engine: Engine, rows: int) -> None:
    with unit_of_work(engine) as connection:
        connection.execute(text("CREATE TABLE question (id INTEGER PRIMARY KEY, t TEXT, h TEXT)"))
        for n in range(rows):
            connection.execute(
                text("INSERT INTO question VALUES (:n, :t, :h)"),
                {"n": n, "t": "a question of a few words " * 8, "h": secrets.token_hex(32)},
            )


def _time(engine: Engine, operations: int, rows: int, *, scrub: bool) -> list[float]:
    times = []
    for n in range(operations):
        started = time.perf_counter()
        with unit_of_work(engine) as connection:
            connection.execute(
                text("UPDATE question SET h = :h WHERE id = :n"),
                {"h": secrets.token_hex(32), "n": n % rows},
            )
            if scrub:
                scrub_after_commit(connection, "question")
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operations", type=int, default=500)
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{Path(directory) / 'bench.db'}")
        _fill(engine, args.rows)
        for scrub in (False, True):
            times = sorted(_time(engine, args.operations, args.rows, scrub=scrub))
            p99 = times[int(len(times) * 0.99) - 1]
            label = "with checkpoint   " if scrub else "without checkpoint"
            print(f"{label}: p50 {statistics.median(times):.2f} ms, p99 {p99:.2f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()
