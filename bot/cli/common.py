"""What the CLI commands share: loading settings, reporting errors an operator can fix."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from rich.console import Console

from bot.app import StartupError
from bot.config import Settings
from bot.logs import configure_logging
from bot.server_secret import SecretMissing

err = Console(stderr=True, soft_wrap=True)


def load_settings(**overrides: object) -> Settings:
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"])
            err.print(f"[red]Setting {where.upper()}: {problem['msg']}[/red]")
        raise typer.Exit(2) from None
    configure_logging(settings.log_level, settings.log_format)
    return settings


@contextmanager
def operator_errors() -> Iterator[None]:
    """Print what the operator must fix, without a traceback."""
    try:
        yield
    except (StartupError, SecretMissing) as problem:
        err.print(f"[red]{problem}[/red]")
        raise typer.Exit(2) from None
