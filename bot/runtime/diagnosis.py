"""What `staffroom doctor` reports: a `Finding` per thing checked, with its status and what to
fix. Platform-neutral, so the command line and each adapter's own credential checks (in
`adapters.<platform>.doctor`) speak the same type without either importing the other."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.runtime.config import Settings


class Status(Enum):
    OK = "[green]✓[/green]"
    WARN = "[yellow]![/yellow]"
    FAIL = "[red]✗[/red]"


@dataclass(frozen=True, slots=True)
class Finding:
    area: str
    status: Status
    message: str
    fix: str = ""


# An adapter's check of its platform's credentials, against the platform's API.
PlatformCheck = Callable[["Settings"], Awaitable[list[Finding]]]
