"""How every CLI command starts: loading the settings (through the composition root's
`bot.platforms`: Staffroom's own, and each platform adapter's for the commands that start one),
opening the database, and reporting what the operator must fix (a bad setting, a missing secret,
an old schema) without a traceback.

Only `typer` is imported with the command line; settings, the database and the bot are
imported by the commands that use them, so `staffroom --help` starts at once.
"""

from __future__ import annotations

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
def settings_errors() -> Iterator[None]:
    """Exit naming each bad setting, without a traceback."""
    from pydantic import ValidationError

    try:
        yield
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"])
            err.print(f"[red]Setting {where.upper()}: {problem['msg']}[/red]")
        raise typer.Exit(2) from None


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment (and `.env`), or exit naming each bad one."""
    from bot.platforms import read_settings
    from bot.runtime.logs import configure_logging

    with settings_errors():
        settings = read_settings(**overrides)
    configure_logging(settings.log_level, settings.log_format)
    return settings


def load_platforms() -> list[PlatformAdapter]:
    """Every chat platform with its adapter's settings, or exit naming each bad one."""
    from bot.platforms import read_adapters

    with settings_errors():
        return read_adapters()


@contextmanager
def operator_errors() -> Iterator[None]:
    """Print what the operator must fix, without a traceback."""
    from bot.app import StartupError
    from bot.privacy.server_secret import SecretMissing

    try:
        yield
    except (StartupError, SecretMissing) as problem:
        err.print(f"[red]{problem}[/red]")
        raise typer.Exit(2) from None


def open_configured_database(settings: Settings | None = None) -> Engine:
    """The database the settings name, with its schema current, or exit saying what to fix."""
    from bot.app import open_database

    with operator_errors():
        return open_database(settings or load_settings())
