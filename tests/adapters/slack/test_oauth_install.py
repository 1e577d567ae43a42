"""Installing Staffroom into Slack workspaces with the OAuth flow: the real bolt flow, relayed
by the intake, against the fake Slack (`oauth.v2.access`), stored on our database with the
token sealed; and states that are forged, replayed or from another browser refused."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import yaml
from sqlalchemy import select

from adapters.slack.install import SCOPES
from bot.app import Staffroom
from storage.tables import table
from storage.uow import unit_of_work
from tests.adapters.slack.conftest import SlackBot, running_bot
from tests.adapters.slack.fake_slack import TEAM
from tests.adapters.slack.installing import CLIENT_ID, CLIENT_SECRET, SECOND, Browser
from tests.adapters.slack.payloads import payload

MANIFEST = Path(__file__).parents[3] / "deploy" / "slack" / "manifest.yaml"
INSTALLATIONS = table("slack_installation")


def _installed(bot: SlackBot) -> dict[str, dict[str, object]]:
    with unit_of_work(bot.app.core.engine) as connection:
        rows = connection.execute(select(INSTALLATIONS)).mappings().all()
    return {str(row["team_id"]): dict(row) for row in rows}


async def test_the_install_page_asks_slack_for_the_manifests_scopes(browser: Browser) -> None:
    page = await browser.open_install_page()
    assert page.status == 200 and "Add to Slack" in page.body
    assert page.authorize["client_id"] == [CLIENT_ID]
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert page.authorize["scope"][0].split(",") == manifest["oauth_config"]["scopes"]["bot"]
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == SCOPES
    assert page.cookie == f"slack-app-oauth-state={page.state}"  # this browser, this state


async def test_an_install_keeps_the_workspaces_bot_token_sealed(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    status, body = await browser.install(SECOND)
    assert status == 200 and "/staffroom setup join" in body
    [exchange] = oauth_bot.fake.calls_to("oauth.v2.access")
    credentials = base64.b64decode(exchange["_token"].removeprefix("Basic ")).decode()
    assert credentials == f"{CLIENT_ID}:{CLIENT_SECRET}"
    [token] = oauth_bot.fake.oauth.tokens_of(SECOND)
    row = _installed(oauth_bot)[SECOND]
    assert row["bot_user_id"] == "U0BOTT0SECOND" and row["bot_id"] == "B0BOTT0SECOND"
    assert token not in str(row)  # sealed at rest: a copy of the database holds no token
    assert token not in MANIFEST.read_text()  # (and of course nowhere else either)
    # The workspace's people are looked up with its own token: Sam is its admin.
    oauth_bot.fake.add_user("U0SAM", "Sam Okafor", admin=True, team=SECOND)
    answer = await oauth_bot.ask("setup Oakfield Trust", user="U0SAM", team=SECOND)
    assert "Welcome to Oakfield Trust" in str(answer)
    [looked_up] = oauth_bot.fake.calls_to("users.info")
    assert looked_up["_token"] == token


async def test_a_reinstall_replaces_the_token(oauth_bot: SlackBot, browser: Browser) -> None:
    await browser.install(SECOND)
    await browser.install(SECOND)
    old, new = oauth_bot.fake.oauth.tokens_of(SECOND)
    oauth_bot.fake.oauth.revoke_token(old)
    await oauth_bot.ask("whoami", user="U0SAM", team=SECOND)
    assert [call["_token"] for call in oauth_bot.fake.calls_to("users.info")] == [new]


async def test_a_forged_state_is_refused(oauth_bot: SlackBot, browser: Browser) -> None:
    forged = "made-up-nonce.0123456789abcdef"
    status, body = await browser.come_back(
        code=oauth_bot.fake.oauth.grant(SECOND),
        state=forged,
        cookie=f"slack-app-oauth-state={forged}",
    )
    assert status == 401 and "invalid_state" in body
    assert oauth_bot.fake.calls_to("oauth.v2.access") == []  # the code was never exchanged
    assert _installed(oauth_bot) == {}


async def test_a_state_with_its_signature_altered_is_refused(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    page = await browser.open_install_page()
    altered = page.state[:-1] + ("0" if page.state[-1] != "0" else "1")
    status, _ = await browser.come_back(
        code=oauth_bot.fake.oauth.grant(SECOND),
        state=altered,
        cookie=f"slack-app-oauth-state={altered}",
    )
    assert status == 401 and _installed(oauth_bot) == {}


async def test_a_replayed_state_is_refused(oauth_bot: SlackBot, browser: Browser) -> None:
    page = await browser.open_install_page()
    first, _ = await browser.come_back(
        code=oauth_bot.fake.oauth.grant(SECOND), state=page.state, cookie=page.cookie
    )
    assert first == 200
    again, body = await browser.come_back(
        code=oauth_bot.fake.oauth.grant(TEAM), state=page.state, cookie=page.cookie
    )
    assert again == 401 and "invalid_state" in body
    assert len(oauth_bot.fake.calls_to("oauth.v2.access")) == 1
    assert set(_installed(oauth_bot)) == {SECOND}


async def test_a_state_from_another_browser_is_refused(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    page = await browser.open_install_page()  # someone else's install page and state
    status, _ = await browser.come_back(
        code=oauth_bot.fake.oauth.grant(SECOND), state=page.state, cookie=""
    )
    assert status == 400
    assert oauth_bot.fake.calls_to("oauth.v2.access") == []


async def test_uninstalling_deletes_the_workspaces_tokens_and_nothing_else(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    await browser.install(TEAM)
    await browser.install(SECOND)
    status, _ = await oauth_bot.slack.event(payload("app_uninstalled"))
    assert status == 200
    await oauth_bot.settle()
    assert set(_installed(oauth_bot)) == {TEAM}


async def test_a_revoked_bot_token_is_deleted_like_an_uninstall(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    await browser.install(SECOND)
    await oauth_bot.slack.event(payload("tokens_revoked"))
    await oauth_bot.settle()
    assert _installed(oauth_bot) == {}


async def test_a_command_from_a_workspace_without_a_token_is_still_answered(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    await browser.install(SECOND)
    await oauth_bot.slack.event(payload("tokens_revoked"))
    await oauth_bot.settle()
    # No token to look Sam up with: the name Slack sent is used, and the answer goes back
    # through the command's response_url, which needs none.
    answer = await oauth_bot.ask("whoami", user="U0SAM", team=SECOND)
    assert "isn't part of a Staffroom network yet" in str(answer)
    assert oauth_bot.fake.calls_to("users.info") == []


async def test_an_install_can_come_back_to_another_replica(
    oauth_bot: SlackBot,
    browser: Browser,
    app_factory: Callable[[str], Staffroom],
    sqlite_url: str,
) -> None:
    """The state lives in the database: a second replica on it finishes the install."""
    second = app_factory(sqlite_url)
    async for replica in running_bot(second, oauth_bot.settings, oauth_bot.fake):
        page = await browser.open_install_page()  # served by the first replica
        other = Browser(browser.session, f"http://127.0.0.1:{replica.running.port}", browser.fake)
        status, _ = await other.come_back(
            code=oauth_bot.fake.oauth.grant(SECOND), state=page.state, cookie=page.cookie
        )
        assert status == 200
        again, _ = await browser.come_back(
            code=oauth_bot.fake.oauth.grant(SECOND), state=page.state, cookie=page.cookie
        )
        assert again == 401  # and it was used up for both
    assert set(_installed(oauth_bot)) == {SECOND}
