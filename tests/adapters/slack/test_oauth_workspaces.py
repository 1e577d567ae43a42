"""One deployment, several Slack workspaces in one network, each installed with the OAuth
flow: each receives its own posts with its own token, an uninstalled one stops receiving
(recorded as failed, the facilitators told) and keeps its place in the network, a reinstall
carries on, and rotating tokens are refreshed before use."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.runtime.installations import Installations
from storage.outbox import OUTBOX
from storage.uow import unit_of_work
from tests.adapters.slack import trial_feature
from tests.adapters.slack.conftest import SlackBot
from tests.adapters.slack.fake_slack import TEAM
from tests.adapters.slack.installing import SECOND, Browser
from tests.adapters.slack.payloads import payload

SAM = {"user": "U0SAM", "channel": "C0SECCHEM", "team": SECOND}
"""Sam Okafor, admin of the second school's workspace, in its chemistry channel."""


async def _partnership(bot: SlackBot, browser: Browser) -> None:
    """Both workspaces install Staffroom; Fran sets the network up in hers and invites the
    second, whose admin Sam joins, leads the chemistry group and links a channel to it."""
    await browser.install(TEAM)
    await browser.install(SECOND)
    bot.fake.add_user("U0SAM", "Sam Okafor", admin=True, team=SECOND)
    for line in ("setup Solent Network", "group create A-level Chemistry"):
        await bot.send(line)
    await bot.send("group link A-level Chemistry")
    invitation = await bot.ask("network invite")
    code = re.search(r"setup join ([\w-]+)", str(invitation))
    assert code is not None
    joined = await bot.ask(f"setup join {code.group(1)}", **SAM)
    assert "now part of *Solent Network*" in str(joined)
    await bot.send("group leader A-level Chemistry @Sam Okafor")
    await bot.send("group link A-level Chemistry", **SAM)
    await _deliver(bot)


async def _deliver(bot: SlackBot) -> None:
    while await bot.app.worker.deliver_due():
        pass


def _check_in_posts(bot: SlackBot) -> list[tuple[str, str]]:
    """(channel, token) of each check-in posted."""
    return [
        (call["channel"], call["_token"])
        for call in bot.fake.successful("chat.postMessage")
        if call["text"].startswith("Check-in")
    ]


async def _open_round(bot: SlackBot, question: str) -> None:
    await bot.send(f"checkin open A-level Chemistry: {question}")
    await _deliver(bot)


async def test_each_workspace_gets_its_own_posts_with_its_own_token(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    await _partnership(oauth_bot, browser)
    [ours], [theirs] = oauth_bot.fake.oauth.tokens_of(TEAM), oauth_bot.fake.oauth.tokens_of(SECOND)
    await _open_round(oauth_bot, "How are the mocks going?")
    assert sorted(_check_in_posts(oauth_bot)) == [("C0CHEM", ours), ("C0SECCHEM", theirs)]
    # Sam's welcome as a leader went to his direct conversation, in his workspace.
    [opened] = oauth_bot.fake.calls_to("conversations.open")
    assert (opened["users"], opened["_token"]) == ("U0SAM", theirs)
    # Closing the round edits both posts, each through its own workspace's token.
    await oauth_bot.send("checkin close A-level Chemistry")
    await _deliver(oauth_bot)
    edits = {(call["channel"], call["_token"]) for call in oauth_bot.fake.successful("chat.update")}
    assert edits == {("C0CHEM", ours), ("C0SECCHEM", theirs)}


async def test_an_uninstalled_workspace_stops_receiving_and_a_reinstall_resumes(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    await _partnership(oauth_bot, browser)
    status, _ = await oauth_bot.slack.event(payload("app_uninstalled"))
    assert status == 200
    oauth_bot.fake.oauth.revoke(SECOND)
    await oauth_bot.settle()
    [ours] = oauth_bot.fake.oauth.tokens_of(TEAM)
    before = len(oauth_bot.fake.calls)

    await _open_round(oauth_bot, "How are the mocks going?")
    assert _check_in_posts(oauth_bot) == [("C0CHEM", ours)]
    # Nothing was even tried with the revoked token: the workspace has none any more.
    tried = [call.params["_token"] for call in oauth_bot.fake.calls[before:]]
    assert not set(tried) & oauth_bot.fake.oauth.revoked
    with unit_of_work(oauth_bot.app.core.engine) as connection:
        failed = connection.execute(
            select(OUTBOX.c.channel, OUTBOX.c.last_error).where(OUTBOX.c.status == "failed")
        ).all()
    assert [channel for channel, _ in failed] == ["C0SECCHEM"]
    assert "not_installed" in str(failed[0][1])
    notices = [
        call
        for call in oauth_bot.fake.successful("chat.postMessage")
        if call["channel"] == "D0FRAN"
    ]
    assert len(notices) == 1 and "removed from that Slack workspace" in notices[0]["text"]
    assert notices[0]["_token"] == ours

    await oauth_bot.send("checkin close A-level Chemistry")
    await browser.install(SECOND)
    theirs = oauth_bot.fake.oauth.tokens_of(SECOND)[-1]
    me = await oauth_bot.ask("whoami", **SAM)  # the network remembers the workspace and Sam
    assert "Solent Network" in str(me) and "A-level Chemistry" in str(me)
    await _open_round(oauth_bot, "And the practicals?")
    assert _check_in_posts(oauth_bot)[-2:] in (
        [("C0CHEM", ours), ("C0SECCHEM", theirs)],
        [("C0SECCHEM", theirs), ("C0CHEM", ours)],
    )


async def test_a_rotating_token_is_refreshed_before_it_expires(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    await browser.install(SECOND, expires_in=600)  # well inside the two-hour margin
    oauth_bot.fake.add_user("U0SAM", "Sam Okafor", admin=True, team=SECOND)
    welcome = await oauth_bot.ask("setup Oakfield Trust", **SAM)
    assert "Welcome to Oakfield Trust" in str(welcome)
    install, refresh = oauth_bot.fake.calls_to("oauth.v2.access")
    assert "code" in install and refresh["grant_type"] == "refresh_token"
    _, renewed = oauth_bot.fake.oauth.tokens_of(SECOND)
    [looked_up] = oauth_bot.fake.calls_to("users.info")
    assert looked_up["_token"] == renewed
    # Stored for every replica, with the next refresh token.
    core = oauth_bot.app.core
    kept = await Installations(
        engine=core.engine, run_in_db=core.run_in_db, secret=core.config.secret
    ).find(SECOND)
    assert kept is not None and kept.bot_token == renewed
    assert kept.bot_refresh_token is not None
    assert kept.bot_refresh_token != refresh["refresh_token"]


async def test_the_app_home_and_file_uploads_use_the_workspaces_token(
    oauth_bot: SlackBot, browser: Browser
) -> None:
    await browser.install(TEAM)
    await browser.install(SECOND)
    [theirs] = oauth_bot.fake.oauth.tokens_of(SECOND)
    trial_feature.register(oauth_bot.app.core.registry)
    oauth_bot.fake.add_user("U0SAM", "Sam Okafor", team=SECOND)
    await oauth_bot.ask("trial export", **SAM)
    [completed] = oauth_bot.fake.successful("files.completeUploadExternal")
    assert completed["channel_id"] == "D0SAM" and completed["_token"] == theirs
    home = payload("app_home_opened", team_id=SECOND)
    home["event"]["user"] = "U0SAM"
    await oauth_bot.slack.event(home)
    await oauth_bot.settle()
    [published] = oauth_bot.fake.calls_to("views.publish")
    assert (published["user_id"], published["_token"]) == ("U0SAM", theirs)
