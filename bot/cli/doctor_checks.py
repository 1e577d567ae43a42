"""The checks behind `staffroom doctor`, loaded only when it runs: what an operator can get
wrong — settings, the secret, the database and its schema — and what to fix, with each
configured platform's own checks of its credentials (in `adapters.<platform>.doctor`, reached
through the composition root with each adapter's own settings). Exits 1 if anything must be
fixed before the bot can run.
"""

from __future__ import annotations

import typer
from pydantic import ValidationError

from bot.app import check_platforms, open_engine
from bot.cli.terminal import LazyConsole
from bot.platforms import PlatformAdapter, read_adapters, read_settings
from bot.privacy.server_secret import SecretMissing, resolve_secret
from bot.runtime import event_loop
from bot.runtime.config import Settings, problem_text
from bot.runtime.diagnosis import Finding, Status
from storage import migrate
from storage.engine import is_sqlite

out = LazyConsole(highlight=False)


def _check_secret(settings: Settings) -> Finding:
    from_file = settings.secret is None and is_sqlite(settings.database_url)
    if from_file and not settings.secret_file.exists():
        return Finding(
            "Secret", Status.OK, f"{settings.secret_file} (will be generated at first start)"
        )
    try:
        resolve_secret(settings)
    except SecretMissing as problem:
        return Finding("Secret", Status.FAIL, "not usable", str(problem))
    where = f"{settings.secret_file} (exists)" if from_file else "STAFFROOM_SECRET is set"
    return Finding("Secret", Status.OK, where)


def check_configuration(settings: Settings, platforms: list[PlatformAdapter]) -> list[Finding]:
    found = [_check_secret(settings)]
    if not any(platform.configured() for platform in platforms):
        found.append(
            Finding(
                "Platforms",
                Status.WARN,
                "no Slack or Discord credentials: `staffroom run` opens the console demo",
                "Set SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET; or, to "
                "install into several workspaces, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, "
                "SLACK_STATE_SECRET and SLACK_SIGNING_SECRET; and/or DISCORD_TOKEN.",
            )
        )
    if settings.health_port == 0:
        found.append(
            Finding(
                "Health",
                Status.WARN,
                "health server off (STAFFROOM_HEALTH_PORT=0)",
                "Probes and metrics need it: set STAFFROOM_HEALTH_PORT (default 8080).",
            )
        )
    return found


def check_database(settings: Settings) -> Finding:
    engine = open_engine(settings)
    try:
        current = migrate.current_revision(engine)
    except Exception as error:
        return Finding(
            "Database",
            Status.FAIL,
            f"cannot connect ({type(error).__name__})",
            "Check DATABASE_URL, and that the database server is running and reachable.",
        )
    finally:
        engine.dispose()
    head = migrate.head_revision()
    if current == head:
        return Finding("Database", Status.OK, f"reachable, schema current ({head})")
    if current is None and is_sqlite(settings.database_url):
        return Finding("Database", Status.OK, "new SQLite file; created at first start")
    return Finding(
        "Database",
        Status.FAIL,
        f"schema at {current or 'nothing'}, this version needs {head}",
        "Run `staffroom db upgrade` before starting this version.",
    )


def _variable(location: tuple[int | str, ...]) -> str:
    field = str(location[0]) if location else ""
    return Settings.environment_variables().get(field, (field.upper(),))[0]


def run_checks() -> None:
    """Run every check, print the findings and what to fix; exit 1 if something must be."""
    try:
        settings = read_settings()
        platforms = read_adapters()
    except ValidationError as error:
        findings = [
            Finding(
                "Settings",
                Status.FAIL,
                f"{_variable(problem['loc'])}: {problem_text(problem['msg'])}",
                "Correct it in the environment or the .env file.",
            )
            for problem in error.errors()
        ]
    else:
        findings = [Finding("Settings", Status.OK, "loaded")]
        findings += check_configuration(settings, platforms)
        findings.append(check_database(settings))
        findings += event_loop.run(check_platforms(settings, platforms))
    for finding in findings:
        out.print(f"{finding.status.value} {finding.area}: {finding.message}")
    to_fix = [f for f in findings if f.fix and f.status is not Status.OK]
    if to_fix:
        out.print("\n[bold]What to fix:[/bold]")
        for number, finding in enumerate(to_fix, 1):
            out.print(f"{number}. {finding.area}: {finding.fix}")
    if any(f.status is Status.FAIL for f in findings):
        raise typer.Exit(1)
    out.print("\nAll checks passed." if not to_fix else "\nNothing blocks the bot from starting.")
