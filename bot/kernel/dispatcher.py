"""The dispatcher: one inbound event in, one reply out, inside one database transaction.

It resolves the workspace's network and the acting member, routes the event to its handler
in the registry, and turns refusals and failures into kind replies. Blocking database work runs
on a small thread pool so the event loop never stalls. Logs name the event kind, the handler
and the outcome — never the actor, never text a member wrote.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.delivery.clock import Clock
from bot.delivery.outbox import Outbox
from bot.kernel.context import Context
from bot.kernel.core_config import CoreConfig
from bot.kernel.events import (
    Actor,
    ButtonPress,
    ChannelActivity,
    Command,
    Event,
    FormSubmit,
    HomeOpened,
)
from bot.kernel.first_contact import first_contact, platform_zone
from bot.kernel.refusals import Refusal
from bot.kernel.registry import Registry
from bot.kernel.replies import Button, Buttons, Reply, Text, Tone
from bot.kernel.router import Resolved, resolve
from bot.runtime.db_threads import DatabaseThreads
from storage import activity, deliveries, directory, networks
from storage.directory import MemberRecord
from storage.networks import NetworkRecord
from storage.uow import HeldConnections, unit_of_work

log = logging.getLogger("staffroom.core")
T = TypeVar("T")
# How long a process trusts its copy of a workspace's network (settings, membership of the
# workspace): a change made through another replica reaches this one within this time. Every
# command reads it, so caching saves a query per event; a few seconds keeps replicas close.
NETWORK_CACHE_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one event, for metrics."""

    kind: str
    handler: str
    result: str
    seconds: float


@dataclass(slots=True)
class _Routed:
    """The handler an event was routed to, kept outside the attempt so a failure names it."""

    handler: str = "-"


class Core:
    """The bot's core. Adapters call `handle`; the scheduler calls `run_in_db` and `context`."""

    def __init__(
        self,
        *,
        engine: Engine,
        registry: Registry,
        clock: Clock,
        config: CoreConfig,
        db_threads: int = 1,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.registry = registry
        self.clock = clock
        self.config = config
        self._threads = DatabaseThreads(db_threads)
        self._held = HeldConnections(engine)
        self._networks: dict[tuple[str, str], tuple[float, NetworkRecord | None]] = {}
        self._on_queued = on_queued
        self._schedules_kept_at: datetime | None = None
        self.outcome_listeners: list[Callable[[Outcome], None]] = []

    # --- running database work ----------------------------------------------------------

    async def run_in_db(self, work: Callable[..., T], *args: Any) -> T:
        """Run blocking database work on the core's thread pool."""
        return await self._threads.run(work, *args)

    def close(self) -> None:
        self._threads.close()
        self._held.close()

    def unit_of_work(self) -> AbstractContextManager[Connection]:
        """A unit of work on the calling thread's own connection (`HeldConnections`): for
        the work the database threads do over and over — events, timers."""
        return self._held.unit_of_work()

    @contextmanager
    def transaction(self, network: NetworkRecord | None = None) -> Any:
        """A unit of work with a fresh context (for timers, the CLI and tests)."""
        with unit_of_work(self.engine) as connection:
            ctx = self.context(connection, self.clock.now(), network)
            yield ctx
        self.after_commit(ctx)

    def context(
        self,
        connection: Connection,
        now: datetime,
        network: NetworkRecord | None,
        *,
        member: MemberRecord | None = None,
        event: Event | None = None,
    ) -> Context:
        """A handler's context, whole from the start: who and where come from the event."""
        return Context(
            connection=connection,
            now=now,
            clock=self.clock,
            config=self.config,
            registry=self.registry,
            outbox=Outbox(connection, now, network.id if network else None),
            network=network,
            member=member,
            actor=event.actor if event else None,
            place=event.place if event else None,
        )

    def schedules_due(self, now: datetime, every: timedelta) -> bool:
        """Whether the features' schedule keepers are due (`every` since they last ran, or a
        network changed since); if so, they count as run now."""
        last = self._schedules_kept_at
        if last is not None and now - last < every:
            return False
        self._schedules_kept_at = now
        return True

    def after_commit(self, ctx: Context) -> None:
        if ctx.network_changed:
            self.forget_networks()
            self._schedules_kept_at = None  # a new network's recurring work is scheduled at once
        if ctx.outbox.queued and self._on_queued is not None:
            self._on_queued()

    # --- events ---------------------------------------------------------------------------

    async def handle(self, event: Event) -> Reply | None:
        """Handle one event; returns the reply for the person who caused it (if any)."""
        return await self.run_in_db(self.handle_now, event)

    def handle_now(self, event: Event) -> Reply | None:
        """Handle one event on the calling thread (a database thread; tests and benchmarks)."""
        started = time.perf_counter()
        kind = type(event).__name__
        routed = _Routed()
        try:
            for attempt in (1, 2):
                try:
                    reply = self._handle_once(event, routed)
                    break
                except IntegrityError:
                    # Two first contacts racing to create the same member, or a double click
                    # creating the same row: the second try sees the first one's work.
                    if attempt == 2:
                        raise
            result = "ok"
        except Refusal as refusal:
            reply, result = refusal.reply(), "refused"
        except Exception:
            error_id = secrets.token_hex(3).upper()
            log.exception(
                "event failed: kind=%s handler=%s error_id=%s", kind, routed.handler, error_id
            )
            reply, result = _apology(error_id), "error"
        seconds = time.perf_counter() - started
        outcome = Outcome(kind, routed.handler, result, seconds)
        for listener in self.outcome_listeners:
            listener(outcome)
        return reply

    def _handle_once(self, event: Event, routed: _Routed) -> Reply | None:
        with self.unit_of_work() as connection:
            now = self.clock.now()
            if not _first_delivery(connection, event, now):
                routed.handler = "repeated delivery"
                return None
            network = self.network_for(connection, event.actor.platform, event.actor.workspace)
            member = (
                self._member_for(connection, network, event.actor, now)
                if network is not None and not isinstance(event, ChannelActivity)
                else None
            )
            ctx = self.context(connection, now, network, member=member, event=event)
            reply = self._route(event, ctx, routed)
        self.after_commit(ctx)
        return reply

    def _route(self, event: Event, ctx: Context, routed: _Routed) -> Reply | None:
        """Find the event's handler, note its name in `routed` (so that a failure inside it is
        logged with it), and call it."""
        if isinstance(event, Command):
            resolved = resolve(self.registry, event.text)
            if not isinstance(resolved, Resolved):
                routed.handler = "unknown"
                return _unknown_command(resolved.typed, resolved.suggestions)
            spec = resolved.spec
            routed.handler = spec.name
            if spec.needs_network:
                ctx.require_network()
            return spec.handler(event, ctx, resolved.arguments)
        if isinstance(event, ButtonPress):
            routed.handler = event.action
            button = self.registry.buttons.get(event.action)
            if button is None:
                raise Refusal(
                    "That button no longer does anything — it may be from an old message."
                )
            ctx.require_network()
            return button.handler(event, ctx)
        if isinstance(event, FormSubmit):
            routed.handler = event.form_id
            form = self.registry.forms.get(event.form_id)
            if form is None:
                raise Refusal("That form has expired. Please start again.")
            ctx.require_network()
            return form.handler(event, ctx)
        if isinstance(event, ChannelActivity):
            routed.handler = "activity"
            self._count_activity(event, ctx)
            return None
        if isinstance(event, HomeOpened):
            routed.handler = "home"
            home = self.registry.commands.get(("home",))
            if home is None or ctx.network is None:
                return None
            return home.handler(Command(event.actor, event.place, "home"), ctx, "")
        raise TypeError(f"unknown event {event!r}")

    def _count_activity(self, event: ChannelActivity, ctx: Context) -> None:
        if ctx.network is None or event.place.channel is None or event.place.is_direct:
            return
        if event.kind != "message":  # a join (say) is activity, but not a message to count
            return
        activity.count_message_in_channel(
            ctx.connection,
            platform=event.actor.platform,
            workspace=event.actor.workspace,
            user_id=event.actor.user_id,
            channel_id=event.place.channel,
            day=event.at.astimezone(ctx.zone).date(),
        )

    # --- tenancy and identity ----------------------------------------------------------

    def network_for(
        self, connection: Connection, platform: str, workspace: str
    ) -> NetworkRecord | None:
        """The network a workspace belongs to, cached briefly (settings may change)."""
        key = (platform, workspace)
        cached = self._networks.get(key)
        moment = time.monotonic()
        if cached is not None and moment - cached[0] < NETWORK_CACHE_SECONDS:
            return cached[1]
        network = networks.network_for_workspace(
            connection, platform=platform, external_id=workspace
        )
        self._networks[key] = (moment, network)
        return network

    def forget_networks(self) -> None:
        """Drop the network cache (after setup or a settings change)."""
        self._networks.clear()

    def _member_for(
        self, connection: Connection, network: NetworkRecord, actor: Actor, now: datetime
    ) -> MemberRecord:
        member = directory.member_for_identity(
            connection, platform=actor.platform, workspace=actor.workspace, user_id=actor.user_id
        )
        if member is None:
            return first_contact(connection, network, actor, now)
        changed = False
        name = actor.display_name.strip()[:80]
        if name and name != member.display_name:
            directory.rename_member(connection, member_id=member.id, display_name=name)
            changed = True
        timezone = platform_zone(actor)
        if timezone and timezone != member.timezone:
            directory.set_member_timezone(connection, member_id=member.id, timezone=timezone)
            changed = True
        if changed:
            member = directory.get_member(connection, member_id=member.id)
            assert member is not None
        return member


def _unknown_command(typed: str, suggestions: tuple[str, ...]) -> Reply:
    lines = [f"I don't know the command “{typed[:40]}”."]
    if suggestions:
        lines.append("Did you mean " + " or ".join(f"`/staffroom {s}`" for s in suggestions) + "?")
    lines.append("Type `/staffroom help` to see everything I can do.")
    return Reply(
        (Text(" ".join(lines)), Buttons((Button("Show help", "help.show"),))), tone=Tone.WARNING
    )


def _first_delivery(connection: Connection, event: Event, now: datetime) -> bool:
    """False for a delivery the platform repeated (on any replica) that was already handled;
    noted in the event's own transaction, so a failed first handling can be retried."""
    delivery = event.delivery if isinstance(event, Command | ChannelActivity) else None
    if delivery is None:
        return True
    return deliveries.first_delivery(
        connection, platform=event.actor.platform, delivery_id=delivery, at=now
    )


def _apology(error_id: str) -> Reply:
    return Reply.say(
        "Sorry — something went wrong on my side, and nothing was changed. Please try again; "
        f"if it keeps happening, tell your facilitator and quote error **{error_id}**.",
        tone=Tone.ERROR,
    )
