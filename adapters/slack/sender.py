"""Posting to Slack with slack_sdk's `AsyncWebClient`: the outbox's `ChatSender`, and the
calls interactive answers share with it (post, direct message, file upload).

Slack's refusals are mapped onto the delivery worker's vocabulary: HTTP 429, and an
`ok: false` answer whose error is `ratelimited`, become `RateLimited(Retry-After)`; errors that
will never succeed (channel gone, archived, bot removed, account deactivated, bad blocks)
become `PermanentFailure`; anything else is raised as it is and retried with backoff. A bot
that is not in a public channel joins it and tries once more. Files go with `files_upload_v2`
after the message, in the same place.

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
    channel, _, ts = message_ref.partition(":")
    return channel, ts


class SlackSender:
    """Implements `bot.delivery.ports.ChatSender` for Slack (one workspace, one bot token)."""

    platform = PLATFORM

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._direct_channels: Recent[str, str] = Recent(10_000)

    # --- the port ----------------------------------------------------------------------

    async def send(self, destination: Destination, reply: Reply) -> str:
        with delivery_errors():
            channel = await self._conversation(destination)
            thread = split_ref(destination.thread_ref)[1] if destination.thread_ref else None
            return await self.post(channel, reply, thread=thread, token=destination.token)

    async def find_posted(self, destination: Destination, reply: Reply) -> str | None:
        """The message posted earlier with `destination.token`, its files uploaded now (they
        go after the message, so they were not); None if Slack does not show it."""
        with delivery_errors():
            channel = await self._conversation(destination)
            thread = split_ref(destination.thread_ref)[1] if destination.thread_ref else None
            ts = await self._posted_with(channel, destination.token, thread)
            if ts is None:
                return None
            files = blocks.files_of(reply)
            if files:
                await self.upload(channel, files, thread=thread)
            return f"{channel}:{ts}"

    async def _conversation(self, destination: Destination) -> str:
        if destination.user_id is not None:
            return await self.direct_channel(destination.user_id)
        if destination.channel is None:
            raise PermanentFailure("no channel or person to send to")
        return destination.channel

    async def _posted_with(self, channel: str, token: str, thread: str | None) -> str | None:
        """The ts of the bot's recent message carrying `token` in its metadata, if any."""
        if not token:
            return None
        since = f"{time.time() - LOOKBACK_SECONDS:.6f}"
        try:
            if thread is None:
                response = await self.client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=LOOKBACK, oldest=since
                )
            else:
                response = await self.client.conversations_replies(
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
            await self.client.chat_update(channel=channel, ts=ts, **blocks.message(reply))

    # --- shared with interactive answers -----------------------------------------------

    async def direct_channel(self, user_id: str) -> str:
        """The bot's conversation with a person (opened once, then remembered)."""
        channel = self._direct_channels.get(user_id)
        if channel is None:
            response = await self.client.conversations_open(users=user_id)
            channel = str(response["channel"]["id"])
            self._direct_channels.put(user_id, channel)
        return channel

    async def post(
        self, channel: str, reply: Reply, *, thread: str | None = None, token: str = ""
    ) -> str:
        """Post a reply as the bot (an outbox message with its `token`), then its files;
        returns "channel:ts"."""
        payload = blocks.message(reply)
        if token:
            payload["metadata"] = {"event_type": OUTBOX_EVENT, "event_payload": {"token": token}}
        files = blocks.files_of(reply)
        if not payload["blocks"] and files:
            payload["text"] = "📎 " + ", ".join(escape(blocks.file_title(f)) for f in files)
        try:
            response = await self.client.chat_postMessage(
                channel=channel, thread_ts=thread, **payload
            )
        except SlackApiError as error:
            if slack_error(error) != "not_in_channel" or not await self._join(channel):
                raise
            response = await self.client.chat_postMessage(
                channel=channel, thread_ts=thread, **payload
            )
        posted_channel = str(response.get("channel") or channel)
        ts = str(response["ts"])
        if files:
            await self.upload(posted_channel, files, thread=thread)
        return f"{posted_channel}:{ts}"

    async def _join(self, channel: str) -> bool:
        """Join a public channel we were not in (private ones need an invitation)."""
        try:
            await self.client.conversations_join(channel=channel)
        except SlackApiError as error:
            log.info("could not join channel %s: %s", channel, slack_error(error))
            return False
        return True

    async def upload(
        self, channel: str, files: list[Image | Attachment], *, thread: str | None = None
    ) -> None:
        """Upload files to a channel; a failure is logged, not raised (the message is out)."""
        for file in files:
            for attempt in range(1, UPLOAD_PATIENCE + 1):
                try:
                    await self.client.files_upload_v2(
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
