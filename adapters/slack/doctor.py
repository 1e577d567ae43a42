"""`staffroom doctor`'s Slack checks. With one bot token: it has a way to receive events, it
works (`auth.test`), its scopes (the `x-oauth-scopes` header of that answer) cover what the bot
uses, and the app token, if set, can open a Socket Mode connection. With an OAuth install (a
token per workspace), as far as can be checked without a workspace: the install's settings,
how many workspaces are installed, whether the current server secret opens each one's token,
and whether Slack still accepts it (`auth.test`) with the scopes the bot uses.

At `SLACK_API_URL`, so tests can point them at a local fake. Loaded by the composition root only
when the doctor runs and Slack credentials are set; the installs are read through it too."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.settings import SlackSettings
from bot.runtime.diagnosis import Finding, Status

if TYPE_CHECKING:
    from bot.platforms import ReadInstalls
    from bot.runtime.installations import WorkspaceInstall

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
UNREACHABLE = (aiohttp.ClientError, OSError, TimeoutError)


async def check(settings: SlackSettings, read_installs: ReadInstalls) -> list[Finding]:
    base = settings.api_url.rstrip("/") + "/"
    if settings.oauth():
        return await _check_oauth(settings, base, read_installs)
    assert settings.bot_token is not None
    found = []
    if not settings.configured():
        found.append(
            Finding(
                "Slack",
                Status.FAIL,
                "SLACK_BOT_TOKEN is set without a way to receive events",
                "Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).",
            )
        )
    client = AsyncWebClient(token=settings.bot_token.get_secret_value(), base_url=base)
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        return [
            *found,
            Finding(
                "Slack",
                Status.FAIL,
                f"SLACK_BOT_TOKEN rejected ({error.response.get('error')})",
                "Copy the Bot User OAuth Token (xoxb-…) from the Slack app's OAuth & "
                "Permissions page.",
            ),
        ]
    except UNREACHABLE as error:
        return [*found, Finding("Slack", Status.FAIL, f"cannot reach the Slack API ({error})")]
    found.append(Finding("Slack", Status.OK, f"bot {answer.get('user')} in {answer.get('team')}"))
    granted = str(answer.headers.get("x-oauth-scopes", "")).split(",")
    found.append(
        _scopes(
            "Slack scopes",
            granted,
            "Add them under OAuth & Permissions → Bot Token Scopes, then reinstall the app.",
        )
    )
    if settings.app_token is not None:
        found.append(await _check_app_token(base, settings.app_token.get_secret_value()))
    return found


def _scopes(area: str, granted: Iterable[str], fix: str) -> Finding:
    missing = sorted(SLACK_SCOPES - {scope.strip() for scope in granted if scope.strip()})
    if missing:
        return Finding(area, Status.FAIL, "missing " + ", ".join(missing), fix)
    return Finding(area, Status.OK, "all granted")


async def _check_app_token(base: str, token: str) -> Finding:
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


async def _check_oauth(
    settings: SlackSettings, base: str, read_installs: ReadInstalls
) -> list[Finding]:
    # Loading the settings already refused a half-set install, a short state secret and Socket
    # Mode (SLACK_APP_TOKEN): what is left to say is how it is served.
    found = [
        Finding(
            "Slack OAuth",
            Status.OK,
            f"client {settings.client_id}, HTTP mode on port {settings.http_port} at "
            f"{settings.http_path}, installs at {settings.install_path}",
        )
    ]
    if settings.bot_token is not None:
        found.append(
            Finding(
                "Slack OAuth",
                Status.WARN,
                "SLACK_BOT_TOKEN is ignored: each workspace uses the token its install gave",
                "Unset SLACK_BOT_TOKEN, so nobody takes it for the one in use.",
            )
        )
    how = f"open {_install_page(settings)} and choose Add to Slack"
    stored = await read_installs()
    if stored.problem:
        return [*found, Finding("Slack workspaces", Status.FAIL, f"not read: {stored.problem}")]
    total = len(stored.readable) + len(stored.unreadable)
    if total == 0:
        fix = f"Install the app into each school's workspace: {how}."
        return [*found, Finding("Slack workspaces", Status.WARN, "none installed yet", fix)]
    found.append(Finding("Slack workspaces", Status.OK, f"{total} installed"))
    if stored.unreadable:
        found.append(
            Finding(
                "Slack workspaces",
                Status.FAIL,
                f"{len(stored.unreadable)} of {total} tokens cannot be opened with the current "
                f"server secret: {', '.join(stored.unreadable)}",
                "The server secret (STAFFROOM_SECRET, or its file) is not the one they were "
                "installed under: put the earlier one back, or install the app again in each "
                f"of those workspaces ({how}).",
            )
        )
    found += await _check_workspaces(base, stored.readable, how)
    return found


def _install_page(settings: SlackSettings) -> str:
    if settings.redirect_uri:
        public = urlsplit(settings.redirect_uri)
        return f"{public.scheme}://{public.netloc}{settings.install_path}"
    return f"{settings.install_path} at the bot's public address"


async def _check_workspaces(
    base: str, installs: Iterable[WorkspaceInstall], how: str
) -> list[Finding]:
    """Each workspace's token, asked of Slack; a rotating token past its expiry is left alone
    (the bot refreshes it when it next needs it)."""
    found: list[Finding] = []
    accepted = 0
    now = datetime.now(UTC)
    for install in installs:
        area = f"Slack workspace {install.team_id}"
        expires = install.bot_token_expires_at
        if expires is not None and expires.replace(tzinfo=expires.tzinfo or UTC) <= now:
            continue
        try:
            await AsyncWebClient(token=install.bot_token, base_url=base).auth_test()
        except SlackApiError as error:
            refused = f"token refused ({error.response.get('error')})"
            fix = f"The app was removed from that workspace or its token revoked: {how} there."
            found.append(Finding(area, Status.FAIL, refused, fix))
            continue
        except UNREACHABLE as error:
            found.append(Finding("Slack", Status.FAIL, f"cannot reach the Slack API ({error})"))
            return found
        accepted += 1
        fix = (
            "Add them under OAuth & Permissions → Bot Token Scopes, then install the app again "
            f"in that workspace ({how})."
        )
        scopes = _scopes(f"{area} scopes", install.bot_scopes, fix)
        if scopes.status is not Status.OK:
            found.append(scopes)
    if accepted:
        found.insert(0, Finding("Slack tokens", Status.OK, f"{accepted} accepted by Slack"))
    return found
