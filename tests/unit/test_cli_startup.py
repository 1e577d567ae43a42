"""The command line starts at once (it loads no chat SDK, chart library or database until a
command needs one) and shows a progress bar during long work only to a person at a terminal:
never in a log or a CI run, and not with `--quiet`. Each case runs the real `staffroom` in a
process of its own, since what a process has imported is the thing being checked."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("matplotlib", "discord", "slack_bolt", "slack_sdk", "aiohttp")
BAR = "━"  # what rich draws a progress bar with
GENERATE = ["demo", "generate", "--schools", "3", "--groups", "2", "--members", "40"]


def imported_after(code: str) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running `code`."""
    report = "import sys; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    found = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True, check=True
    )
    return set(found.stdout.split())


def test_importing_the_command_line_loads_no_chat_sdk_or_chart_library() -> None:
    assert imported_after("import bot.cli").isdisjoint(HEAVY)


def test_help_loads_neither_the_bot_nor_its_database() -> None:
    code = (
        "import sys\nfrom bot.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass"
    )
    loaded = imported_after(code)
    assert loaded.isdisjoint({*HEAVY, "sqlalchemy", "pydantic", "storage"})


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'ops.db'}",
        "STAFFROOM_SECRET": "cli-test-secret-0123456789",
        "TERM": "xterm-256color",
        "COLUMNS": "100",
        "NO_COLOR": "1",  # plain text to read back; a terminal still
    }
    return env


def staffroom_on_a_terminal(arguments: list[str], env: dict[str, str]) -> str:
    """Run `staffroom` with a pseudo-terminal as its output; everything it showed there."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", *arguments],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process has gone and closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0, shown.decode(errors="replace")
    return shown.decode(errors="replace")


def test_long_work_shows_a_progress_bar_on_a_terminal(environment: dict[str, str]) -> None:
    shown = staffroom_on_a_terminal(GENERATE, environment)
    assert "Generating" in shown and BAR in shown
    assert "Created 'Synthetic Trust'" in shown


def test_quiet_shows_no_progress_bar(environment: dict[str, str]) -> None:
    shown = staffroom_on_a_terminal([*GENERATE, "--quiet"], environment)
    assert "Created 'Synthetic Trust'" in shown
    assert BAR not in shown and "Generating" not in shown


def test_output_that_is_not_a_terminal_has_no_progress_bar(
    environment: dict[str, str],
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *GENERATE],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    assert "Created 'Synthetic Trust'" in done.stdout
    assert BAR not in done.stdout + done.stderr
    assert "Generating" not in done.stdout + done.stderr


def test_the_garbage_collector_is_paused_only_while_a_command_loads() -> None:
    """Paused while modules load (their objects are never garbage), and on again afterwards so
    a long-running console or bot still frees cyclic garbage."""
    code = (
        "import gc\nfrom bot.cli.startup import loading\n"
        "with loading():\n    with loading():\n        import bot.app\n"
        "    inside = gc.isenabled()\n"
        "print(inside, gc.isenabled(), gc.get_freeze_count() > 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True", "True"]
