"""The console's outbound port: messages the bot sends on its own (reminders, posts to a
group's channels, direct messages to any of the people being played) are printed."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from bot.delivery.ports import Destination
from bot.kernel.events import Place
from bot.kernel.replies import Reply

if TYPE_CHECKING:
    from adapters.console.session import ConsoleSession


class ConsoleSender:
    """Implements `bot.delivery.ports.ChatSender` by printing into the session."""

    platform = "console"

    def __init__(self, session: ConsoleSession) -> None:
        self._session = session
        self._numbers = itertools.count(1)
        self._shown_at: dict[str, tuple[str, Place]] = {}

    async def send(self, destination: Destination, reply: Reply) -> str:
        session = self._session
        ref = f"console-{next(self._numbers)}"
        if destination.user_id is not None:
            name = session.names.get(destination.user_id, destination.user_id)
            place = session.dm_place(destination.user_id)
            where = f"→ {name} (direct message)"
        else:
            channel = destination.channel or "general"
            place = Place("console", destination.workspace, channel=channel, channel_name=channel)
            where = session.where(place) + (" (thread)" if destination.thread_ref else "")
        self._shown_at[ref] = (where, place)
        session.show(reply, where, place, ref)
        return ref

    async def edit(self, message_ref: str, reply: Reply) -> None:
        where, place = self._shown_at.get(
            message_ref, ("(an earlier message)", self._session.place)
        )
        self._session.show(reply, f"{where} — updated", place, message_ref)
