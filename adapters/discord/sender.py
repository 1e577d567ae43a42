"""Outbound delivery on Discord: the core's outbox messages posted, threaded, DMed and edited.

Implements `bot.delivery.ports.ChatSender`. Message references are `server/channel/message`. A message
threaded under another goes into the Discord thread started from that message (whose id is
the message's), created on first use and named after the message it hangs from. Failures are
mapped for the delivery worker: a refusal (403: missing access, DMs closed) or something gone
(404: unknown channel, user or message) or a malformed message (400) will never succeed and is
a `PermanentFailure`; a rate limit longer than discord.py waits out itself is `RateLimited`;
anything else (5xx, network) is retried by the worker. An outbox message goes with its token
as the nonce, which discord.py sends with `enforce_nonce`: when an answer was lost, the retry
gets the message already posted back instead of posting another (Discord remembers a nonce
for a few minutes, which the worker's first retries fall within).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import discord

from adapters.discord.inbound import PLATFORM, message_ref, parse_message_ref
from adapters.discord.markup import shorten
from adapters.discord.render import Rendered, render
from bot.delivery.ports import Destination, PermanentFailure, RateLimited
from bot.kernel.replies import Reply

UNKNOWN_CHANNEL = 10003
THREAD_NAME_LIMIT = 100
THREAD_ARCHIVE: Literal[10080] = 10080  # minutes: a week, as long as a question stays current
DEFAULT_RETRY_AFTER = 5.0


class DiscordSender:
    """Sends the core's messages through the client's HTTP connection (no gateway needed)."""

    platform = PLATFORM

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def send(self, destination: Destination, reply: Reply) -> str:
        dm_guild = destination.workspace if destination.user_id is not None else None
        async with _mapped_failures():
            channel = await self._channel(destination)
            try:
                message = await channel.send(
                    **_with_nonce(render(reply, dm_guild=dm_guild), destination)
                )
            except discord.NotFound as error:
                if destination.thread_ref is None or error.code != UNKNOWN_CHANNEL:
                    raise
                thread = await self._start_thread(destination.thread_ref)
                message = await thread.send(**_with_nonce(render(reply), destination))
        return message_ref(destination.workspace, message.channel.id, message.id)

    async def edit(self, message_ref: str, reply: Reply) -> None:
        workspace, channel_id, message_id = parse_message_ref(message_ref)
        message = self._client.get_partial_messageable(channel_id).get_partial_message(message_id)
        # A reference does not say whether it is a DM, so buttons always name the server;
        # in a server channel that is harmless (the interaction's own server comes first).
        async with _mapped_failures():
            await message.edit(**render(reply, dm_guild=workspace).edit_kwargs())

    async def _channel(self, destination: Destination) -> discord.abc.Messageable:
        if destination.user_id is not None:
            return await self._client.create_dm(discord.Object(int(destination.user_id)))
        if destination.thread_ref is not None:
            # A thread started from a message has the message's id.
            _, _, message_id = parse_message_ref(destination.thread_ref)
            return self._client.get_partial_messageable(message_id)
        if destination.channel is None:
            raise PermanentFailure("the message has neither a channel nor a person to go to")
        return self._client.get_partial_messageable(int(destination.channel))

    async def _start_thread(self, parent_ref: str) -> discord.abc.Messageable:
        """Start the thread under a message: by plain HTTP, so it works whether or not the
        server is in discord.py's cache."""
        _, channel_id, message_id = parse_message_ref(parent_ref)
        parent = await self._client.get_partial_messageable(channel_id).fetch_message(message_id)
        await self._client.http.start_thread_with_message(
            channel_id, message_id, name=_thread_name(parent), auto_archive_duration=THREAD_ARCHIVE
        )
        return self._client.get_partial_messageable(message_id)


def _with_nonce(rendered: Rendered, destination: Destination) -> dict[str, Any]:
    """The message's arguments, with the outbox token as its nonce (without one, discord.py
    picks a nonce of its own)."""
    kwargs = rendered.send_kwargs()
    if destination.token:
        kwargs["nonce"] = destination.token
    return kwargs


def _thread_name(parent: discord.Message) -> str:
    """The thread is named after what it hangs from: the post's title or first line."""
    for embed in parent.embeds:
        for text in (embed.title, embed.description):
            if text:
                first_line = discord.utils.remove_markdown(text.splitlines()[0])
                return shorten(first_line, THREAD_NAME_LIMIT)
    return "Replies"


@asynccontextmanager
async def _mapped_failures() -> AsyncIterator[None]:
    try:
        yield
    except discord.RateLimited as limited:
        raise RateLimited(limited.retry_after) from limited
    except (discord.Forbidden, discord.NotFound) as error:
        raise PermanentFailure(
            f"Discord said {error.status} ({error.code}): {error.text}"
        ) from error
    except discord.HTTPException as error:
        if error.status == 429:
            after = error.response.headers.get("Retry-After", DEFAULT_RETRY_AFTER)
            raise RateLimited(float(after)) from error
        if error.status == 400:
            raise PermanentFailure(f"Discord refused the message: {error.text}") from error
        raise
