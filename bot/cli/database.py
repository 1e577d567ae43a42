"""`staffroom db …`: schema upgrades and status for operators; new revisions for developers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from bot.cli.startup import load_settings
from bot.cli.terminal import LazyConsole, err, progress

app = typer.Typer(
    rich_markup_mode=None,
    help="Database schema: upgrade, status, and (for developers) new revisions.",
    no_args_is_help=True,
)
out = LazyConsole(soft_wrap=True)


@app.command()
def upgrade() -> None:
    """Bring the database (DATABASE_URL) to the newest schema. Run before starting a new version."""
    from bot.app import open_engine
    from storage import migrate

    settings = load_settings()
    engine = open_engine(settings)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    if before == after:
        out.print(f"The database is already up to date (revision {after}).")
    else:
        out.print(f"Upgraded the database from {before or 'empty'} to {after}.")


@app.command()
def status() -> None:
    """Show the database's schema revision and whether it needs an upgrade."""
    from bot.app import open_engine
    from storage import migrate

    settings = load_settings()
    engine = open_engine(settings)
    current, head = migrate.current_revision(engine), migrate.head_revision()
    state = "up to date" if current == head else "needs `staffroom db upgrade`"
    out.print(f"Schema revision {current or 'none (empty database)'}; newest {head}: {state}.")
    if current != head:
        raise typer.Exit(1)


@app.command()
def backup(
    target: Path = typer.Argument(
        ..., help="A new file, or a directory to put a time-stamped copy in."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Show no progress bar."),
) -> None:
    """(SQLite) Copy the database while the bot runs, consistently (SQLite's online backup).

    With PostgreSQL use pg_dump, as the README's deployment guide shows.
    """
    from storage.backup import BackupError, backup_sqlite
    from storage.engine import is_sqlite

    settings = load_settings()
    if not is_sqlite(settings.database_url):
        err.print(
            "[red]The database is PostgreSQL: back it up with pg_dump, e.g. "
            '`pg_dump --format=custom --file=staffroom.dump "$DATABASE_URL"`.[/red]'
        )
        raise typer.Exit(2)
    if target.is_dir():
        target = target / f"staffroom-{datetime.now(UTC):%Y%m%d-%H%M%S}.db"
    try:
        with progress("Backing up", quiet=quiet) as advance:
            source = backup_sqlite(
                database_url=settings.database_url, target=target, advance=advance
            )
    except BackupError as problem:
        err.print(f"[red]{problem}[/red]")
        raise typer.Exit(1) from None
    out.print(f"Backed up {source} to {target} (readable by its owner only).")


@app.command()
def revision(
    message: str = typer.Option(..., "-m", "--message", help="What the revision changes."),
) -> None:
    """(Developers) Autogenerate a migration from the models against an up-to-date database."""
    from bot.app import open_engine
    from storage import migrate

    settings = load_settings()
    engine = open_engine(settings)
    migrate.upgrade(engine)
    migrate.new_revision(engine, message)
