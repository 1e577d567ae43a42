"""Logs never contain text members wrote, for any of the foundation's commands — not even when
a command fails inside the database — and JSON logs are one JSON object per line. Libraries
that log payloads below WARNING are held there, whatever the configured level (the Slack
adapter at DEBUG: tests/adapters/slack/test_quiet_libraries.py)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from adapters.console.session import ConsoleSession
from bot.kernel.context import Context
from bot.kernel.events import Command
from bot.kernel.registry import CommandSpec
from bot.kernel.replies import Reply
from bot.runtime.logs import configure_logging
from storage import directory

MARK = "Quokka"  # in every piece of text the members write below


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("DEBUG", "json", stream=stream)
    yield stream
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


@pytest.mark.parametrize(("level", "warnings_shown"), [("DEBUG", True), ("ERROR", False)])
def test_libraries_that_log_payloads_say_no_more_than_warnings(
    log_stream: io.StringIO, level: str, warnings_shown: bool
) -> None:
    configure_logging(level, "text", stream=log_stream)
    for name in (
        "slack_sdk.socket_mode",
        "slack_bolt.App",
        "staffroom.slack.bolt",
        "discord.gateway",
        "aiohttp.access",
    ):
        library = logging.getLogger(name)
        library.debug("Received message: %s", MARK)
        library.info("Sending a request: %s", MARK)
        library.warning("%s: could not reach the server", name)
    logged = log_stream.getvalue()
    assert MARK not in logged
    assert (logged.count("could not reach the server") == 5) is warnings_shown


async def test_member_text_never_reaches_the_logs(
    bot: ConsoleSession, log_stream: io.StringIO
) -> None:
    lines = [
        f":as Fran {MARK}@{MARK} College admin",
        f"/staffroom setup {MARK} Network",
        f"/staffroom school add {MARK} School",
        f"/staffroom group create {MARK} Drama — {MARK} devising",
        f":in #{MARK}-drama",
        f"/staffroom group link {MARK} Drama",
        f"/staffroom group describe {MARK} Drama — more {MARK}",
        f":as Nell {MARK}@{MARK} School",
        f"/staffroom join {MARK} Drama",
        f"{MARK} chat in the channel",
        f"/staffroom {MARK} nonsense",
        f"/staffroom school {MARK} Nowhere",
        f"/staffroom group info {MARK} Dram",
        "/staffroom whoami",
        "/staffroom my data",
        "/staffroom forget me",
        ":click Erase my data",
        ":tick 2d",
    ]
    for line in lines:
        await bot.send(line)
    logged = log_stream.getvalue()
    assert logged, "the bot logged nothing at DEBUG"
    assert MARK.lower() not in logged.lower()
    for line in logged.splitlines():
        assert json.loads(line)["level"]


def _failing_command(cmd: Command, ctx: Context, arguments: str) -> Reply:
    """Writes the member's text twice where it must be unique: the database refuses."""
    network = ctx.require_network()
    for _ in range(2):
        directory.add_school(
            ctx.connection, network_id=network.id, name=arguments, name_key=arguments, now=ctx.now
        )
    return Reply.say("unreachable")


async def test_a_database_error_does_not_log_the_values_it_was_given(
    bot: ConsoleSession, log_stream: io.StringIO
) -> None:
    bot.core.registry.command(CommandSpec(("fail",), _failing_command, "fails"))
    await bot.send(":as Fran Hughes@Harbour College admin")
    await bot.send("/staffroom setup Net")
    said = await bot.send(f"/staffroom fail {MARK} Academy")
    assert "something went wrong" in said
    logged = log_stream.getvalue()
    assert "IntegrityError" in logged
    assert MARK not in logged
