"""Delivering the core's answer to an interaction, after Slack has been acknowledged.

Where it goes depends on the answer and on where the interaction happened: a form opens as a
modal (`views.open`, or `views.push` over a modal); a public answer is posted as the bot in the
channel; a private one goes through the interaction's `response_url`, else `chat.postEphemeral`,
else the person's conversation with the bot; an answer to a press in the App Home opens as a
modal, and one in a modal replaces that modal's content. Files cannot be ephemeral, so the
files of a private answer are sent to the person's conversation with the bot. Every call goes
with the token of the workspace the interaction came from.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import blocks
from adapters.slack.forms import FormOrigin, form_view
from adapters.slack.sender import SlackSender, slack_error
from adapters.slack.translate import Origin
from adapters.slack.workspaces import WorkspaceClients
from bot.kernel.replies import Attachment, Context, Image, Reply, Text, Tone

log = logging.getLogger("staffroom.slack.answers")


def form_origin(form_id: str, context: str, origin: Origin) -> FormOrigin:
    return FormOrigin(
        form_id=form_id,
        context=context,
        channel=origin.channel,
        channel_name=origin.channel_name,
        thread=origin.thread,
        is_direct=origin.is_direct,
        response_url=origin.response_url,
    )


def errors_as_text(reply: Reply) -> Reply:
    """Field errors outside a modal (the modal was already closed): a private message."""
    problems = "\n".join(
        f"• **{name}**: {text}" for name, text in (reply.field_errors or {}).items()
    )
    return Reply((Text(f"Please correct the form and try again:\n{problems}"),), tone=Tone.WARNING)


class Answers:
    """Delivers answers with a patient Web API client (it waits out 429s and retries 5xx)."""

    def __init__(self, sender: SlackSender) -> None:
        self.sender = sender
        self.clients: WorkspaceClients = sender.clients

    async def deliver(self, reply: Reply | None, origin: Origin) -> None:
        if reply is None:
            return
        try:
            await self._deliver(reply, origin)
        except (SlackClientError, aiohttp.ClientError, OSError, TimeoutError) as error:
            reason = (
                slack_error(error) if isinstance(error, SlackApiError) else type(error).__name__
            )
            log.warning("could not deliver an answer on %s: %s", origin.surface, reason)

    async def publish_home(self, workspace: str, user_id: str, reply: Reply) -> None:
        """Show a reply as the person's App Home tab."""
        try:
            client = await self.clients.client(workspace)
            await client.views_publish(user_id=user_id, view=blocks.home_view(reply))
        except SlackClientError as error:
            reason = slack_error(error) if isinstance(error, SlackApiError) else str(error)
            log.warning("could not publish the App Home: %s", reason)

    async def _deliver(self, reply: Reply, origin: Origin) -> None:
        if reply.form is not None:
            await self.open_form(reply, origin)
            return
        if reply.field_errors:
            reply = errors_as_text(reply)
        if not reply.blocks:
            return
        if reply.public and origin.channel:
            await self._post_publicly(reply, origin)
        else:
            await self._answer_privately(reply, origin)

    async def open_form(self, reply: Reply, origin: Origin) -> None:
        assert reply.form is not None
        view = form_view(
            reply.form, form_origin(reply.form.form_id, reply.form.context, origin), reply.blocks
        )
        client = await self.clients.client(origin.workspace)
        try:
            if origin.surface == "modal" and origin.view_id:
                await client.views_push(trigger_id=origin.trigger_id or "", view=view)
            else:
                await client.views_open(trigger_id=origin.trigger_id or "", view=view)
        except SlackApiError as error:
            # The trigger lasts three seconds; if it lapsed, say so rather than stay silent.
            log.info("could not open a form: %s", slack_error(error))
            retry = Reply.say(
                "The form took too long to open — please try again.", tone=Tone.WARNING
            )
            await self._answer_privately(retry, dataclasses.replace(origin, surface="channel"))

    async def _post_publicly(self, reply: Reply, origin: Origin) -> None:
        assert origin.channel is not None
        try:
            await self.sender.post(origin.workspace, origin.channel, reply, thread=origin.thread)
        except SlackApiError as error:
            if not origin.response_url:
                raise
            # A private channel the bot is not in: the command's response_url can still post.
            log.info("posting publicly via response_url: %s", slack_error(error))
            await self.respond(origin.response_url, reply, public=True)

    async def _answer_privately(self, reply: Reply, origin: Origin) -> None:
        files = blocks.files_of(reply)
        if files:
            kept = tuple(b for b in reply.blocks if not isinstance(b, Image | Attachment))
            if not origin.is_direct:
                titles = ", ".join(blocks.file_title(f) for f in files)
                kept += (Context(f"📎 Sent to you in a direct message with Staffroom: {titles}"),)
            reply = dataclasses.replace(reply, blocks=kept)
        await self._show_privately(reply, origin)
        if files:
            workspace = origin.workspace
            direct = origin.channel if origin.is_direct and origin.channel else None
            await self.sender.upload(
                workspace,
                direct or await self.sender.direct_channel(workspace, origin.user_id),
                files,
            )

    async def _show_privately(self, reply: Reply, origin: Origin) -> None:
        workspace = origin.workspace
        if origin.response_url and origin.surface == "channel":
            await self.respond(origin.response_url, reply)  # needs no token
            return
        client = await self.clients.client(workspace)
        if origin.surface == "modal" and origin.view_id:
            await client.views_update(view_id=origin.view_id, view=blocks.result_view(reply))
        elif origin.surface == "home" and origin.trigger_id:
            await client.views_open(trigger_id=origin.trigger_id, view=blocks.result_view(reply))
        elif origin.response_url:
            await self.respond(origin.response_url, reply)
        elif origin.channel and origin.is_direct:
            await self.sender.post(workspace, origin.channel, reply, thread=origin.thread)
        elif origin.channel:
            await client.chat_postEphemeral(
                channel=origin.channel,
                user=origin.user_id,
                thread_ts=origin.thread,
                **blocks.message(reply),
            )
        else:
            channel = await self.sender.direct_channel(workspace, origin.user_id)
            await self.sender.post(workspace, channel, reply)

    async def respond(self, response_url: str, reply: Reply, *, public: bool = False) -> None:
        """Post to an interaction's response_url (valid 30 minutes, five times)."""
        body: dict[str, Any] = {
            **blocks.message(reply),
            "response_type": "in_channel" if public else "ephemeral",
            "replace_original": False,
        }
        template = self.clients.template
        webhook = AsyncWebhookClient(
            response_url, session=template.session, retry_handlers=template.retry_handlers
        )
        response = await webhook.send_dict(body)
        if response.status_code >= 400:
            log.warning("response_url answered HTTP %s", response.status_code)
