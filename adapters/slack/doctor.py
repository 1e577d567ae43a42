"""`staffroom doctor`'s Slack checks: the bot token works (`auth.test`), its scopes (the
`x-oauth-scopes` header of that answer) cover what the bot uses, and the app token, if set, can
open a Socket Mode connection. At `SLACK_API_URL`, so tests can point them at a local fake.
Loaded by the composition root only when the doctor runs and a bot token is set."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime.config import Settings
from bot.runtime.diagnosis import Finding, Status

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


async def check(settings: Settings) -> list[Finding]:
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
