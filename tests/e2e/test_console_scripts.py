"""End-to-end: every `*.script` file here is played through the console adapter against the
real core and a real SQLite database, and every `:expect` in it must hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.console.repl import run_script
from adapters.console.session import ConsoleSession

SCRIPTS = sorted(Path(__file__).parent.glob("*.script"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
async def test_script(script: Path, bot: ConsoleSession) -> None:
    code = await run_script(bot, script)
    transcript = bot.console.file.getvalue()  # type: ignore[attr-defined]
    assert code == 0, transcript


def test_there_are_scripts() -> None:
    assert len(SCRIPTS) >= 3
