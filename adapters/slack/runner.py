"""Starting the Slack adapter for `staffroom run`: Socket Mode when `SLACK_APP_TOKEN` is set (no
public URL needed), otherwise an aiohttp server for HTTP mode on `SLACK_HTTP_PORT` at
`SLACK_HTTP_PATH`; either way the outbox's Slack sender is registered with the delivery worker.

Two Web API clients share one connection pool: the outbox's does not wait out rate limits
(the delivery worker reschedules on `RateLimited`, so a 429 never blocks other channels),
the interactive one does (an answer someone is waiting for is worth a short wait).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackAdapter
from adapters.slack.sender import SlackSender, slack_error
from bot.app import Staffroom, StartupError
from bot.config import Settings

log = logging.getLogger("staffroom.slack")

WEB_API_TIMEOUT = 10


def web_client(
    settings: Settings, session: aiohttp.ClientSession, *, patient: bool
) -> AsyncWebClient:
    """A Web API client on `SLACK_API_URL`; a patient one retries 429s and 5xx (twice each)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = AsyncWebClient(
        token=token, base_url=settings.slack_api_url, session=session, timeout=WEB_API_TIMEOUT
    )
    if patient:
        client.retry_handlers.extend(
            [
                AsyncRateLimitErrorRetryHandler(max_retry_count=2),
                AsyncServerErrorRetryHandler(max_retry_count=2),
            ]
        )
    return client


async def who_we_are(client: AsyncWebClient) -> AuthorizeResult:
    """The bot's identity from `auth.test`, once: a bad token stops the start-up, clearly."""
    try:
        response = await client.auth_test()
    except SlackApiError as error:
        raise StartupError(
            f"Slack refused SLACK_BOT_TOKEN ({slack_error(error)}). Copy the Bot User OAuth "
            "Token from your app's OAuth & Permissions page."
        ) from error
    except (aiohttp.ClientError, OSError) as error:
        raise StartupError(f"Could not reach Slack at SLACK_API_URL: {error}") from error
    return AuthorizeResult.from_auth_test_response(
        auth_test_response=response, bot_token=client.token
    )


@dataclass
class RunningSlack:
    """The started adapter; `port` is the HTTP port actually bound (None in Socket Mode)."""

    adapter: SlackAdapter
    session: aiohttp.ClientSession
    http: web.AppRunner | None = None
    socket: AsyncSocketModeHandler | None = None
    port: int | None = None

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()
        if self.http is not None:
            await self.http.cleanup()
        await self.adapter.drain()
        await self.session.close()


async def start(app: Staffroom) -> RunningSlack:
    """Start Slack in the mode the settings choose and register its outbound sender."""
    settings = app.settings
    if settings.slack_bot_token is None:
        raise StartupError("SLACK_BOT_TOKEN is not set.")
    app_token, secret = settings.slack_app_token, settings.slack_signing_secret
    if app_token is None and secret is None:
        raise StartupError("Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).")
    session = aiohttp.ClientSession()
    interactive = web_client(settings, session, patient=True)
    try:
        bot = await who_we_are(interactive)
    except StartupError:
        await session.close()
        raise
    app.worker.add_sender(SlackSender(web_client(settings, session, patient=False)))
    if app_token is not None:
        adapter = SlackAdapter(
            app.core, client=interactive, bot=bot, signing_secret="", verify_requests=False
        )
        socket = AsyncSocketModeHandler(
            adapter.bolt, app_token.get_secret_value(), web_client=interactive
        )
        await socket.connect_async()
        log.info("Slack: connected in Socket Mode")
        return RunningSlack(adapter, session, socket=socket)
    assert secret is not None
    adapter = SlackAdapter(
        app.core, client=interactive, bot=bot, signing_secret=secret.get_secret_value()
    )
    server = web.AppRunner(
        adapter.bolt.web_app(path=settings.slack_http_path, port=settings.slack_http_port),
        access_log=None,
    )
    await server.setup()
    site = web.TCPSite(server, settings.slack_http_host, settings.slack_http_port)
    await site.start()
    port = int(server.addresses[0][1])
    log.info("Slack: HTTP mode, listening on port %s at %s", port, settings.slack_http_path)
    return RunningSlack(adapter, session, http=server, port=port)
