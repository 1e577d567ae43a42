"""Display names, time zones and admin status from users.info, cached with an expiry."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.identity import FALLBACK_SECONDS, PROFILE_SECONDS, ProfileCache, profile_of
from adapters.slack.translate import Speaker
from adapters.slack.workspaces import WorkspaceClients
from tests.adapters.slack.fake_slack import TEAM, Failure, FakeSlack

TOM = Speaker(TEAM, "U0TOM", "tom.patel")


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _cache(fake: FakeSlack, ticks: Ticks) -> ProfileCache:
    client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
    return ProfileCache(WorkspaceClients(client), clock=ticks)


def test_the_profile_prefers_the_display_name_and_checks_the_zone() -> None:
    user = {
        "id": "U1",
        "name": "jo",
        "real_name": "Joanna Smith",
        "tz": "Mars/Olympus_Mons",
        "is_owner": True,
        "profile": {"display_name": "", "real_name": "Jo Smith"},
    }
    profile = profile_of(user, "fallback")
    assert (profile.display_name, profile.timezone, profile.is_admin) == ("Jo Smith", None, True)
    assert (
        profile_of({"id": "U2", "tz": "Europe/Paris"}, "payload.name").display_name
        == "payload.name"
    )


async def test_profiles_are_cached_until_they_expire(fake_slack: FakeSlack) -> None:
    ticks = Ticks()
    cache = _cache(fake_slack, ticks)
    actor = await cache.actor(TOM)
    assert (actor.display_name, actor.timezone, actor.is_workspace_admin) == (
        "Tom Patel",
        "Europe/Paris",
        False,
    )
    await asyncio.gather(*(cache.actor(TOM) for _ in range(5)))
    assert len(fake_slack.calls_to("users.info")) == 1
    ticks.now += PROFILE_SECONDS + 1
    fake_slack.users["U0TOM"]["profile"]["display_name"] = "Tom P."
    assert (await cache.actor(TOM)).display_name == "Tom P."
    assert len(fake_slack.calls_to("users.info")) == 2


async def test_concurrent_first_look_ups_share_one_call(fake_slack: FakeSlack) -> None:
    cache = _cache(fake_slack, Ticks())
    actors = await asyncio.gather(*(cache.actor(TOM) for _ in range(10)))
    assert {a.display_name for a in actors} == {"Tom Patel"}
    assert len(fake_slack.calls_to("users.info")) == 1


async def test_when_slack_cannot_answer_the_payload_name_is_used_briefly(
    fake_slack: FakeSlack,
) -> None:
    ticks = Ticks()
    cache = _cache(fake_slack, ticks)
    fake_slack.fail("users.info", Failure(status=429, retry_after=5))
    fallback = await cache.actor(Speaker(TEAM, "U0FRAN", "fran.hughes"))
    assert (fallback.display_name, fallback.is_workspace_admin) == ("fran.hughes", False)
    ticks.now += FALLBACK_SECONDS + 1
    recovered = await cache.actor(Speaker(TEAM, "U0FRAN", "fran.hughes"))
    assert (recovered.display_name, recovered.is_workspace_admin) == ("Fran Hughes", True)
