"""Answering Discord interactions — commands, button presses, modal answers — inside
Discord's three seconds.

Each interaction becomes one core event. The core runs on its database threads while the
interaction waits: a reply ready before the deadline is the response itself (callback type 4,
or 9 for a form); otherwise — or at once, for a command, button or form the registry marks
`slow` — the interaction is deferred (type 5, "thinking", privately, for commands and modal
answers; type 6 for buttons) and the reply follows up. Replies are private unless the core made
them public, so an anonymous question is answered privately while the core posts it through
the outbox: the channel never shows who used the command.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord import custom_ids, forms
from adapters.discord.command_plan import Leaf
from adapters.discord.inbound import actor_of, message_ref, place_of, workspace_of
from adapters.discord.parked import ParkedForm, ParkedForms
from adapters.discord.render import Rendered, render
from bot.kernel.events import ButtonPress, Command, Event, FormSubmit
from bot.kernel.replies import Form, Reply
from bot.kernel.router import Resolved, resolve

if TYPE_CHECKING:
    from bot.kernel.dispatcher import Core

log = logging.getLogger("staffroom.discord")

DEADLINE_SECONDS = 2.0
"""How long the core may take before the interaction is deferred (Discord allows 3 s in all)."""
NO_SERVER = "Please use Staffroom from a channel of your server."
FORM_LOST = (
    "Sorry — this form was open while Staffroom restarted, and its answers could not be kept. "
    "Please start again."
)
FORM_EXPIRED = "That form has expired — please start again."
NOT_OUR_FORM = (
    "That form isn't one Staffroom can take (it may be from an older version, or another "
    "app's). Please start again; `/staffroom help` lists what you can do."
)
COMMAND_FAILED = (
    "Sorry — that command didn't work. If Staffroom was just updated, Discord may still be "
    "showing old commands for a minute; `/staffroom help` lists the current ones."
)


class Interactions:
    """Turns interactions into core events and the core's replies into interaction responses."""

    def __init__(self, core: Core, *, deadline: float = DEADLINE_SECONDS) -> None:
        self.core = core
        self.deadline = deadline
        self.parked = ParkedForms()

    # --- the four kinds of interaction ------------------------------------------------------

    async def command(
        self, interaction: discord.Interaction, leaf: Leaf, typed: str | None
    ) -> None:
        """`/staffroom …`: the leaf and its text option stand for one line of command text."""
        workspace = workspace_of(interaction)
        if workspace is None:
            await say(interaction, NO_SERVER)
            return
        text = leaf.text(typed)
        resolved = resolve(self.core.registry, text)
        slow = isinstance(resolved, Resolved) and resolved.spec.slow
        event = Command(actor_of(interaction, workspace), place_of(interaction, workspace), text)
        await self._answer(interaction, event, workspace, slow=slow)

    async def press(
        self, interaction: discord.Interaction, action: str, value: str, guild: str | None
    ) -> None:
        """A core button: its action and value come from its custom id."""
        workspace = workspace_of(interaction, guild)
        if workspace is None:
            await say(interaction, NO_SERVER)
            return
        message = interaction.message
        ref = message_ref(workspace, message.channel.id, message.id) if message else None
        actor, place = actor_of(interaction, workspace), place_of(interaction, workspace)
        spec = self.core.registry.buttons.get(action)
        event = ButtonPress(actor, place, action, value, ref)
        await self._answer(interaction, event, workspace, slow=spec is not None and spec.slow)

    async def submit(self, interaction: discord.Interaction) -> None:
        """A modal's answers; the modal's custom id says which form (and part) they are for."""
        data: Mapping[str, Any] = interaction.data or {}
        ref = custom_ids.parse_form(str(data.get("custom_id", "")))
        if ref is None:
            log.info("a form Staffroom did not make was submitted")
            await say(interaction, NOT_OUR_FORM)
            return
        values = forms.answers(data.get("components", []))
        user_id = str(interaction.user.id)
        parked = self.parked.get(ref.token, user_id)
        if parked is not None:
            parked.values.update(values)
            if ref.part + 1 < forms.part_count(parked.form):
                parked.next_part = ref.part + 1
                self.parked.park(parked, ref.token)
                rendered = forms.continue_message(parked.form, ref.part + 1, ref.token)
                await _send(interaction, rendered, ephemeral=True)
                return
            form_id, context, values = parked.form.form_id, parked.form.context, parked.values
            workspace: str | None = parked.workspace
        elif ref.form_id is not None and ref.part == 0:
            form_id, context = ref.form_id, ref.context
            workspace = workspace_of(interaction, ref.guild)
        else:
            await say(interaction, FORM_LOST)
            return
        if workspace is None:
            await say(interaction, NO_SERVER)
            return
        actor, place = actor_of(interaction, workspace), place_of(interaction, workspace)
        event = FormSubmit(actor, place, form_id, values, context)
        spec = self.core.registry.forms.get(form_id)
        await self._answer(
            interaction, event, workspace, slow=spec is not None and spec.slow, token=ref.token
        )

    async def resume(self, interaction: discord.Interaction, token: str) -> None:
        """ "Continue" or "Fix my answers": the next modal of a form in progress."""
        parked = self.parked.get(token, str(interaction.user.id))
        if parked is None:
            await say(interaction, FORM_EXPIRED)
            return
        await self._open_modal(interaction, parked, token)

    # --- running the core and responding ---------------------------------------------------

    async def _answer(
        self,
        interaction: discord.Interaction,
        event: Event,
        workspace: str,
        *,
        slow: bool,
        token: str | None = None,
    ) -> None:
        work = asyncio.ensure_future(self.core.handle(event))
        if slow:
            await _defer(interaction)
        else:
            done, _ = await asyncio.wait({work}, timeout=self.deadline)
            if not done:
                await _defer(interaction)
        reply = await work
        try:
            await self._respond(interaction, reply, workspace, token)
        except discord.HTTPException as error:
            log.warning(
                "could not answer an interaction: kind=%s status=%s code=%s",
                type(event).__name__,
                error.status,
                error.code,
            )

    async def _respond(
        self,
        interaction: discord.Interaction,
        reply: Reply | None,
        workspace: str,
        token: str | None,
    ) -> None:
        if reply is None:
            if not interaction.response.is_done():
                await interaction.response.defer()
            return
        parked = self.parked.get(token, str(interaction.user.id)) if token else None
        if reply.field_errors and parked is not None and token is not None:
            parked.next_part = 0
            self.parked.park(parked, token)
            rendered = forms.errors_message(parked.form, reply.field_errors, token)
            await _send(interaction, rendered, ephemeral=True)
            return
        if token is not None:
            self.parked.drop(token)
        if reply.form is not None:
            await self._open_form(interaction, reply.form, workspace)
            return
        if reply.field_errors:
            problems = "\n".join(f"• {problem}" for problem in reply.field_errors.values())
            await say(interaction, f"{problems}\n{FORM_LOST}")
            return
        dm_guild = workspace if interaction.guild_id is None else None
        await _send(interaction, render(reply, dm_guild=dm_guild), ephemeral=not reply.public)

    async def _open_form(
        self, interaction: discord.Interaction, form: Form, workspace: str
    ) -> None:
        parked = ParkedForm(form, str(interaction.user.id), workspace)
        token = self.parked.park(parked)
        if (
            interaction.response.is_done()
            or interaction.type is discord.InteractionType.modal_submit
        ):
            # Discord opens a modal only as the first answer, and never in answer to a modal.
            await _send(interaction, forms.open_form_message(form, token), ephemeral=True)
            return
        await self._open_modal(interaction, parked, token)

    async def _open_modal(
        self, interaction: discord.Interaction, parked: ParkedForm, token: str
    ) -> None:
        form = parked.form
        ref = custom_ids.FormRef(
            token=token,
            part=parked.next_part,
            guild=parked.workspace if interaction.guild_id is None else None,
            form_id=form.form_id if forms.part_count(form) == 1 else None,
            context=form.context,
        )
        modal = forms.build_modal(form, parked.next_part, custom_ids.form_id(ref), parked.values)
        # The answer is routed by the modal's custom id (see `submit`), which works after a
        # restart too; discord.py must not also keep the modal waiting in its view store.
        modal.stop()
        await interaction.response.send_modal(modal)


async def _defer(interaction: discord.Interaction) -> None:
    if interaction.response.is_done():
        return
    if interaction.type is discord.InteractionType.component:
        await interaction.response.defer()  # type 6: nothing visible changes yet
    else:
        await interaction.response.defer(ephemeral=True, thinking=True)  # type 5


async def say(interaction: discord.Interaction, text: str) -> None:
    """A short private answer of the adapter's own."""
    await _send(interaction, render(Reply.say(text)), ephemeral=True)


async def _send(interaction: discord.Interaction, rendered: Rendered, *, ephemeral: bool) -> None:
    """Respond, or follow up a deferred response, with a private or public message."""
    response = interaction.response
    kwargs = rendered.send_kwargs()
    if not response.is_done():
        await response.send_message(ephemeral=ephemeral, **kwargs)
    elif ephemeral or response.type is discord.InteractionResponseType.deferred_message_update:
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    else:
        # A deferral "thinks" privately and its follow-up stays private, so a public reply to
        # a slow command is posted as the bot's own message and the private placeholder goes.
        await interaction.delete_original_response()
        channel = interaction.channel
        if isinstance(channel, discord.abc.Messageable):
            await channel.send(**kwargs)
