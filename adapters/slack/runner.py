"""Starting the Slack adapter for `staffroom run`: Socket Mode when `SLACK_APP_TOKEN` is set (no
public URL needed), otherwise HTTP mode, served on `SLACK_HTTP_PORT` at `SLACK_HTTP_PATH` by
the intake process (`adapters.slack.intake`); either way the outbox's Slack sender is
registered with the delivery worker.

Two Web API clients share one connection pool: the outbox's does not wait out rate limits
(the delivery worker reschedules on `RateLimited`, so a 429 never blocks other channels),
the interactive one does (an answer someone is waiting for is worth a short wait).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackAdapter
from adapters.slack.intake_process import IntakeProcess
from adapters.slack.link import IntakeConfig
from adapters.slack.sender import SlackSender, slack_error
from bot.app import Staffroom, StartupError
from bot.runtime.config import Settings

log = logging.getLogger("staffroom.slack")

WEB_API_TIMEOUT = 10


def web_client(
    settings: Settings, session: aiohttp.ClientSession, *, patient: bool
) -> AsyncWebClient:
    """A Web API client on `SLACK_API_URL`; a patient one retries 429s and 5xx (twice each),
    an impatient one (the outbox's) nothing: after a lost answer it looks before it resends."""
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
    else:
        client.retry_handlers.clear()  # slack_sdk would resend a post whose connection closed
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
    intake: IntakeProcess | None = None
    socket: AsyncSocketModeHandler | None = None

    @property
    def port(self) -> int | None:
        return self.intake.port if self.intake is not None else None

    async def settle(self) -> None:
        """Wait until every request received so far has been handled and answered."""
        if self.intake is not None:
            await self.intake.sync()
        await self.adapter.drain()

    async def stop(self) -> None:
        if self.socket is not None:
            await self.socket.close_async()
        if self.intake is not None:
            await self.intake.stop()
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
        adapter = SlackAdapter(app.core, client=interactive)
        socket = AsyncSocketModeHandler(
            adapter.socket_mode_app(bot), app_token.get_secret_value(), web_client=interactive
        )
        await socket.connect_async()
        log.info("Slack: connected in Socket Mode")
        return RunningSlack(adapter, session, socket=socket)
    assert secret is not None
    adapter = SlackAdapter(app.core, client=interactive)
    intake = IntakeProcess(
        adapter,
        IntakeConfig(
            signing_secret=secret.get_secret_value(),
            host=settings.slack_http_host,
            port=settings.slack_http_port,
            path=settings.slack_http_path,
            team_id=bot.team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            log_level=settings.log_level,
            log_format=settings.log_format,
            holds=adapter.holds(),
        ),
    )
    try:
        port = await intake.start()
    except StartupError:
        await session.close()
        raise
    app.readiness.add("Slack intake", intake.serving)
    log.info("Slack: HTTP mode, listening on port %s at %s", port, settings.slack_http_path)
    return RunningSlack(adapter, session, intake=intake)
