"""Installing Staffroom into a Slack workspace with Slack's OAuth flow, in the bot's process.

The intake relays the browser's two requests here: `SLACK_INSTALL_PATH` shows an "Add to
Slack" page (bolt issues a one-time `state`, also set as a cookie in that browser), and Slack
sends the installer back to `SLACK_REDIRECT_PATH` with a `code`, which bolt exchanges for the
workspace's bot token (`oauth.v2.access`) once the state checks out: the same browser, signed
by us, unused, under ten minutes old. Anything else gets bolt's failure page and no token.

The token goes to the installation store (our database, sealed), and the workspace's cached
token is forgotten, so a reinstall takes effect at once in this process.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import STATE_SECONDS, StateStore
from adapters.slack.link import Page, PageRequest
from adapters.slack.workspaces import WorkspaceTokens

log = logging.getLogger("staffroom.slack.install")

SCOPES = (
    "commands",
    "chat:write",
    "channels:join",
    "im:write",
    "users:read",
    "files:write",
    "channels:history",
    "groups:history",
    "im:history",
    "channels:read",
    "groups:read",
)
"""The bot scopes asked for, as `deploy/slack/manifest.yaml` justifies them one by one."""

INSTALLED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Staffroom is installed</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 4em auto">
<h1>Staffroom is in your workspace</h1>
<p>Next, in Slack, a workspace admin types one of:</p>
<ul>
<li><code>/staffroom setup join &lt;code&gt;</code> to join a network, with the invitation code
its facilitator made with <code>/staffroom network invite</code>;</li>
<li><code>/staffroom setup &lt;network name&gt;</code> to start a new network.</li>
</ul>
<p>Then <code>/invite @Staffroom</code> in each group's channel and
<code>/staffroom group link &lt;group&gt;</code> there. <a href="{slack}">Open Slack</a></p>
</body></html>
"""


def oauth_flow(
    *,
    client: AsyncWebClient,
    tokens: WorkspaceTokens,
    state_store: StateStore,
    client_id: str,
    client_secret: str,
    install_path: str,
    redirect_path: str,
    redirect_uri: str | None,
) -> AsyncOAuthFlow:
    """Bolt's OAuth flow on our stores; `client` reaches Slack's Web API (`oauth.v2.access`)."""

    async def installed(args: AsyncSuccessArgs) -> BoltResponse:
        installation = args.installation
        tokens.forget(installation.team_id or "")
        log.info("Slack: installed in workspace %s", installation.team_id)
        response = await args.default.success(args)  # it also clears the state cookie
        slack = f"slack://app?team={installation.team_id}&id={installation.app_id}"
        response.body = INSTALLED_PAGE.format(slack=html.escape(slack))
        return response

    async def refused(args: AsyncFailureArgs) -> BoltResponse:
        log.warning("Slack: an install was refused (%s)", args.reason)
        return await args.default.failure(args)

    settings = AsyncOAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(SCOPES),
        user_scopes=[],
        redirect_uri=redirect_uri,
        install_path=install_path,
        redirect_uri_path=redirect_path,
        callback_options=AsyncCallbackOptions(success=installed, failure=refused),
        installation_store=tokens.store,
        installation_store_bot_only=True,
        state_store=state_store,
        state_expiration_seconds=STATE_SECONDS,
        logger=logging.getLogger("staffroom.slack.bolt"),
    )
    return AsyncOAuthFlow(client=client, settings=settings)


class InstallPages:
    """Answers the install pages' requests the intake relays, with bolt's OAuth flow."""

    def __init__(self, flow: AsyncOAuthFlow) -> None:
        self.flow = flow

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.flow.install_path, self.flow.redirect_uri_path)

    async def __call__(self, request: PageRequest) -> Page:
        headers: dict[str, str | Sequence[str]] = {"cookie": request.cookie}
        bolt_request = AsyncBoltRequest(body="", query=request.query, headers=headers)
        try:
            if request.path == self.flow.install_path:
                response = await self.flow.handle_installation(bolt_request)
            else:
                response = await self.flow.handle_callback(bolt_request)
        except Exception:
            log.exception("Slack: an install page failed")
            response = BoltResponse(status=500, body="Something went wrong: please try again.")
        headers_out = {name: list(values) for name, values in response.headers.items()}
        return Page(request.request_id, response.status, headers_out, response.body)
