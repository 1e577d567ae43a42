"""`staffroom network …` and `staffroom import`: setting networks up from the server, for
operators who would rather not do it in chat."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import available_timezones

import typer

from bot.cli.startup import open_configured_database
from bot.cli.terminal import LazyConsole, err, progress

app = typer.Typer(rich_markup_mode=None, help="Create and list networks.", no_args_is_help=True)
out = LazyConsole(soft_wrap=True)
PLATFORMS = ("slack", "discord", "console")


@app.command()
def create(
    name: str = typer.Argument(..., help='The network\'s name, e.g. "Hampshire Colleges".'),
    timezone: str = typer.Option("Europe/London", help="Time zone times are shown in."),
    workspace: list[str] = typer.Option(
        [], help="A workspace to bind, as platform:id (slack:T0123, discord:8123…). Repeatable."
    ),
) -> None:
    """Create a network, optionally binding Slack workspaces or Discord servers to it."""
    from bot.delivery.clock import SystemClock
    from bot.kernel.refusals import Refusal
    from bot.parsing.names import NETWORK_NAME_LIMIT, clean_name
    from storage import networks
    from storage.uow import unit_of_work

    try:
        name = clean_name(
            name, what="network name", limit=NETWORK_NAME_LIMIT, example="Hampshire Colleges"
        )
    except Refusal as problem:
        err.print(f"[red]{problem.message}[/red]")
        raise typer.Exit(2) from None
    if timezone not in available_timezones():
        err.print(f"[red]Unknown time zone {timezone!r}; use a name like Europe/London.[/red]")
        raise typer.Exit(2)
    bindings = []
    for item in workspace:
        platform, _, external_id = item.partition(":")
        if platform not in PLATFORMS or not external_id:
            err.print(
                f"[red]--workspace {item!r}: write it as platform:id, platform one of {', '.join(PLATFORMS)}.[/red]"
            )
            raise typer.Exit(2)
        bindings.append((platform, external_id))
    engine = open_configured_database()
    now = SystemClock().now()
    with unit_of_work(engine) as connection:
        if networks.find_network_by_name(connection, name=name) is not None:
            err.print(f"[red]A network called {name!r} already exists.[/red]")
            raise typer.Exit(1)
        for platform, external_id in bindings:
            if networks.network_for_workspace(
                connection, platform=platform, external_id=external_id
            ):
                err.print(f"[red]{platform}:{external_id} already belongs to a network.[/red]")
                raise typer.Exit(1)
        network = networks.create_network(connection, name=name, timezone=timezone, now=now)
        for platform, external_id in bindings:
            networks.bind_workspace(
                connection,
                network_id=network.id,
                platform=platform,
                external_id=external_id,
                now=now,
            )
    out.print(
        f"Created network {name!r}" + (f" with {len(bindings)} workspace(s)." if bindings else ".")
    )


@app.command("list")
def list_networks() -> None:
    """List the networks in this deployment."""
    from storage import networks
    from storage.uow import unit_of_work

    engine = open_configured_database()
    with unit_of_work(engine) as connection:
        rows = [
            (n, networks.workspaces_of_network(connection, network_id=n.id))
            for n in networks.list_networks(connection)
        ]
    if not rows:
        out.print(
            "No networks yet: `staffroom network create <name>`, or `/staffroom setup` in chat."
        )
    for network, workspaces in rows:
        bound = ", ".join(f"{p}:{w}" for p, w in workspaces) or "no workspaces"
        out.print(f"{network.name} ({network.timezone}) — {bound}")


def import_roster_file(
    roster: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="The roster CSV."
    ),
    network: str = typer.Option(..., "--network", "-n", help="The network to import into."),
    dry_run: bool = typer.Option(
        False, help="Check the roster and report, without writing anything."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Show no progress bar."),
) -> None:
    """Import schools, groups, facilitators, leaders and members from a CSV roster.

    Columns: kind,name,school,group,description,platform,user_id — kind is school, group,
    facilitator, leader or member; group may list several groups separated by ';'.
    The whole file is checked first: any error means nothing is imported.
    """
    from bot.delivery.clock import SystemClock
    from bot.network.roster import RosterError, import_roster, parse_roster
    from storage import networks
    from storage.uow import unit_of_work

    now = SystemClock().now()
    try:
        rows = parse_roster(roster.read_text(encoding="utf-8-sig"), today=now.date())
    except (RosterError, UnicodeDecodeError) as problem:
        _report_errors(problem)
        raise typer.Exit(1) from None
    engine = open_configured_database()
    try:
        # The bar stays up until the transaction has committed.
        with progress("Importing", quiet=quiet) as advance, unit_of_work(engine) as connection:
            target = networks.find_network_by_name(connection, name=network)
            if target is None:
                err.print(
                    f"[red]There is no network called {network!r}; see `staffroom network list`.[/red]"
                )
                raise typer.Exit(1)
            report = import_roster(connection, target, rows, now, advance=advance)
            if dry_run:
                raise _DryRun(report.summary())
    except RosterError as problem:
        _report_errors(problem)
        raise typer.Exit(1) from None
    except _DryRun as dry:
        out.print(f"Dry run — the roster is valid and would add: {dry}. Nothing was written.")
        return
    out.print(f"Imported {roster.name}: {report.summary()}.")


class _DryRun(Exception):
    """Raised inside the transaction so a dry run rolls back everything it did."""


def _report_errors(problem: Exception) -> None:
    from bot.network.roster import RosterError

    errors = (
        problem.errors
        if isinstance(problem, RosterError)
        else [f"the file is not UTF-8 text ({problem})"]
    )
    err.print(f"[red]The roster has {len(errors)} problem(s); nothing was imported:[/red]")
    for line in errors:
        err.print(f"  {line}")
