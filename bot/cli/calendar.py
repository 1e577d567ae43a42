"""`staffroom calendar <group>`: a group's meetings as one calendar feed (RFC 5545), printed or
written to a file, so an operator can publish it where calendar apps subscribe to it."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.startup import open_configured_database
from bot.cli.terminal import err


def calendar(
    group: str = typer.Argument(..., help='The group\'s name, e.g. "A-level Chemistry".'),
    network: str = typer.Option(
        "", "--network", "-n", help="The network (needed when the deployment has several)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the feed to this file instead of printing it."
    ),
) -> None:
    """Print (or write) a subject group's meetings as an .ics calendar feed."""
    from bot.delivery.clock import SystemClock
    from bot.meetings.calendar_files import build_calendar
    from bot.parsing.names import name_key
    from storage import groups, meeting_sessions, meetings, networks
    from storage.uow import unit_of_work

    engine = open_configured_database()
    with unit_of_work(engine) as connection:
        candidates = networks.list_networks(connection)
        if network:
            candidates = [n for n in candidates if name_key(n.name) == name_key(network)]
        if len(candidates) != 1:
            problem = "Which network? Add --network NAME" if candidates else "No such network"
            err.print(f"[red]{problem} (see `staffroom network list`).[/red]")
            raise typer.Exit(2)
        found = groups.find_group(connection, network_id=candidates[0].id, name_key=name_key(group))
        if found is None:
            err.print(f"[red]{candidates[0].name} has no group called {group!r}.[/red]")
            raise typer.Exit(1)
        feed = [
            (meeting, meeting_sessions.sessions_of(connection, meeting_id=meeting.id))
            for meeting in meetings.meetings_of_group(connection, group_id=found.id)
        ]
    data = build_calendar(
        feed, name=f"{found.name} — {candidates[0].name}", now=SystemClock().now()
    )
    if output is None:
        typer.echo(data.decode(), nl=False)
        return
    output.write_bytes(data)
    err.print(f"Wrote {len(feed)} meeting(s) of {found.name} to {output}.")
