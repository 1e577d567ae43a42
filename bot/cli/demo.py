"""`staffroom demo generate`: fill a database with a synthetic network at trust scale."""

from __future__ import annotations

import time

import typer

from bot.cli.startup import open_configured_database
from bot.cli.terminal import LazyConsole, progress

app = typer.Typer(rich_markup_mode=None, help="Demo data.", no_args_is_help=True)
out = LazyConsole(soft_wrap=True)


@app.command()
def generate(
    schools: int = typer.Option(50, min=1, max=500),
    groups: int = typer.Option(40, min=1, max=75),
    members: int = typer.Option(2000, min=1, max=50_000),
    weeks: int = typer.Option(52, min=1, max=520),
    name: str = typer.Option("Synthetic Trust", help="The network's name (must be new)."),
    seed: int = typer.Option(2026),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Show no progress bar."),
) -> None:
    """Create a synthetic network (thriving, drifting and stale groups; one disengaging school)
    in DATABASE_URL, with WEEKS of activity history, for demos and benchmarks."""
    from bot.delivery.clock import SystemClock
    from bot.demo.synthetic import generate_network
    from storage.uow import unit_of_work

    engine = open_configured_database()
    started = time.perf_counter()
    with unit_of_work(engine) as connection, progress("Generating", quiet=quiet) as advance:
        made = generate_network(
            connection,
            name=name,
            schools=schools,
            group_count=groups,
            members=members,
            weeks=weeks,
            now=SystemClock().now(),
            seed=seed,
            advance=advance,
        )
    out.print(
        f"Created {name!r}: {made.schools} schools, {made.groups} groups, {made.members} members, "
        f"{made.activity_rows:,} activity rows over {weeks} weeks ({made.disengaging_school} is disengaging) "
        f"in {time.perf_counter() - started:.1f}s."
    )
