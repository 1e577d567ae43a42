"""The boundaries of DESIGN.md hold: the core imports no adapter or platform SDK, adapters never
import storage, storage imports nothing of the bot, parsing and the kernel import no feature.

The contracts themselves are in `pyproject.toml` (`[tool.importlinter]`); this runs them over the
tree as it is, so a forbidden import fails the suite and names the chain of imports behind it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = (
    "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
)


def test_every_import_contract_is_kept() -> None:
    # In a fresh interpreter, so modules this test session already imported do not matter, and
    # with no cache, so a stale graph from an earlier run cannot hide a new import.
    run = subprocess.run(
        [sys.executable, "-c", LINT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
