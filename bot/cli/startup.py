"""How every CLI command starts: loading the settings (through the composition root's
`bot.platforms`: Staffroom's own, and each platform adapter's for the commands that start one),
opening the database, and reporting what the operator must fix (a bad setting, a missing secret,
an old schema) without a traceback.

Only `typer` is imported with the command line; settings, the database and the bot are
imported by the commands that use them, so `staffroom --help` starts at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from bot.cli.terminal import err

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.platforms import PlatformAdapter
    from bot.runtime.config import Settings


@contextmanager
def loading() -> Iterator[None]:
    """Load a command's modules with Python's cyclic garbage collector paused.

    Loading SQLAlchemy, the tables and the features allocates some 150,000 objects of which
    under a thousand are garbage, so the collector's passes over them (0.15–0.25 s of a 1.3 s
    digest) find next to nothing. Afterwards what was loaded is frozen out of its way (it lives
    as long as the process; the little garbage frozen with it is never freed) and the
    collector runs again, over what the work allocates. Nested blocks leave that to the
    outermost.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


@contextmanager
def settings_errors() -> Iterator[None]:
    """Exit naming each bad setting, without a traceback."""
    with loading():
        from pydantic import ValidationError

        from bot.runtime.config import problem_text

    try:
        yield
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"])
            err.print(f"[red]Setting {where.upper()}: {problem_text(problem['msg'])}[/red]")
        raise typer.Exit(2) from None


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment (and `.env`), or exit naming each bad one."""
    with loading():
        from bot.platforms import read_settings
        from bot.runtime.logs import configure_logging

    with settings_errors():
        settings = read_settings(**overrides)
    configure_logging(settings.log_level, settings.log_format)
    return settings


def load_platforms() -> list[PlatformAdapter]:
    """Every chat platform with its adapter's settings, or exit naming each bad one."""
    with loading():
        from bot.platforms import read_adapters

    with settings_errors():
        return read_adapters()


@contextmanager
def operator_errors() -> Iterator[None]:
    """Print what the operator must fix, without a traceback."""
    with loading():
        from bot.app import StartupError
        from bot.privacy.server_secret import SecretMissing

    try:
        yield
    except (StartupError, SecretMissing) as problem:
        err.print(f"[red]{problem}[/red]")
        raise typer.Exit(2) from None


def open_configured_database(settings: Settings | None = None) -> Engine:
    """The database the settings name, with its schema current, or exit saying what to fix."""
    with loading():
        from bot.app import open_database

    with operator_errors():
        return open_database(settings or load_settings())
