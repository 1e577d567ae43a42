"""An installer's browser going through Staffroom's Slack OAuth install: it opens the install
page (which sets the state cookie), "clicks" Add to Slack — Slack's side is the fake's `grant`,
which gives the code Slack would — and comes back to the redirect page with code and state."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp

from tests.adapters.slack.fake_slack import FakeSlack

CLIENT_ID = "1234.5678"
CLIENT_SECRET = "client-secret-for-tests"
STATE_SECRET = "state-secret-for-tests-0123456789"
SECOND = "T0SECOND"
"""A second school's workspace."""

_LINK = re.compile(r'href="([^"]+)"')


@dataclass(frozen=True)
class InstallPage:
    status: int
    body: str
    cookie: str
    """What the browser sends back: `name=value` of the state cookie the page set."""
    authorize: dict[str, list[str]]
    """The query of the "Add to Slack" link (Slack's authorize URL)."""

    @property
    def state(self) -> str:
        return self.authorize["state"][0]


@dataclass
class Browser:
    session: aiohttp.ClientSession
    root: str
    fake: FakeSlack

    async def open_install_page(self) -> InstallPage:
        async with self.session.get(f"{self.root}/slack/install") as response:
            body = await response.text()
            cookies = response.headers.getall("Set-Cookie", [])
        links = [html.unescape(link) for link in _LINK.findall(body) if "authorize" in link]
        query = parse_qs(urlsplit(links[0]).query) if links else {}
        cookie = cookies[0].split(";")[0] if cookies else ""
        return InstallPage(response.status, body, cookie, query)

    async def come_back(self, *, code: str, state: str, cookie: str) -> tuple[int, str]:
        """Slack's redirect to the install's redirect page, as the browser follows it."""
        query = urlencode({"code": code, "state": state})
        headers = {"Cookie": cookie} if cookie else {}
        url = f"{self.root}/slack/oauth_redirect?{query}"
        async with self.session.get(url, headers=headers) as response:
            return response.status, await response.text()

    async def install(self, team: str, *, expires_in: int | None = None) -> tuple[int, str]:
        """The whole install into `team`: the page, Slack's consent, the redirect."""
        page = await self.open_install_page()
        code = self.fake.oauth.grant(team, expires_in=expires_in)
        return await self.come_back(code=code, state=page.state, cookie=page.cookie)
