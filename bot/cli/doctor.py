"""`staffroom doctor`: checks settings, the database and its schema, and the Slack and Discord
credentials, and prints what to fix. The checks are in `bot.cli.doctor_checks`, imported when
the command runs, so that the command line starts without the platforms' HTTP clients."""

from __future__ import annotations


def doctor() -> None:
    """Check settings, database, and Slack/Discord credentials; print what to fix."""
    from bot.cli.doctor_checks import run_checks

    run_checks()
