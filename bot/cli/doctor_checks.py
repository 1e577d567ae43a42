"""The checks behind `staffroom doctor`, loaded only when it runs: what an operator can get
wrong — settings, the database and its schema, the Slack tokens and their scopes, the Discord
token and its intents — and what to fix. Exits 1 if anything must be fixed before the bot can
run.

The platform checks call each platform's API (Slack `auth.test`, whose `x-oauth-scopes` header
lists the token's scopes; Discord `GET /users/@me` and `/applications/@me`), at the base URLs
in the settings so tests can point them at local fakes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import Enum

import aiohttp
import typer
from pydantic import ValidationError

from bot.cli.terminal import LazyConsole
from bot.privacy.server_secret import SecretMissing, resolve_secret
from bot.runtime.config import Settings
from storage import migrate
from storage.engine import is_sqlite, make_engine

out = LazyConsole(highlight=False)

# What the bot uses on Slack: slash command, posting, DMs (and files in them), names and time
# zones, and message events in channels it counts activity in.
SLACK_SCOPES = frozenset(
    {
        "commands",
        "chat:write",
        "im:write",
        "files:write",
        "users:read",
        "channels:history",
        "groups:history",
    }
)
# Discord application flags for privileged intents (either the verified or limited bit).
DISCORD_INTENTS = {
    "Server Members": (1 << 14) | (1 << 15),
    "Message Content": (1 << 18) | (1 << 19),
    "Presence": (1 << 12) | (1 << 13),
}
TIMEOUT = aiohttp.ClientTimeout(total=15)


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


def check_configuration(settings: Settings) -> list[Finding]:
    found = [_check_secret(settings)]
    if settings.slack_bot_token is not None and not settings.slack_configured():
        found.append(
            Finding(
                "Slack",
                Status.FAIL,
                "SLACK_BOT_TOKEN is set without a way to receive events",
                "Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).",
            )
        )
    if not (settings.slack_configured() or settings.discord_configured()):
        found.append(
            Finding(
                "Platforms",
                Status.WARN,
                "no Slack or Discord credentials: `staffroom run` opens the console demo",
                "Set SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET, and/or "
                "DISCORD_TOKEN.",
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
    engine = make_engine(settings.database_url)
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


async def check_slack(settings: Settings) -> list[Finding]:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    assert settings.slack_bot_token is not None
    base = settings.slack_api_url.rstrip("/") + "/"
    client = AsyncWebClient(token=settings.slack_bot_token.get_secret_value(), base_url=base)
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        return [
            Finding(
                "Slack",
                Status.FAIL,
                f"SLACK_BOT_TOKEN rejected ({error.response.get('error')})",
                "Copy the Bot User OAuth Token (xoxb-…) from the Slack app's OAuth & "
                "Permissions page.",
            )
        ]
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return [Finding("Slack", Status.FAIL, f"cannot reach the Slack API ({error})")]
    found = [Finding("Slack", Status.OK, f"bot {answer.get('user')} in {answer.get('team')}")]
    granted = {
        scope.strip()
        for scope in str(answer.headers.get("x-oauth-scopes", "")).split(",")
        if scope.strip()
    }
    missing = sorted(SLACK_SCOPES - granted)
    if missing:
        found.append(
            Finding(
                "Slack scopes",
                Status.FAIL,
                "missing " + ", ".join(missing),
                "Add them under OAuth & Permissions → Bot Token Scopes, then reinstall the app.",
            )
        )
    else:
        found.append(Finding("Slack scopes", Status.OK, "all granted"))
    if settings.slack_app_token is not None:
        found.append(await _check_app_token(base, settings.slack_app_token.get_secret_value()))
    return found


async def _check_app_token(base: str, token: str) -> Finding:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    try:
        await AsyncWebClient(base_url=base).apps_connections_open(app_token=token)
    except SlackApiError as error:
        return Finding(
            "Slack Socket Mode",
            Status.FAIL,
            f"SLACK_APP_TOKEN rejected ({error.response.get('error')})",
            "Enable Socket Mode and create an app-level token (xapp-…) with the "
            "connections:write scope under Basic Information.",
        )
    return Finding("Slack Socket Mode", Status.OK, "app token can open a connection")


async def check_discord(settings: Settings) -> list[Finding]:
    assert settings.discord_token is not None
    base = settings.discord_api_url.rstrip("/")
    headers = {"Authorization": f"Bot {settings.discord_token.get_secret_value()}"}
    try:
        async with aiohttp.ClientSession(headers=headers, timeout=TIMEOUT) as session:
            async with session.get(f"{base}/users/@me") as response:
                if response.status == 401:
                    return [
                        Finding(
                            "Discord",
                            Status.FAIL,
                            "DISCORD_TOKEN rejected (401)",
                            "Reset the token on the application's Bot page in the Discord "
                            "Developer Portal and set DISCORD_TOKEN to it.",
                        )
                    ]
                response.raise_for_status()
                user = await response.json()
            async with session.get(f"{base}/applications/@me") as response:
                response.raise_for_status()
                flags = int((await response.json()).get("flags") or 0)
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return [Finding("Discord", Status.FAIL, f"cannot reach the Discord API ({error})")]
    enabled = [name for name, bits in DISCORD_INTENTS.items() if flags & bits]
    found = [
        Finding("Discord", Status.OK, f"bot {user.get('username')}"),
        Finding(
            "Discord intents",
            Status.OK,
            "privileged intents enabled: " + (", ".join(enabled) or "none"),
        ),
    ]
    if "Message Content" in enabled:
        found.append(
            Finding(
                "Discord intents",
                Status.WARN,
                "Message Content is enabled but not needed",
                "Staffroom counts messages and never reads them: turn Message Content Intent "
                "off on the Bot page.",
            )
        )
    return found


async def _platform_checks(settings: Settings) -> list[Finding]:
    found: list[Finding] = []
    if settings.slack_bot_token is not None:
        found += await check_slack(settings)
    if settings.discord_token is not None:
        found += await check_discord(settings)
    return found


def _variable(location: tuple[int | str, ...]) -> str:
    field = str(location[0]) if location else ""
    return Settings.environment_variables().get(field, (field.upper(),))[0]


def run_checks() -> None:
    """Run every check, print the findings and what to fix; exit 1 if something must be."""
    try:
        settings = Settings()
    except ValidationError as error:
        findings = [
            Finding(
                "Settings",
                Status.FAIL,
                f"{_variable(problem['loc'])}: {problem['msg']}",
                "Correct it in the environment or the .env file.",
            )
            for problem in error.errors()
        ]
    else:
        findings = [Finding("Settings", Status.OK, "loaded")]
        findings += check_configuration(settings)
        findings.append(check_database(settings))
        findings += asyncio.run(_platform_checks(settings))
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
