"""`staffroom digest`: a network's weekly digest as Markdown, HTML or CSV, for facilitators who
want it outside chat (or to e-mail on)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

import typer

from bot.cli.startup import loading, open_configured_database
from bot.cli.terminal import LazyConsole, err

out = LazyConsole(soft_wrap=True)


class Format(StrEnum):
    md = "md"
    html = "html"
    csv = "csv"


def digest(
    network: str = typer.Option(..., "--network", "-n", help="The network's name."),
    week: str = typer.Option("last", help="last, this, an ISO week (2026-W47) or a date in it."),
    format: Format = typer.Option(Format.md, "--format", "-f", help="md, html or csv."),
    output: Path | None = typer.Option(
        None, "--out", "-o", help="Write to this file (default: print)."
    ),
) -> None:
    """Build a network's weekly engagement digest (every figure k-suppressed, as in chat)."""
    with loading():
        from bot.delivery.clock import SystemClock
        from bot.digests.build import build_digest
        from bot.digests.files import to_csv, to_html, to_markdown
        from bot.digests.weeks import parse_week
        from bot.features import build_registry
        from bot.kernel.refusals import Refusal
        from storage import networks
        from storage.uow import unit_of_work

    engine = open_configured_database()
    with unit_of_work(engine) as connection:
        found = networks.find_network_by_name(connection, name=network)
        if found is None:
            err.print(
                f"[red]There is no network called {network!r}; see `staffroom network list`.[/red]"
            )
            raise typer.Exit(1)
        today = SystemClock().now().astimezone(ZoneInfo(found.timezone)).date()
        try:
            chosen = parse_week(week, today)
        except Refusal as problem:
            err.print(f"[red]{problem.message.replace('`', '')}[/red]")
            raise typer.Exit(2) from None
        result = build_digest(connection, found, chosen, sources=build_registry().digest_sources)
    text = {Format.md: to_markdown, Format.html: to_html, Format.csv: to_csv}[format](result)
    if output is None:
        out.print(text, end="", markup=False, highlight=False)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"Wrote the {chosen.label} digest of {found.name} to {output}.")
