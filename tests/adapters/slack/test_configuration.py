"""Slack settings: the Web API base URL, HTTP port and path come from the environment, and
the adapter starts in the mode its credentials allow."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import ValidationError

from adapters.slack import runner
from adapters.slack.settings import SlackSettings
from bot.app import Staffroom, StartupError
from tests.adapters.slack import trial_feature
from tests.adapters.slack.conftest import SlackBot, SlackRequests, command_form
from tests.adapters.slack.fake_slack import Failure, FakeSlack


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://proxy.internal:8080/api/")
    monkeypatch.setenv("SLACK_HTTP_PORT", "8443")
    monkeypatch.setenv("SLACK_HTTP_PATH", "/hooks/slack")
    settings = SlackSettings(_env_file=None)
    assert settings.api_url == "http://proxy.internal:8080/api/"
    assert (settings.http_port, settings.http_path) == (8443, "/hooks/slack")
    monkeypatch.delenv("SLACK_API_URL")
    assert SlackSettings(_env_file=None).api_url == "https://slack.com/api/"


def test_an_oauth_install_needs_all_its_settings_and_http_mode() -> None:
    oauth: dict[str, Any] = {
        "SLACK_CLIENT_ID": "1234.5678",
        "SLACK_CLIENT_SECRET": "client-secret",
        "SLACK_STATE_SECRET": "state-secret-0123456789",
        "SLACK_SIGNING_SECRET": "signing-secret",
    }
    settings = SlackSettings(_env_file=None, **oauth)
    assert settings.configured() and settings.oauth()
    assert settings.bot_token is None  # no single token: one per workspace
    partial: dict[str, Any] = {**oauth, "SLACK_STATE_SECRET": None, "SLACK_SIGNING_SECRET": None}
    with pytest.raises(ValidationError, match="also needs SLACK_STATE_SECRET, SLACK_SIGNING"):
        SlackSettings(_env_file=None, **partial)
    with pytest.raises(ValidationError, match=r"SLACK_APP_TOKEN \(Socket Mode\) serves one"):
        SlackSettings(_env_file=None, SLACK_APP_TOKEN="xapp-1", **oauth)


async def test_http_mode_serves_the_configured_path_only(
    app: Staffroom, slack_settings: Callable[..., SlackSettings], fake_slack: FakeSlack
) -> None:
    running = await runner.start(app, slack_settings(http_path="/hooks/slack"))
    try:
        async with aiohttp.ClientSession() as session:
            root = f"http://127.0.0.1:{running.port}"
            status, _ = await SlackRequests(session, f"{root}/hooks/slack").command(
                command_form("help", response_url=fake_slack.response_url("help"))
            )
            assert status == 200
            await running.settle()
            [answer] = fake_slack.responses_to("help")  # first contact: answered after the ack
            assert "what I can do" in str(answer)
            status, _ = await SlackRequests(session, f"{root}/slack/events").command(
                command_form("help")
            )
            assert status == 404
        [auth] = fake_slack.calls_to("auth.test")
        assert auth["_token"] == "xoxb-0000-test"
    finally:
        await running.stop()


async def test_slack_needs_a_signing_secret_or_an_app_token(
    app: Staffroom, slack_settings: Callable[..., SlackSettings]
) -> None:
    with pytest.raises(StartupError, match="SLACK_APP_TOKEN"):
        await runner.start(app, slack_settings(signing_secret=None))


async def test_a_port_in_use_stops_start_up_with_a_clear_message(
    app: Staffroom, slack_settings: Callable[..., SlackSettings]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(StartupError, match=f"cannot listen on 127.0.0.1:{port}"):
            await runner.start(app, slack_settings(http_port=port))


async def test_the_intake_process_is_started_again_if_it_dies(slack_bot: SlackBot) -> None:
    intake = slack_bot.running.intake
    assert intake is not None and intake.pid is not None
    await slack_bot.send("whoami")
    assert slack_bot.app.readiness.not_ready() == []
    killed = intake.pid
    os.kill(killed, signal.SIGKILL)
    for _ in range(100):
        if not intake.serving():
            break
        await asyncio.sleep(0.01)
    assert slack_bot.app.readiness.not_ready() == ["Slack"]  # /readyz says so
    for _ in range(300):
        if intake.serving():
            break
        await asyncio.sleep(0.05)
    assert intake.pid != killed and slack_bot.app.readiness.not_ready() == []
    url = f"http://127.0.0.1:{intake.port}/slack/events"
    again = SlackRequests(slack_bot.slack.session, url)
    form = command_form("help", response_url=slack_bot.fake.response_url("again"))
    status, ack = await again.command(form)
    await slack_bot.settle()
    assert status == 200
    assert "what I can do" in str(ack or slack_bot.fake.responses_to("again"))


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("timed out waiting")


async def test_an_answer_held_when_the_intake_dies_reaches_its_own_requester(
    slack_bot: SlackBot,
) -> None:
    gate = trial_feature.hold_command(slack_bot.app.core.registry)
    adapter, intake = slack_bot.running.adapter, slack_bot.running.intake
    assert intake is not None
    await slack_bot.send("whoami")  # Fran is looked up: her commands may be held
    adapter.command_budget = 2.0
    first = command_form("trial hold", response_url=slack_bot.fake.response_url("before"))
    sending = asyncio.ensure_future(slack_bot.slack.command(first))
    await _until(lambda: adapter.pace.waiting == 1)  # the core has it
    killed = intake.pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)
    with contextlib.suppress(aiohttp.ClientError):
        await sending  # Slack would see the connection drop, and retry no command
    await _until(lambda: intake.serving() and intake.pid != killed)
    # The new intake numbers its requests afresh, so the second held command has the number
    # the first had (the second request to each intake): it must still get its own answer.
    again = SlackRequests(slack_bot.slack.session, f"http://127.0.0.1:{intake.port}/slack/events")
    opening = asyncio.ensure_future(again.command(command_form("whoami")))
    await asyncio.sleep(0.05)
    second = command_form("trial hold", response_url=slack_bot.fake.response_url("after"))
    answering = asyncio.ensure_future(again.command(second))
    await asyncio.sleep(0.1)  # both are forwarded and queued behind the first
    gate.set()
    assert (await opening)[0] == 200
    status, ack = await answering
    await slack_bot.settle()
    assert status == 200
    [before] = slack_bot.fake.responses_to("before")
    assert "Released." in str(before["blocks"])
    after = slack_bot.fake.responses_to("after")
    assert len(after) + (1 if ack else 0) == 1  # the second answer, exactly once


async def test_stopping_while_the_intake_restarts_leaves_no_process_behind(
    slack_bot: SlackBot,
) -> None:
    intake = slack_bot.running.intake
    assert intake is not None and intake.pid is not None
    os.kill(intake.pid, signal.SIGKILL)
    await _until(lambda: not intake.serving())
    await asyncio.sleep(0.6)  # the restart waits 0.5 s, then starts a new intake
    await slack_bot.running.stop()
    assert _running_intakes() == []


def _running_intakes() -> list[int]:
    """This process's children that are intakes and still running (not zombies)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z" and b"slack.intake" in command:
            found.append(int(stat.parent.name))
    return found


def _manifest_list(lines: list[str], key: str) -> set[str]:
    """The items of a YAML list under `key:` (the manifest is plain enough to read by line)."""
    start = next(n for n, line in enumerate(lines) if line.strip() == f"{key}:")
    items = set()
    for line in lines[start + 1 :]:
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        if not stripped.startswith("- "):
            break
        items.add(stripped[2:].split("#")[0].strip())
    return items


def test_the_manifest_subscribes_to_what_the_adapter_handles() -> None:
    lines = (
        (Path(__file__).parents[3] / "deploy" / "slack" / "manifest.yaml").read_text().splitlines()
    )
    assert _manifest_list(lines, "bot_events") == {
        "app_home_opened",
        "message.channels",
        "message.groups",
        "message.im",
        "member_joined_channel",
        "app_uninstalled",
        "tokens_revoked",
    }
    scopes = _manifest_list(lines, "bot")
    assert {"commands", "chat:write", "users:read", "im:write", "files:write"} <= scopes
    assert not any(
        scope.endswith(":write.public") or scope.startswith("users:read.email") for scope in scopes
    )


async def test_a_token_slack_refuses_stops_the_start_with_a_clear_message(
    app: Staffroom, slack_settings: Callable[..., SlackSettings], fake_slack: FakeSlack
) -> None:
    fake_slack.fail("auth.test", Failure(error="invalid_auth"))
    with pytest.raises(StartupError, match=r"Slack refused SLACK_BOT_TOKEN \(invalid_auth\)"):
        await runner.start(app, slack_settings())
