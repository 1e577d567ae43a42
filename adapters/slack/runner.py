"""Starting the Slack adapter for `staffroom run`: Socket Mode when `SLACK_APP_TOKEN` is set (no
public URL needed), otherwise HTTP mode, served on `SLACK_HTTP_PORT` at `SLACK_HTTP_PATH` by
the intake process (`adapters.slack.intake`); either way the outbox's Slack sender is
registered with the delivery worker.

With `SLACK_CLIENT_ID` (an OAuth install, HTTP mode) there is no one bot token: the intake
also serves the install pages, and each workspace's token comes from the installation store,
built here on the bot's database (`bot.runtime.installations`: the adapter never touches
storage itself).

Two Web API clients share one connection pool: the outbox's does not wait out rate limits
(the delivery worker reschedules on `RateLimited`, so a 429 never blocks other channels),
the interactive one does (an answer someone is waiting for is worth a short wait).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackAdapter
from adapters.slack.install import InstallPages, oauth_flow
from adapters.slack.installations import InstallationStore, StateStore
from adapters.slack.intake_process import IntakeProcess
from adapters.slack.link import IntakeConfig, Page, PageRequest
from adapters.slack.sender import SlackSender, slack_error
from adapters.slack.settings import SlackSettings
from adapters.slack.workspaces import WorkspaceClients, WorkspaceTokens
from bot.app import Staffroom, StartupError
from bot.runtime.installations import Installations

log = logging.getLogger("staffroom.slack")

WEB_API_TIMEOUT = 10
READINESS = "Slack"  # as the catalogue in `bot.platforms` names it, which readiness expects


def socket_connected(socket: AsyncSocketModeHandler) -> bool:
    """Readiness in Socket Mode: the websocket is open (slack_sdk reconnects it if it drops)."""
    client = socket.client
    session = client.current_session
    return not client.closed and session is not None and not session.closed


def web_client(
    settings: SlackSettings, session: aiohttp.ClientSession, *, patient: bool
) -> AsyncWebClient:
    """A Web API client on `SLACK_API_URL`; a patient one retries 429s and 5xx (twice each),
    an impatient one (the outbox's) nothing: after a lost answer it looks before it resends.
    It carries `SLACK_BOT_TOKEN`, except for an OAuth install (a token per workspace)."""
    bot_token = None if settings.oauth() else settings.bot_token
    token = bot_token.get_secret_value() if bot_token else None
    client = AsyncWebClient(
        token=token, base_url=settings.api_url, session=session, timeout=WEB_API_TIMEOUT
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


async def start(app: Staffroom, settings: SlackSettings) -> RunningSlack:
    """Start Slack in the mode its settings choose and register its outbound sender."""
    if settings.oauth():
        return await _start_oauth(app, settings)
    if settings.bot_token is None:
        raise StartupError("SLACK_BOT_TOKEN is not set.")
    app_token, secret = settings.app_token, settings.signing_secret
    if app_token is None and secret is None:
        raise StartupError("Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).")
    session = aiohttp.ClientSession()
    interactive = web_client(settings, session, patient=True)
    try:
        bot = await who_we_are(interactive)
    except StartupError:
        await session.close()
        raise
    outbound = WorkspaceClients(web_client(settings, session, patient=False))
    app.worker.add_sender(SlackSender(outbound))
    adapter = SlackAdapter(app.core, clients=WorkspaceClients(interactive))
    if app_token is not None:
        socket = AsyncSocketModeHandler(
            adapter.socket_mode_app(bot), app_token.get_secret_value(), web_client=interactive
        )
        await socket.connect_async()
        app.readiness.add(READINESS, lambda: socket_connected(socket))
        log.info("Slack: connected in Socket Mode")
        return RunningSlack(adapter, session, socket=socket)
    config = _intake_config(app, settings, adapter, bot)
    return await _serve_http(app, adapter, session, config)


async def _start_oauth(app: Staffroom, settings: SlackSettings) -> RunningSlack:
    """HTTP mode for any number of workspaces, each installed with Slack's OAuth flow."""
    assert settings.client_id and settings.client_secret
    assert settings.state_secret is not None
    if settings.bot_token is not None:
        log.warning(
            "Slack: SLACK_BOT_TOKEN is ignored: with SLACK_CLIENT_ID every workspace "
            "uses the token its install gave"
        )
    client_secret = settings.client_secret.get_secret_value()
    session = aiohttp.ClientSession()
    interactive = web_client(settings, session, patient=True)
    installations = Installations(
        engine=app.core.engine, run_in_db=app.core.run_in_db, secret=app.core.config.secret
    )
    rotator = AsyncTokenRotator(
        client_id=settings.client_id, client_secret=client_secret, client=interactive
    )
    tokens = WorkspaceTokens(InstallationStore(installations), rotator)
    outbound = WorkspaceClients(web_client(settings, session, patient=False), tokens)
    app.worker.add_sender(SlackSender(outbound))
    adapter = SlackAdapter(app.core, clients=WorkspaceClients(interactive, tokens))
    pages = InstallPages(
        oauth_flow(
            client=interactive,
            tokens=tokens,
            state_store=StateStore(installations, settings.state_secret.get_secret_value()),
            client_id=settings.client_id,
            client_secret=client_secret,
            install_path=settings.install_path,
            redirect_path=settings.redirect_path,
            redirect_uri=settings.redirect_uri,
        )
    )
    config = _intake_config(app, settings, adapter, None, pages=pages.paths)
    running = await _serve_http(app, adapter, session, config, pages)
    log.info("Slack: installs at %s", settings.install_path)
    return running


def _intake_config(
    app: Staffroom,
    settings: SlackSettings,
    adapter: SlackAdapter,
    bot: AuthorizeResult | None,
    *,
    pages: tuple[str, ...] = (),
) -> IntakeConfig:
    assert settings.signing_secret is not None
    return IntakeConfig(
        signing_secret=settings.signing_secret.get_secret_value(),
        host=settings.http_host,
        port=settings.http_port,
        path=settings.http_path,
        team_id=bot.team_id if bot else None,
        bot_user_id=bot.bot_user_id if bot else None,
        bot_id=bot.bot_id if bot else None,
        log_level=app.settings.log_level,
        log_format=app.settings.log_format,
        holds=adapter.holds(),
        pages=pages,
    )


async def _serve_http(
    app: Staffroom,
    adapter: SlackAdapter,
    session: aiohttp.ClientSession,
    config: IntakeConfig,
    pages: Callable[[PageRequest], Awaitable[Page]] | None = None,
) -> RunningSlack:
    intake = IntakeProcess(adapter, config, pages)
    try:
        port = await intake.start()
    except StartupError:
        await session.close()
        raise
    app.readiness.add(READINESS, intake.serving)
    log.info("Slack: HTTP mode, listening on port %s at %s", port, config.path)
    return RunningSlack(adapter, session, intake=intake)
