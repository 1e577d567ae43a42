"""Meeting someone for the first time: the member record and platform identity the bot creates
for a person it has not met, with the platform's time zone when this server knows it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from bot.kernel.events import (
    Actor,
)
from bot.parsing.times import zone_names
from storage import directory
from storage.directory import MemberRecord
from storage.networks import NetworkRecord


def first_contact(
    connection: Connection,
    network: NetworkRecord,
    actor: Actor,
    now: datetime,
    *,
    school_id: int | None = None,
    is_facilitator: bool = False,
) -> MemberRecord:
    """Create the member record for someone the bot meets for the first time."""
    member_id = directory.create_member(
        connection,
        network_id=network.id,
        display_name=actor.display_name.strip()[:80] or actor.user_id,
        now=now,
        school_id=school_id,
        timezone=platform_zone(actor),
        is_facilitator=is_facilitator,
    )
    directory.add_identity(
        connection,
        member_id=member_id,
        platform=actor.platform,
        workspace=actor.workspace,
        user_id=actor.user_id,
        now=now,
    )
    member = directory.get_member(connection, member_id=member_id)
    assert member is not None
    return member


def platform_zone(actor: Actor) -> str | None:
    """The time zone the platform gives for the person, unless this server doesn't know it:
    every time shown to them is in it, so an unknown one would break every reply."""
    if actor.timezone in zone_names():
        return actor.timezone
    return None
