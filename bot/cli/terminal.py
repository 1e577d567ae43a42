"""What the command line prints through: consoles made at their first use (importing rich's
console costs a tenth of a second that `staffroom --help` need not pay), and the progress shown
during long work — on a terminal only, never in a log or a CI run, and not with `--quiet`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

Advance = Callable[[int, int], None]
"""Report progress: (done, total) in whatever units the work counts."""


class LazyConsole:
    """A rich `Console` with these options, made when first used."""

    def __init__(self, **options: Any) -> None:
        self._options = options

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(**self._options)

    def print(self, *objects: Any, **options: Any) -> None:
        self.console.print(*objects, **options)


err = LazyConsole(stderr=True, soft_wrap=True)


@contextmanager
def progress(description: str, *, quiet: bool = False) -> Iterator[Advance]:
    """Show a progress bar on the error stream while the block runs, if that stream is a
    terminal and not `quiet`; yields the function to report progress with. Until the work
    reports a total, the bar pulses and the elapsed time runs."""
    console = err.console
    if quiet or not console.is_terminal or console.is_dumb_terminal:
        yield _ignore
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _ignore(done: int, total: int) -> None:
    """Progress nobody is shown."""
