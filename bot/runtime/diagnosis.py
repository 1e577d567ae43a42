"""What `staffroom doctor` reports: a `Finding` per thing checked, with its status and what to
fix. Platform-neutral, so the command line and each adapter's own credential checks (in
`adapters.<platform>.doctor`) speak the same type without either importing the other."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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
