"""Who someone is on Slack: display name, time zone and admin status from `users.info`, cached.

A profile is kept for an hour (names and time zones change rarely; an hour-old name is fine),
at most `size` of them, oldest dropped first. Concurrent look-ups of one person share one
call. If Slack cannot answer, the name in the payload is used for a minute and no admin rights
are assumed, so a rate-limited or failing `users.info` never blocks an interaction. Each
look-up goes with the token of the person's workspace.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.recent import Recent
from adapters.slack.translate import PLATFORM, Speaker
from adapters.slack.workspaces import WorkspaceClients
from bot.kernel.events import Actor

log = logging.getLogger("staffroom.slack.identity")

PROFILE_SECONDS = 3600.0
FALLBACK_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Profile:
    display_name: str
    timezone: str | None
    is_admin: bool


def _zone(name: object) -> str | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        ZoneInfo(name)
    except (ValueError, KeyError):
        return None
    return name


def profile_of(user: dict[str, object], fallback_name: str) -> Profile:
    """A `users.info` user object as the profile the core needs."""
    details = user.get("profile")
    profile = details if isinstance(details, dict) else {}
    name = next(
        (
            str(candidate).strip()
            for candidate in (
                profile.get("display_name"),
                profile.get("real_name"),
                user.get("real_name"),
                user.get("name"),
                fallback_name,
            )
            if candidate and str(candidate).strip()
        ),
        str(user.get("id", "")),
    )
    admin = any(bool(user.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))
    return Profile(name, _zone(user.get("tz")), admin)


def actor_of(speaker: Speaker, profile: Profile) -> Actor:
    return Actor(
        PLATFORM,
        speaker.workspace,
        speaker.user_id,
        profile.display_name,
        is_workspace_admin=profile.is_admin,
        timezone=profile.timezone,
    )


class ProfileCache:
    """`users.info` results by (workspace, user), with expiry and a size bound."""

    def __init__(
        self,
        clients: WorkspaceClients,
        *,
        size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clients = clients
        self._clock = clock
        self._profiles: Recent[tuple[str, str], tuple[float, Profile]] = Recent(size)
        self._pending: dict[tuple[str, str], asyncio.Future[Profile]] = {}

    def cached(self, speaker: Speaker) -> Profile | None:
        """The profile if it is known and fresh (no call, no waiting)."""
        cached = self._profiles.get((speaker.workspace, speaker.user_id))
        return cached[1] if cached is not None and cached[0] > self._clock() else None

    async def actor(self, speaker: Speaker) -> Actor:
        return actor_of(speaker, await self.profile(speaker))

    async def profile(self, speaker: Speaker) -> Profile:
        fresh = self.cached(speaker)
        if fresh is not None:
            return fresh
        key = (speaker.workspace, speaker.user_id)
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._fetch(key, speaker))
            self._pending[key] = pending
        return await asyncio.shield(pending)

    async def _fetch(self, key: tuple[str, str], speaker: Speaker) -> Profile:
        try:
            profile, lifetime = await self._look_up(speaker)
            self._remember(key, profile, lifetime)
            return profile
        finally:
            del self._pending[key]

    async def _look_up(self, speaker: Speaker) -> tuple[Profile, float]:
        try:
            client = await self._clients.client(speaker.workspace)
            response = await client.users_info(user=speaker.user_id)
        except (TimeoutError, SlackApiError, SlackClientError, OSError) as error:
            log.info("users.info failed, using the payload's name: %s", type(error).__name__)
            return Profile(speaker.name or speaker.user_id, None, False), FALLBACK_SECONDS
        user = response.get("user")
        return profile_of(user if isinstance(user, dict) else {}, speaker.name), PROFILE_SECONDS

    def _remember(self, key: tuple[str, str], profile: Profile, lifetime: float) -> None:
        self._profiles.put(key, (self._clock() + lifetime, profile))
