"""Benchmark: build one week's network digest (with every group's digest, the chart and the
CSV) for a generated 50-school trust, with 52 and with 260 weeks of history, on SQLite and
(when a URL is given) PostgreSQL. Each build runs in a fresh process so its peak memory is its own.

    uv run python -m tests.bench.bench_digest [--postgres postgresql://postgres@127.0.0.1/test]

Goals (issue 8): under 1 second and under 200 MB; 260 weeks within 1.3x of 52 weeks.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.databases import fresh_postgres

NETWORK = "Benchmark Trust"
RUNS = 5


def measure(url: str) -> None:
    """(Child process) build the digest RUNS times; print timings and peak RSS as JSON."""
    from bot.digests.build import build_digest
    from bot.digests.chart import engagement_chart
    from bot.digests.chat import digest_reply
    from bot.digests.weeks import last_full_week
    from bot.features import build_registry
    from storage import networks
    from storage.engine import make_engine
    from storage.uow import unit_of_work

    engine = make_engine(url)
    sources = build_registry().digest_sources
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        with unit_of_work(engine) as connection:
            network = networks.find_network_by_name(connection, name=NETWORK)
            assert network is not None
            result = build_digest(
                connection, network, last_full_week(datetime.now(UTC).date()), sources=sources
            )
        digest_reply(result, chart=engagement_chart(result), leader_view=False)
        timings.append(time.perf_counter() - started)
    print(json.dumps({"seconds": timings, "rss_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM belongs to the process image, whereas
    ru_maxrss survives exec and would report the (larger) parent that forked us."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(url: str, weeks: int) -> int:
    from bot.demo.synthetic import generate_network
    from storage import migrate
    from storage.engine import make_engine
    from storage.uow import unit_of_work

    engine = make_engine(url)
    migrate.upgrade(engine)
    with unit_of_work(engine) as connection:
        made = generate_network(
            connection,
            name=NETWORK,
            schools=50,
            group_count=40,
            members=2000,
            weeks=weeks,
            now=datetime.now(UTC),
        )
    engine.dispose()
    return made.activity_rows


def _child(url: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.bench_digest", "--measure", url],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument(
        "--postgres", help="a PostgreSQL server URL to run the same measurements on"
    )
    arguments = parser.parse_args()
    if arguments.measure:
        measure(arguments.measure)
        return
    print(
        "network: 50 schools, 40 groups, 2,000 members; digest = figures + chart + CSV + chat rendering"
    )
    results: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for database in ["sqlite"] + (["postgresql"] if arguments.postgres else []):
            for weeks in (52, 260):
                with ExitStack() as stack:
                    url = (
                        f"sqlite:///{Path(folder) / f'bench-{weeks}.db'}"
                        if database == "sqlite"
                        else stack.enter_context(fresh_postgres(arguments.postgres))
                    )
                    rows = _generate(url, weeks)
                    outcome = _child(url)
                runs: list[float] = outcome["seconds"]  # type: ignore[assignment]
                results[(database, weeks)] = min(runs)
                print(
                    f"{database:10} {weeks:3} weeks ({rows:>9,} activity rows): best {min(runs) * 1000:4.0f} ms, "
                    f"median {statistics.median(runs) * 1000:4.0f} ms, peak RSS {outcome['rss_mb']:.0f} MB"
                )
            ratio = results[(database, 260)] / results[(database, 52)]
            print(f"{database:10} 260 weeks / 52 weeks (best runs): {ratio:.2f}x")


if __name__ == "__main__":
    main()
