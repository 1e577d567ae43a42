"""`staffroom console`: the whole bot in a terminal, on its own SQLite file with `--demo`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli.startup import load_settings, loading, operator_errors
from bot.cli.terminal import err

if TYPE_CHECKING:
    from bot.runtime.config import Settings

DEMO_DATABASE = "staffroom-demo.db"

WELCOME = """Staffroom console — you play several people from several schools.
Type chat text, or /staffroom commands; :help lists the directives (:as, :in, :click, :tick…).
"""
DEMO_WELCOME = """Demo network loaded: the Solent Schools Network (11 schools, 12 subject groups).
You are Fran Hughes, its facilitator, in #a-level-chemistry. Try:
  /staffroom help        /staffroom groups        /staffroom whoami
  :as Tom Patel@Ridgeway School    (Tom leads A-level Chemistry)
  :as Newcomer Nell@Oakwood Academy   then   /staffroom join A-level Chemistry
"""


def console(
    demo: bool = typer.Option(
        False, help=f"Use the demo network, in its own file ({DEMO_DATABASE})."
    ),
    script: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Run the lines of a script file and exit."
    ),
    database: str | None = typer.Option(
        None, help="Database URL (default: DATABASE_URL, or the demo file)."
    ),
    start: str | None = typer.Option(
        None, help="Start the clock at this UTC time, e.g. 2026-11-23T08:00."
    ),
) -> None:
    """A chat REPL: play teachers, leaders and facilitators from several schools."""
    start_console(demo=demo, script=script, database=database, start=start)


def start_console(
    *, demo: bool, script: Path | None, database: str | None, start: str | None
) -> None:
    overrides: dict[str, object] = {"channel_interval": 0.0}
    if database:
        overrides["database_url"] = database
    elif demo:
        overrides["database_url"] = f"sqlite:///{DEMO_DATABASE}"
        overrides["secret_file"] = Path(DEMO_DATABASE + ".secret")
    settings = load_settings(**overrides)
    try:
        started = datetime.fromisoformat(start).replace(tzinfo=UTC) if start else None
    except ValueError:
        err.print(f"[red]--start {start!r}: use the form 2026-11-23T08:00.[/red]")
        raise typer.Exit(2) from None
    from bot.runtime import event_loop

    with operator_errors():
        code = event_loop.run(_console(settings, demo=demo, script=script, started=started))
    raise typer.Exit(code)


async def _console(
    settings: Settings, *, demo: bool, script: Path | None, started: datetime | None
) -> int:
    with loading():
        from bot.app import open_console
        from bot.delivery.clock import ManualClock

    clock = ManualClock(started or datetime.now(UTC).replace(second=0, microsecond=0))
    welcome = (WELCOME, DEMO_WELCOME) if demo else (WELCOME,)
    return await open_console(settings, demo=demo, script=script, clock=clock, welcome=welcome)
