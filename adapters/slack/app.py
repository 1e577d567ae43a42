"""The Slack adapter's listeners, and how they acknowledge in time.

The listeners receive Slack's requests in one of two ways: from slack-bolt's `AsyncApp` in
this process (Socket Mode), or forwarded by the intake process (HTTP mode,
`adapters.slack.intake`), which then gives each request a `deadline` by which its
acknowledgement must be decided. Either way the listeners are the same.

Slack wants every request acknowledged within three seconds. Bolt runs with
`process_before_response=True`, so the response is sent as soon as a listener acknowledges
(bolt's other mode polls for the ack every 10 ms), and each listener decides:

* a slash command from someone whose profile is cached gives the core `COMMAND_BUDGET`
  seconds, unless `CorePace` says the core is too far behind to answer within them: an answer
  ready in time travels in the acknowledgement (an ephemeral message); otherwise the command
  is acknowledged empty and answered through its `response_url` as soon as the core has it.
  A command from someone not yet looked up is acknowledged at once, and the `users.info`
  look-up and the core run afterwards (the admin flag decides what `setup` may do, so the
  core never gets a guessed profile). A command registered as `slow` is acknowledged with
  "Working on it…" at once and answered afterwards;
* a form submission gives the look-up and the core `FORM_BUDGET` seconds, because only the
  acknowledgement can put field errors on the modal (`response_action: errors`) or update it;
* button presses and events are acknowledged at once and handled in the background.

Whichever way, one decision point sends each answer exactly once: in the acknowledgement or
afterwards, never both. No budget runs past a forwarded request's deadline, and when the
intake says an acknowledgement came too late (`ack` returns False), the answer is delivered
afterwards instead — for a form, outside its modal, which Slack has closed by then.

Events API retries are de-duplicated on `event_id` by the core, in the database, in the same
transaction as the event's work, so a retry is handled once whichever replica it reaches
(an App Home opened twice is simply shown twice).

Every call to Slack goes with the token of the workspace it is for (`WorkspaceClients`). When a
workspace uninstalls the app (`app_uninstalled`) or revokes its bot token (`tokens_revoked`),
its tokens are deleted; its network's data stays, and a reinstall carries on where it was.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, translate
from adapters.slack.acks import Ack, carried, fits_in_ack, modal_closed
from adapters.slack.answers import Answers, form_origin
from adapters.slack.forms import FormOrigin, field_errors, form_view
from adapters.slack.identity import ProfileCache
from adapters.slack.link import Holds, Kind
from adapters.slack.listening import listen
from adapters.slack.pace import CorePace
from adapters.slack.sender import SlackSender
from adapters.slack.translate import Origin, Speaker
from adapters.slack.workspaces import WorkspaceClients
from bot.kernel.dispatcher import Core
from bot.kernel.events import Actor, Event
from bot.kernel.replies import Reply, Visibility
from bot.kernel.router import Resolved, resolve

log = logging.getLogger("staffroom.slack")

COMMAND_BUDGET = 0.045
"""Seconds the core gets to answer a slash command in its acknowledgement. One command at a
time the answer is ready in 2-4 ms. Under a burst the answers come at the core's pace, so the
last of 100 commands sent together waits about 100 / (commands a second); a budget shorter than
that sends the tail of every burst through `response_url`, which costs the bot about twice as
much per command, slows it, and sends more through `response_url` still: at 25 ms, 100 in
flight, 4-88% of answers travelled in the ack and the answers' p99 was 36-131 ms; at 45 ms,
97-100% and 36-48 ms (README, "Slack acknowledgements"). A hold that runs out costs its
requester the budget and the link's `GRACE`; holds are given only while the core is expected to
answer within the budget, so that is rare."""
FORM_BUDGET = 2.0
"""Seconds a form submission waits for the core: field errors can only travel in the ack."""
WORKING = "Working on it…"
HOME_WITHOUT_NETWORK = Reply.say(
    "**Staffroom**\nThis workspace isn't part of a Staffroom network yet. A workspace admin can "
    "create one with `/staffroom setup <network name>`; `/staffroom help` shows everything."
)

Answered = tuple[Reply | None, Origin]


class SlackAdapter:
    """The listeners: Slack payloads in, the core's answers out (through bolt in this process
    for Socket Mode, or forwarded by the intake in HTTP mode)."""

    def __init__(
        self,
        core: Core,
        *,
        clients: WorkspaceClients,
        command_budget: float = COMMAND_BUDGET,
        form_budget: float = FORM_BUDGET,
    ) -> None:
        self.core = core
        self._command_budget = command_budget
        self.form_budget = form_budget
        self.on_holds_changed: Callable[[], None] = lambda: None
        """Called whenever `holds()` may have changed (the intake's link sets it, to pass new
        holds on)."""
        self.clients = clients
        self.profiles = ProfileCache(clients)
        self.pace = CorePace(core)
        self.answers = Answers(SlackSender(clients))
        self.tasks: set[asyncio.Task[None]] = set()

    def socket_mode_app(self, bot: AuthorizeResult) -> AsyncApp:
        """A bolt app in this process whose listeners are this adapter's (Socket Mode: the
        requests arrive over its websocket, so there is no signature to check)."""

        async def authorize() -> AuthorizeResult:
            return bot  # one workspace, checked once at start-up (bolt would call auth.test)

        template = self.clients.template
        bolt = AsyncApp(
            # bolt makes a client per request with the token `authorize` gives it.
            client=AsyncWebClient(base_url=template.base_url, session=template.session),
            authorize=authorize,
            signing_secret="",
            request_verification_enabled=False,
            process_before_response=True,
            logger=logging.getLogger("staffroom.slack.bolt"),
        )

        def listener_for(kind: Kind) -> Callable[[Ack, dict[str, Any]], Awaitable[None]]:
            async def listener(ack: Ack, body: dict[str, Any]) -> None:
                await self.handle(kind, ack, body)

            return listener

        listen(bolt, listener_for)
        return bolt

    @property
    def command_budget(self) -> float:
        return self._command_budget

    @command_budget.setter
    def command_budget(self, seconds: float) -> None:
        self._command_budget = seconds
        self.on_holds_changed()

    def holds(self) -> Holds:
        """How long a forwarded request's acknowledgement may wait for an answer: none for a
        command while the core is too far behind to answer one within the budget."""
        keeping_up = self.pace.expected_wait() <= self.command_budget
        return Holds(
            command=self.command_budget if keeping_up else 0.0, submission=self.form_budget
        )

    def receive(self, kind: Kind, ack: Ack, body: dict[str, Any], deadline: float) -> None:
        """A request forwarded by the intake: handled in the background, within `deadline`."""
        self.spawn(self.handle(kind, ack, body, deadline))

    async def handle(
        self, kind: Kind, ack: Ack, body: dict[str, Any], deadline: float = math.inf
    ) -> None:
        """One request of `kind`, acknowledged through `ack` by `deadline`."""
        if kind == "command":
            await self.on_command(ack, body, deadline=deadline)
        elif kind == "action":
            await self.on_action(ack, body)
        elif kind == "submission":
            await self.on_submission(ack, body, deadline=deadline)
        elif kind == "message":
            await self.on_message(body)
        elif kind == "member_joined":
            await self.on_member_joined(body)
        elif kind == "uninstalled":
            await self.on_uninstalled(body)
        else:
            await self.on_home_opened(body)

    # --- background work --------------------------------------------------------------

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        self.on_holds_changed()  # an answer finished: the core may have caught up
        if not task.cancelled() and task.exception() is not None:
            log.error("background Slack work failed", exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for answers still being delivered (at shutdown, and in tests)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def _within(self, answering: asyncio.Future[Answered], budget: float) -> bool:
        """Wait up to `budget` seconds for the answer; True if it is ready (0: do not wait)."""
        if budget > 0:
            await asyncio.wait({answering}, timeout=budget)
        return answering.done()

    async def _answer_later(self, answering: asyncio.Future[Answered]) -> None:
        await self.answers.deliver(*await answering)

    # --- interactions -----------------------------------------------------------------

    async def on_command(
        self, ack: Ack, body: dict[str, Any], *, deadline: float = math.inf
    ) -> None:
        slow = self._is_slow(body.get("text") or "")
        speaker = translate.command_speaker(body)
        budget = self.command_budget if self.profiles.cached(speaker) and not slow else 0.0
        if self.pace.expected_wait() > budget:
            budget = 0.0  # the core is behind: this answer cannot be ready in time
        budget = min(budget, deadline - time.monotonic())
        answering = asyncio.ensure_future(self._command(speaker, body))
        if not await self._within(answering, budget):
            if slow:
                await ack(text=WORKING, response_type=Visibility.EPHEMERAL.value)
            else:
                await ack()  # the answer follows in moments: no "Working on it…" flicker
            self.spawn(self._answer_later(answering))
            return
        reply, origin = answering.result()
        if fits_in_ack(reply):
            assert reply is not None
            message = blocks.message(reply)
            if await carried(ack, response_type=Visibility.EPHEMERAL.value, **message):
                return
        else:
            await ack()
        self.spawn(self.answers.deliver(reply, origin))

    async def _command(self, speaker: Speaker, body: dict[str, Any]) -> Answered:
        command, origin = translate.command(body, await self.profiles.actor(speaker))
        return await self.pace.handle(command), origin

    def _is_slow(self, text: str) -> bool:
        resolved = resolve(self.core.registry, text)
        return isinstance(resolved, Resolved) and resolved.spec.slow

    async def on_action(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        if body.get("type") == "block_actions" and body.get("actions"):
            self.spawn(self._press(body))

    async def _press(self, body: dict[str, Any]) -> None:
        actor = await self.profiles.actor(translate.interaction_speaker(body))
        press, origin = translate.button_press(body, actor)
        await self.answers.deliver(await self.core.handle(press), origin)
        if origin.surface == "home":
            await self._publish_home(actor)

    async def on_submission(
        self, ack: Ack, body: dict[str, Any], *, deadline: float = math.inf
    ) -> None:
        answering = asyncio.ensure_future(self._submission(body))
        form_id = FormOrigin.decode(body["view"].get("private_metadata") or "").form_id
        spec = self.core.registry.forms.get(form_id)
        budget = 0.0 if spec is not None and spec.slow else self.form_budget
        budget = min(budget, deadline - time.monotonic())
        if not await self._within(answering, budget):
            await ack()  # this closes the modal
            self.spawn(self._answer_after_closing(answering))
            return
        reply, origin = answering.result()
        payload: dict[str, Any]
        if reply is not None and reply.field_errors:
            payload = field_errors(reply.field_errors, body["view"].get("blocks") or [])
        elif reply is not None and reply.form is not None:
            opened = form_origin(reply.form.form_id, reply.form.context, origin)
            view = form_view(reply.form, opened, reply.blocks)
            payload = {"response_action": "update", "view": view}
        elif reply is not None and reply.blocks and origin.channel is None:
            # Opened where there is no channel (the App Home): show the answer in the modal.
            payload = {"response_action": "update", "view": blocks.result_view(reply)}
            self.spawn(self._home_of(translate.interaction_speaker(body)))
        else:
            await ack()
            self.spawn(self.answers.deliver(reply, origin))
            return
        if not await carried(ack, **payload):
            self.spawn(self.answers.deliver(reply, modal_closed(origin)))

    async def _answer_after_closing(self, answering: asyncio.Future[Answered]) -> None:
        reply, origin = await answering
        await self.answers.deliver(reply, modal_closed(origin))

    async def _submission(self, body: dict[str, Any]) -> Answered:
        actor = await self.profiles.actor(translate.interaction_speaker(body))
        submit, origin = translate.form_submit(body, actor)
        return await self.core.handle(submit), origin

    # --- events -----------------------------------------------------------------------

    async def on_message(self, body: dict[str, Any]) -> None:
        activity = translate.channel_activity(body)
        if activity is not None:
            self.spawn(self._handle_quietly(activity))
        elif body["event"].get("channel_type") == "im":
            self.spawn(self._direct_message(body))

    async def on_member_joined(self, body: dict[str, Any]) -> None:
        self.spawn(self._handle_quietly(translate.member_joined(body)))

    async def _handle_quietly(self, event: Event) -> None:
        await self.core.handle(event)

    async def _direct_message(self, body: dict[str, Any]) -> None:
        actor = await self.profiles.actor(translate.event_speaker(body))
        translated = translate.direct_command(body, actor)
        if translated is not None:
            command, origin = translated
            await self.answers.deliver(await self.core.handle(command), origin)

    async def on_uninstalled(self, body: dict[str, Any]) -> None:
        """`app_uninstalled`, or `tokens_revoked` naming the bot's tokens: delete them."""
        event, workspace = body["event"], str(body.get("team_id") or "")
        if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
            return  # only user tokens, and Staffroom keeps none
        tokens = self.clients.tokens
        if tokens is None:
            log.warning("Slack: workspace %s removed the app; SLACK_BOT_TOKEN is void", workspace)
            return
        await tokens.uninstalled(workspace, body.get("enterprise_id"))
        log.info("Slack: workspace %s removed the app: its tokens are deleted", workspace)

    async def on_home_opened(self, body: dict[str, Any]) -> None:
        if translate.wants_home(body):
            self.spawn(self._home_of(translate.event_speaker(body)))

    async def _home_of(self, speaker: Speaker) -> None:
        await self._publish_home(await self.profiles.actor(speaker))

    async def _publish_home(self, actor: Actor) -> None:
        reply = await self.core.handle(translate.home(actor))
        await self.answers.publish_home(
            actor.workspace, actor.user_id, reply or HOME_WITHOUT_NETWORK
        )
