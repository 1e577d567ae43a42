"""The `staffroom` command line: run the bot, the console, and the operator's tools.

Each group of subcommands lives in its own module and is added here.

The command line is wiring, beside the composition root: it may import anything of the bot's and
reaches adapters only through the composition root (`bot.app`, `bot.runtime.serve`).
"""

from __future__ import annotations

import typer

from bot.cli import calendar, console, database, demo, digest, doctor, member, network, run

app = typer.Typer(
    rich_markup_mode=None,  # plain help: rich's help formatting takes ~0.3 s to import
    help="Staffroom: a chat bot for networks of schools.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("run")(run.run)
app.command("console")(console.console)
app.add_typer(database.app, name="db")
app.add_typer(network.app, name="network")
app.command("import")(network.import_roster_file)
app.command("digest")(digest.digest)
app.add_typer(demo.app, name="demo")
app.add_typer(member.app, name="member")
app.command("doctor")(doctor.doctor)
app.command("calendar")(calendar.calendar)


def main() -> None:
    app()
