"""The context a handler works in: the event's transaction, the time it happened, who and
where, and the outbox to queue messages on. One per inbound event or timer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from bot.delivery.clock import Clock
from bot.delivery.outbox import Outbox
from bot.kernel.events import Actor, Place
from bot.kernel.refusals import Refusal
from storage.directory import MemberRecord
from storage.networks import NetworkRecord

if TYPE_CHECKING:
    from bot.kernel.core_config import CoreConfig
    from bot.kernel.registry import Registry


@dataclass
class Context:
    """What a handler may use. `network`, `member`, `actor` and `place` are set for events
    from a workspace bound to a network; timers get only `network` (if theirs has one)."""

    connection: Connection
    now: datetime
    clock: Clock
    config: CoreConfig
    registry: Registry
    outbox: Outbox
    network: NetworkRecord | None = None
    member: MemberRecord | None = None
    actor: Actor | None = None
    place: Place | None = None
    network_changed: bool = False

    def require_network(self) -> NetworkRecord:
        if self.network is None:
            raise Refusal(
                "This workspace isn't part of a Staffroom network yet. A workspace admin can "
                "create one with `/staffroom setup <network name>`."
            )
        return self.network

    def require_member(self) -> MemberRecord:
        if self.member is None:
            self.require_network()
            raise Refusal("I don't know who you are yet — please try again in a moment.")
        return self.member

    def require_place(self) -> Place:
        if self.place is None:
            raise Refusal("That only works from a chat channel.")
        return self.place

    @property
    def zone(self) -> ZoneInfo:
        """The time zone times are shown in: the member's own, else the network's."""
        if self.member is not None and self.member.timezone:
            return ZoneInfo(self.member.timezone)
        if self.network is not None:
            return ZoneInfo(self.network.timezone)
        return ZoneInfo("UTC")
