"""Fixtures for the Slack adapter: the fake Slack server, the whole bot started in HTTP mode
(real aiohttp server, real bolt app, real slack_sdk client pointed at the fake), and a client
that signs requests the way Slack does (v0 HMAC-SHA256 over `v0:<timestamp>:<body>`)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from adapters.slack import runner
from adapters.slack.runner import RunningSlack
from adapters.slack.settings import SlackSettings
from bot.app import Staffroom
from tests.adapters.slack.fake_slack import TEAM, FakeSlack
from tests.adapters.slack.installing import CLIENT_ID, CLIENT_SECRET, STATE_SECRET, Browser
from tests.adapters.slack.payloads import payload

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def signature(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class SlackRequests:
    """Sends what Slack sends: signed slash commands, interactions and Events API callbacks."""

    session: aiohttp.ClientSession
    url: str
    secret: str = SIGNING_SECRET

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: float | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        stamp = str(int(timestamp if timestamp is not None else time.time()))
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature(secret or self.secret, stamp, body),
            **(headers or {}),
        }
        async with self.session.post(self.url, data=body.encode(), headers=signed) as response:
            text = await response.text()
            try:
                return response.status, json.loads(text) if text else None
            except json.JSONDecodeError:
                return response.status, text

    async def command(self, form: dict[str, Any], **options: Any) -> tuple[int, Any]:
        return await self.post(urlencode(form), "application/x-www-form-urlencoded", **options)

    async def interaction(self, payload: dict[str, Any], **options: Any) -> tuple[int, Any]:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", **options)

    async def event(self, envelope: dict[str, Any], **options: Any) -> tuple[int, Any]:
        return await self.post(json.dumps(envelope), "application/json", **options)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    fake.add_user("U0FRAN", "Fran Hughes", admin=True)
    fake.add_user("U0TOM", "Tom Patel", tz="Europe/Paris")
    fake.add_user("U0AISHA", "Aisha Khan")
    yield fake
    await fake.stop()


@pytest.fixture
def slack_settings(fake_slack: FakeSlack) -> Callable[..., SlackSettings]:
    """Slack's settings in HTTP mode against the fake (any port); overrides by field name."""

    def make(**overrides: Any) -> SlackSettings:
        values: dict[str, Any] = {
            "bot_token": "xoxb-0000-test",
            "signing_secret": SIGNING_SECRET,
            "api_url": fake_slack.base_url,
            "http_host": "127.0.0.1",
            "http_port": 0,
            **overrides,
        }
        return SlackSettings(_env_file=None, **values)

    return make


@dataclass
class SlackBot:
    """The running bot with Slack started, and a way to talk to it as Slack would."""

    app: Staffroom
    running: RunningSlack
    slack: SlackRequests
    fake: FakeSlack
    settings: SlackSettings
    _names: Iterator[int] = field(default_factory=itertools.count)

    async def settle(self) -> None:
        """Let answers being delivered in the background finish."""
        await self.running.settle()

    async def send(
        self, text: str, user: str = "U0FRAN", channel: str = "C0CHEM", team: str = TEAM
    ) -> tuple[Any, list[dict[str, Any]]]:
        """A slash command, once it is fully handled: its acknowledgement, and what was posted
        to its own response_url afterwards."""
        name = f"command-{next(self._names)}"
        url = self.fake.response_url(name)
        form = command_form(text, user, channel, team=team, response_url=url)
        status, ack = await self.slack.command(form)
        assert status == 200
        await self.settle()
        return ack, self.fake.responses_to(name)

    async def ask(
        self, text: str, user: str = "U0FRAN", channel: str = "C0CHEM", team: str = TEAM
    ) -> Any:
        """A slash command's private answer as the person sees it: carried in the
        acknowledgement or, if the core was not ready in time, posted to the response_url —
        exactly one of the two."""
        ack, later = await self.send(text, user, channel, team)
        if ack:
            assert later == [], "answered twice"
            return ack
        [answer] = later
        return answer


@pytest.fixture
async def slack_bot(
    app: Staffroom, slack_settings: Callable[..., SlackSettings], fake_slack: FakeSlack
) -> AsyncIterator[SlackBot]:
    async for bot in running_bot(app, slack_settings(), fake_slack):
        yield bot


async def running_bot(
    app: Staffroom, settings: SlackSettings, fake_slack: FakeSlack
) -> AsyncIterator[SlackBot]:
    running = await runner.start(app, settings)
    async with aiohttp.ClientSession() as session:
        url = f"http://127.0.0.1:{running.port}{settings.http_path}"
        yield SlackBot(app, running, SlackRequests(session, url), fake_slack, settings)
    await running.stop()


@pytest.fixture
async def oauth_bot(
    app: Staffroom, slack_settings: Callable[..., SlackSettings], fake_slack: FakeSlack
) -> AsyncIterator[SlackBot]:
    """The bot in HTTP mode installed with Slack's OAuth flow: no SLACK_BOT_TOKEN, a token
    per workspace (none installed yet)."""
    settings = slack_settings(
        bot_token=None,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        state_secret=STATE_SECRET,
    )
    async for bot in running_bot(app, settings, fake_slack):
        yield bot


@pytest.fixture
def browser(oauth_bot: SlackBot) -> Browser:
    root = f"http://127.0.0.1:{oauth_bot.running.port}"
    return Browser(oauth_bot.slack.session, root, oauth_bot.fake)


def command_form(
    text: str, user: str = "U0FRAN", channel: str = "C0CHEM", *, team: str = TEAM, **extra: str
) -> dict[str, str]:
    """A slash command's form fields, in the documented shape."""
    return payload(
        "slash_command",
        text=text,
        user_id=user,
        user_name=user.lower(),
        channel_id=channel,
        team_id=team,
        **extra,
    )


async def linked_network(bot: SlackBot) -> None:
    """Fran (a workspace admin) sets up a network with a group linked to #a-level-chemistry."""
    for line in (
        "setup Solent Network",
        "school add Ridgeway School",
        "group create A-level Chemistry — practicals",
        "group link A-level Chemistry",
    ):
        await bot.send(line)
    await bot.send("school Ridgeway School", user="U0TOM")
    await bot.send("join A-level Chemistry", user="U0TOM")
