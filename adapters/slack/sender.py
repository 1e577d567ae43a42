"""Posting to Slack with slack_sdk's `AsyncWebClient`: the outbox's `ChatSender`, and the
calls interactive answers share with it (post, direct message, file upload).

Slack's refusals are mapped onto the delivery worker's vocabulary: HTTP 429, and an
`ok: false` answer whose error is `ratelimited`, become `RateLimited(Retry-After)`; errors that
will never succeed (channel gone, archived, bot removed, account deactivated, bad blocks)
become `PermanentFailure`; anything else is raised as it is and retried with backoff. A bot
that is not in a public channel joins it and tries once more. Files go with `files_upload_v2`
after the message, in the same place.

Every call uses the client of the workspace it is for (`WorkspaceClients`): the one bot token
of a single-workspace install, or that workspace's own token. A workspace where Staffroom is
no longer installed fails for good (`NOT_INSTALLED`), so its facilitators hear of it. With a
token per workspace, a message reference names its workspace too (`T…/C…:ts`), so an edit
goes through the right token.

An outbox message carries its token in the message's metadata (`staffroom_outbox`), so that
after a lost answer `find_posted` can look for it with `conversations.history` (or
`conversations.replies` in a thread) and finish it (its files) instead of posting it again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import blocks
from adapters.slack.mrkdwn import escape
from adapters.slack.recent import Recent
from adapters.slack.translate import PLATFORM
from adapters.slack.workspaces import NotInstalled, WorkspaceClients
from bot.delivery.ports import Destination, PermanentFailure, RateLimited
from bot.kernel.replies import Attachment, Image, Reply

log = logging.getLogger("staffroom.slack.sender")

PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "restricted_action",
        "restricted_action_read_only_channel",
        "team_access_not_granted",
        "ekm_access_denied",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "invalid_arguments",
    }
)
NOT_INSTALLED = (
    "Staffroom was removed from that Slack workspace (not_installed); an admin there can add it "
    "again from the install page"
)
RATE_LIMITED = frozenset({"ratelimited", "rate_limited"})
OUTBOX_EVENT = "staffroom_outbox"
LOOKBACK = 200
"""How many of the newest messages (in the last day) `find_posted` looks through."""
LOOKBACK_SECONDS = 86_400
UNREADABLE = "unreadable_answer"
UNREADABLE_HISTORY = frozenset({"missing_scope", "not_in_channel"})
UPLOAD_PATIENCE = 3
"""Rate-limited file uploads wait and retry this often: the message is already posted, so
retrying the whole send would post it twice."""


def slack_error(error: SlackApiError) -> str:
    response = error.response
    if not isinstance(response, AsyncSlackResponse):  # a body slack_sdk could not read
        return UNREADABLE
    return str(response.get("error") or f"http_{response.status_code}")


def retry_after(error: SlackApiError) -> float | None:
    """Seconds Slack asked us to wait, if this was HTTP 429 or a `ratelimited` answer
    (Retry-After, else 1 s)."""
    response = error.response
    if not isinstance(response, AsyncSlackResponse):
        return None
    if response.status_code != 429 and slack_error(error) not in RATE_LIMITED:
        return None
    headers = {key.lower(): value for key, value in (response.headers or {}).items()}
    value = headers.get("retry-after", "1")
    try:
        return float(value[0] if isinstance(value, list) else value)
    except ValueError:
        return 1.0


class UnreadableAnswer(Exception):
    """Slack's answer could not be read: it may have posted the message."""


@contextmanager
def delivery_errors() -> Iterator[None]:
    """Slack's errors as `RateLimited` / `PermanentFailure`; others pass through."""
    try:
        yield
    except NotInstalled as error:
        raise PermanentFailure(NOT_INSTALLED) from error
    except SlackApiError as error:
        wait = retry_after(error)
        if wait is not None:
            raise RateLimited(wait) from error
        reason = slack_error(error)
        if reason in PERMANENT_ERRORS:
            raise PermanentFailure(reason) from error
        if reason == UNREADABLE:
            # slack_sdk's message quotes the body, which may hold the message's words.
            raise UnreadableAnswer("Slack's answer could not be read") from error
        raise


def split_ref(message_ref: str) -> tuple[str, str]:
    """(channel, ts) of a message reference, with or without its workspace."""
    channel, _, ts = message_ref.rpartition("/")[2].partition(":")
    return channel, ts


def ref_workspace(message_ref: str) -> str:
    """The workspace a message reference names ("" for one made with a single token)."""
    workspace, _, _ = message_ref.rpartition("/")
    return workspace


class SlackSender:
    """Implements `bot.delivery.ports.ChatSender` for Slack, each workspace with its token."""

    platform = PLATFORM

    def __init__(self, clients: WorkspaceClients) -> None:
        self.clients = clients
        self._direct_channels: Recent[tuple[str, str], str] = Recent(10_000)

    # --- the port ----------------------------------------------------------------------

    async def send(self, destination: Destination, reply: Reply) -> str:
        with delivery_errors():
            workspace = destination.workspace
            channel = await self._conversation(destination)
            thread = split_ref(destination.thread_ref)[1] if destination.thread_ref else None
            return await self.post(
                workspace, channel, reply, thread=thread, token=destination.token
            )

    async def find_posted(self, destination: Destination, reply: Reply) -> str | None:
        """The message posted earlier with `destination.token`, its files uploaded now (they
        go after the message, so they were not); None if Slack does not show it."""
        with delivery_errors():
            workspace = destination.workspace
            channel = await self._conversation(destination)
            thread = split_ref(destination.thread_ref)[1] if destination.thread_ref else None
            ts = await self._posted_with(workspace, channel, destination.token, thread)
            if ts is None:
                return None
            files = blocks.files_of(reply)
            if files:
                await self.upload(workspace, channel, files, thread=thread)
            return self.ref(workspace, channel, ts)

    async def _conversation(self, destination: Destination) -> str:
        if destination.user_id is not None:
            return await self.direct_channel(destination.workspace, destination.user_id)
        if destination.channel is None:
            raise PermanentFailure("no channel or person to send to")
        return destination.channel

    async def _posted_with(
        self, workspace: str, channel: str, token: str, thread: str | None
    ) -> str | None:
        """The ts of the bot's recent message carrying `token` in its metadata, if any."""
        if not token:
            return None
        client = await self.clients.client(workspace)
        since = f"{time.time() - LOOKBACK_SECONDS:.6f}"
        try:
            if thread is None:
                response = await client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=LOOKBACK, oldest=since
                )
            else:
                response = await client.conversations_replies(
                    channel=channel,
                    ts=thread,
                    include_all_metadata=True,
                    limit=LOOKBACK,
                    oldest=since,
                )
        except SlackApiError as error:
            if slack_error(error) not in UNREADABLE_HISTORY:
                raise
            # Sending again may repeat the message, but a message is never lost for it.
            log.warning("cannot look for a message whose answer was lost: %s", slack_error(error))
            return None
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == OUTBOX_EVENT and payload.get("token") == token:
                return str(message["ts"])
        return None

    async def edit(self, message_ref: str, reply: Reply) -> None:
        channel, ts = split_ref(message_ref)
        with delivery_errors():
            client = await self.clients.client(ref_workspace(message_ref))
            await client.chat_update(channel=channel, ts=ts, **blocks.message(reply))

    # --- shared with interactive answers -----------------------------------------------

    async def direct_channel(self, workspace: str, user_id: str) -> str:
        """The bot's conversation with a person (opened once, then remembered)."""
        channel = self._direct_channels.get((workspace, user_id))
        if channel is None:
            client = await self.clients.client(workspace)
            response = await client.conversations_open(users=user_id)
            channel = str(response["channel"]["id"])
            self._direct_channels.put((workspace, user_id), channel)
        return channel

    async def post(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        *,
        thread: str | None = None,
        token: str = "",
    ) -> str:
        """Post a reply as the bot (an outbox message with its `token`), then its files;
        returns "channel:ts" (with a token per workspace, "workspace/channel:ts")."""
        client = await self.clients.client(workspace)
        payload = blocks.message(reply)
        if token:
            payload["metadata"] = {"event_type": OUTBOX_EVENT, "event_payload": {"token": token}}
        files = blocks.files_of(reply)
        if not payload["blocks"] and files:
            payload["text"] = "📎 " + ", ".join(escape(blocks.file_title(f)) for f in files)
        try:
            response = await client.chat_postMessage(channel=channel, thread_ts=thread, **payload)
        except SlackApiError as error:
            if slack_error(error) != "not_in_channel" or not await self._join(client, channel):
                raise
            response = await client.chat_postMessage(channel=channel, thread_ts=thread, **payload)
        posted_channel = str(response.get("channel") or channel)
        ts = str(response["ts"])
        if files:
            await self.upload(workspace, posted_channel, files, thread=thread)
        return self.ref(workspace, posted_channel, ts)

    def ref(self, workspace: str, channel: str, ts: str) -> str:
        """The reference of a posted message: "channel:ts", naming the workspace first
        ("workspace/channel:ts") when each has its own token, so an edit can use it."""
        return f"{workspace}/{channel}:{ts}" if self.clients.per_workspace else f"{channel}:{ts}"

    async def _join(self, client: AsyncWebClient, channel: str) -> bool:
        """Join a public channel we were not in (private ones need an invitation)."""
        try:
            await client.conversations_join(channel=channel)
        except SlackApiError as error:
            log.info("could not join channel %s: %s", channel, slack_error(error))
            return False
        return True

    async def upload(
        self,
        workspace: str,
        channel: str,
        files: list[Image | Attachment],
        *,
        thread: str | None = None,
    ) -> None:
        """Upload files to a channel; a failure is logged, not raised (the message is out)."""
        client = await self.clients.client(workspace)
        for file in files:
            for attempt in range(1, UPLOAD_PATIENCE + 1):
                try:
                    await client.files_upload_v2(
                        channel=channel,
                        thread_ts=thread,
                        content=file.data,
                        filename=file.filename,
                        title=blocks.file_title(file),
                        alt_txt=file.alt if isinstance(file, Image) else None,
                    )
                    break
                except SlackApiError as error:
                    wait = retry_after(error)
                    if wait is None or attempt == UPLOAD_PATIENCE:
                        log.warning("file upload failed: %s", slack_error(error))
                        break
                    await asyncio.sleep(wait)
