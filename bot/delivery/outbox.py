"""Queuing messages the bot sends on its own initiative, in the transaction that decides them.

Features say *whom* to tell — a group (every channel it is linked to, on every platform), a
channel, or a member (by direct message) — with an idempotency key; this module turns that
into outbox rows, each filed under its network (the event's, else that of the workspace it goes
to), so that a failure reaches the network's facilitators. The delivery worker sends them
later, exactly once per key. A direct message to someone who must stay anonymous (an asker
told of replies) is queued sealed: its address and content encrypted together, so the row
names nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from bot.kernel.replies import Reply
from bot.kernel.reply_codec import encode_reply
from bot.privacy.anonymity import SEALED
from storage import directory, groups, networks
from storage import outbox as store
from storage.directory import IdentityRecord
from storage.groups import ChannelRecord


def channel_key(key: str, channel: ChannelRecord) -> str:
    """The key of the copy of a group message that goes to one channel."""
    return f"{key}@{channel.platform}:{channel.workspace}:{channel.channel_id}"


class Outbox:
    """Writes outbox rows on the event's own connection, so they commit (or not) with it."""

    def __init__(self, connection: Connection, now: datetime, network_id: int | None) -> None:
        self._connection = connection
        self._now = now
        self._network_id = network_id
        self._last_encoded: tuple[Reply, str] | None = None
        self.queued = 0

    def _network_of(self, platform: str, workspace: str) -> int | None:
        """The network a message is filed under: the context's or, for work done outside any
        (a timer of no network, the event that set the network up), the workspace's."""
        if self._network_id is not None or workspace == SEALED:
            return self._network_id
        network = networks.network_for_workspace(
            self._connection, platform=platform, external_id=workspace
        )
        return network.id if network is not None else None

    def _message(
        self,
        *,
        key: str,
        payload: str,
        purpose: str,
        platform: str,
        workspace: str,
        channel: str | None = None,
        user_id: str | None = None,
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
        thread_of: str | None = None,
    ) -> store.OutboundMessage:
        return store.OutboundMessage(
            key=key,
            network_id=self._network_of(platform, workspace),
            purpose=purpose,
            platform=platform,
            workspace=workspace,
            channel=channel,
            user_id=user_id,
            thread_of=thread_of,
            payload=payload,
            due_at=due_at or self._now,
            expires_at=expires_at,
        )

    def _queue(self, message: store.OutboundMessage) -> bool:
        """Queue the message unless its key was queued before; True if this queued it."""
        queued = store.enqueue(self._connection, message=message, now=self._now)
        self.queued += int(queued)
        return queued

    def to_channel(
        self,
        channel: ChannelRecord,
        *,
        key: str,
        reply: Reply,
        purpose: str,
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
        thread_of: str | None = None,
    ) -> bool:
        return self._queue(
            self._message(
                key=key,
                payload=self._encoded(reply),
                purpose=purpose,
                platform=channel.platform,
                workspace=channel.workspace,
                channel=channel.channel_id,
                due_at=due_at,
                expires_at=expires_at,
                thread_of=thread_of,
            )
        )

    def to_group(
        self,
        group_id: int,
        *,
        key: str,
        reply: Reply,
        purpose: str,
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
        thread_of: str | None = None,
    ) -> list[ChannelRecord]:
        """Post to every channel the group is linked to; returns those channels.

        With `thread_of`, each copy goes under the copy of that message in the same channel.
        """
        channels = groups.channels_of_group(self._connection, group_id=group_id)
        for channel in channels:
            self.to_channel(
                channel,
                key=channel_key(key, channel),
                reply=reply,
                purpose=purpose,
                due_at=due_at,
                expires_at=expires_at,
                thread_of=channel_key(thread_of, channel) if thread_of else None,
            )
        return channels

    def to_member(
        self,
        member_id: int,
        *,
        key: str,
        reply: Reply,
        purpose: str,
        due_at: datetime | None = None,
        expires_at: datetime | None = None,
        identity: IdentityRecord | None = None,
    ) -> bool:
        """Send a direct message to the member on their most recent identity (or on
        `identity`, when the caller read it with the member's other details in one query).

        Returns False when the member has no identity to reach (for example, imported from a
        roster and never seen on chat) — the caller decides whether that matters — or the key
        was queued before.
        """
        if identity is None:
            identities = directory.identities_of(self._connection, member_id=member_id)
            if not identities:
                return False
            identity = identities[0]
        return self._queue(
            self._message(
                key=key,
                payload=self._encoded(reply),
                purpose=purpose,
                platform=identity.platform,
                workspace=identity.workspace,
                user_id=identity.user_id,
                due_at=due_at,
                expires_at=expires_at,
            )
        )

    def to_members(
        self, messages: Sequence[tuple[IdentityRecord, str, Reply]], *, purpose: str
    ) -> set[str]:
        """Direct messages to many members at once, each (the identity that reaches them, key,
        reply), written in a few statements rather than one each; the keys this queued (the
        others were queued before)."""
        rows = [
            self._message(
                key=key,
                payload=self._encoded(reply),
                purpose=purpose,
                platform=identity.platform,
                workspace=identity.workspace,
                user_id=identity.user_id,
            )
            for identity, key, reply in messages
        ]
        queued = store.enqueue_many(self._connection, messages=rows, now=self._now)
        self.queued += len(queued)
        return queued

    def _encoded(self, reply: Reply) -> str:
        """The reply as stored; a reply sent to several people in a row is encoded once."""
        if self._last_encoded is None or self._last_encoded[0] is not reply:
            self._last_encoded = (reply, encode_reply(reply))
        return self._last_encoded[1]

    def to_sealed(
        self,
        *,
        platform: str,
        payload: str,
        key: str,
        purpose: str,
    ) -> bool:
        """Send a direct message whose address and content are sealed together
        (`bot.privacy.anonymity.seal_message`): the row names no person and says nothing readable; the
        delivery worker opens it just before sending. Only the platform is in clear, so that a
        process without that platform leaves the row alone."""
        return self._queue(
            self._message(
                key=key,
                payload=payload,
                purpose=purpose,
                platform=platform,
                workspace=SEALED,
                user_id=SEALED,
            )
        )

    def edit(
        self, *, key: str, reply: Reply, purpose: str, not_before: datetime | None = None
    ) -> None:
        """Replace the content of the message queued under `key` (the newest edit wins); an
        edit `not_before` a time waits until then, merging with any edit made meanwhile."""
        original = store.destination_of(self._connection, key=key)
        if original is None:
            return
        message = store.OutboundMessage(
            key=f"{key}~edit",
            network_id=self._network_of(original.platform, original.workspace),
            purpose=purpose,
            platform=original.platform,
            workspace=original.workspace,
            channel=original.channel,
            user_id=original.user_id,
            edit_of=key,
            payload=encode_reply(reply),
            due_at=max(self._now, not_before or self._now),
        )
        store.enqueue_replacing(self._connection, message=message, now=self._now)
        self.queued += 1

    def edit_group_post(
        self,
        group_id: int,
        *,
        key: str,
        reply: Reply,
        purpose: str,
        not_before: datetime | None = None,
    ) -> None:
        """Replace the content of every channel's copy of a group message."""
        for channel in groups.channels_of_group(self._connection, group_id=group_id):
            self.edit(
                key=channel_key(key, channel), reply=reply, purpose=purpose, not_before=not_before
            )
