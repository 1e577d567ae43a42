"""Telling facilitators that a platform's connection has stopped for good.

An adapter that cannot come back by itself (Discord refused the token, say) tells the
facilitators of every network with a workspace on that platform, through the outbox: at once
where their latest identity is on another platform, otherwise as soon as the connection is
back. One notice per facilitator, platform and day, so a process that an orchestrator keeps
restarting does not repeat it.
"""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.outbox import Outbox
from bot.kernel.dispatcher import Core
from bot.kernel.replies import Reply, Tone
from storage import directory, networks
from storage.uow import unit_of_work

OUTAGE_NOTICE = "outage.notice"
KEPT_FOR = timedelta(days=7)


def tell_facilitators(core: Core, platform: str, reason: str) -> int:
    """Queue the notice for every facilitator concerned; how many were queued (database
    thread). `reason` is the adapter's own text: it never holds member-written text."""
    now = core.clock.now()
    label = platform.title()
    notice = Reply.say(
        f"Staffroom lost its connection to {label} at {now:%H:%M} UTC on {now:%d %B}: "
        f"{reason}. Until it is back, Staffroom cannot answer or remind anyone on {label}; "
        "messages for them wait in the queue. Your operator can see this on the bot's health "
        "check too.",
        tone=Tone.WARNING,
    )
    queued = 0
    with unit_of_work(core.engine) as connection:
        for network in networks.list_networks(connection):
            platforms = {
                p for p, _ in networks.workspaces_of_network(connection, network_id=network.id)
            }
            if platform not in platforms:
                continue
            outbox = Outbox(connection, now, network.id)
            for facilitator in directory.facilitators(connection, network_id=network.id):
                queued += outbox.to_member(
                    facilitator.id,
                    key=f"{OUTAGE_NOTICE}:{platform}:{now:%Y-%m-%d}:{facilitator.id}",
                    reply=notice,
                    purpose=OUTAGE_NOTICE,
                    expires_at=now + KEPT_FOR,
                )
    return queued
