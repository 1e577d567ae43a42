"""`staffroom member erase`: a facilitator's or operator's erasure of one member, for requests
that arrive by e-mail or letter rather than through `/staffroom forget me`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bot.cli.startup import load_settings, open_configured_database, operator_errors
from bot.cli.terminal import LazyConsole, err, progress

if TYPE_CHECKING:
    from sqlalchemy import Connection

app = typer.Typer(
    rich_markup_mode=None, help="Members' data rights, from the server.", no_args_is_help=True
)
out = LazyConsole()


def _member_ids(connection: Connection, target: str) -> list[int]:
    from storage import personal_data as store

    if target.isdigit():
        return [int(target)]
    parts = target.split(":")
    if len(parts) == 2:
        platform, user_id = parts
        return store.members_with_identity(connection, platform=platform, user_id=user_id)
    if len(parts) == 3:
        platform, workspace, user_id = parts
        return store.members_with_identity(
            connection, platform=platform, user_id=user_id, workspace=workspace
        )
    return []


@app.command()
def erase(
    target: str = typer.Argument(
        ...,
        help="The member: platform:user_id (slack:U024BE7LH), platform:workspace:user_id, or "
        "the member id.",
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Show no progress bar."),
) -> None:
    """Erase everything Staffroom holds about one member (as `/staffroom forget me` does)."""
    from bot.features import build_registry
    from bot.privacy.rights import erase_member
    from bot.privacy.server_secret import resolve_secret
    from storage import directory, networks
    from storage.uow import unit_of_work

    settings = load_settings()
    engine = open_configured_database(settings)
    with operator_errors():
        secret = resolve_secret(settings)  # to find what only keyed hashes tie to them
    registry = build_registry()
    with unit_of_work(engine) as connection:
        ids = _member_ids(connection, target)
        members = [directory.get_member(connection, member_id=i) for i in ids]
        found = [m for m in members if m is not None]
        if not found:
            err.print(
                f"[red]No member matches {target!r}. Give platform:user_id (slack:U024BE7LH), "
                "platform:workspace:user_id, or a member id.[/red]"
            )
            raise typer.Exit(1)
        if len(found) > 1:
            err.print(
                f"[red]{target!r} matches {len(found)} members in different workspaces; give "
                "platform:workspace:user_id instead.[/red]"
            )
            raise typer.Exit(1)
        member = found[0]
        network = networks.get_network(connection, network_id=member.network_id)
    where = f"{member.school_name or 'no school'}, {network.name if network else '?'}"
    out.print(f"Member {member.id}: {member.display_name} ({where}).")
    if not yes and not typer.confirm("Erase everything Staffroom holds about them?"):
        out.print("Nothing was erased.")
        raise typer.Exit(1)
    # The bar stays up until the erasure has committed and the files are scrubbed of it.
    with progress("Erasing", quiet=quiet) as advance, unit_of_work(engine) as connection:
        erased = erase_member(connection, registry, member.id, secret=secret, advance=advance)
    out.print(f"Erased: {', '.join(erased)}. Weekly totals already counted stay, without them.")
