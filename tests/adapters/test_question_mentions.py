"""An anonymous question full of mentions, asked through the real core and posted to the
group's channels, renders on Slack and on Discord without any way to ping anyone."""

from __future__ import annotations

import json
import re

from adapters.console.sender import ConsoleSender
from adapters.console.session import ConsoleSession
from adapters.discord.render import NO_MENTIONS, render
from adapters.slack import blocks
from bot.kernel.reply_codec import encode_reply
from tests.adapters.slack.block_kit import check_message
from tests.fakes import Recorder

EVIL = "Seen this? @everyone @here <!channel> <!here> <!everyone> <@U123ABC> <@&223456789012345678> <@123456789012345678>"
DISCORD_PING = re.compile(r"(?<![\w\u200b])@(everyone|here)|<@[!&]?\d+>")


async def test_an_anonymous_question_cannot_ping_on_either_platform(bot: ConsoleSession) -> None:
    delivered = Recorder(ConsoleSender(bot))  # the outbox keeps no words once it has sent them
    bot.worker.add_sender(delivered)
    for line in (
        ":as Fran Hughes@Harbour College admin",
        "/staffroom setup Solent Network",
        "/staffroom group create A-level Chemistry",
        ":in #chem",
        "/staffroom group link A-level Chemistry",
        ":as Tom Patel@Ridgeway School",
        "/staffroom join",
        "/staffroom ask",
        f":fill question={EVIL}; category=Exam results dip",
        ":submit",
    ):
        await bot.send(line)
    posted = [
        sent.reply
        for sent in delivered.sent
        if sent.destination.channel and "@everyone" in encode_reply(sent.reply)
    ]
    assert posted, "the question was posted to the channel"
    for reply in posted:
        slack = blocks.message(reply)
        check_message(slack)  # raises on <!channel>, <!here>, <!everyone>, <@U…>, <!subteam^…>
        shown = json.dumps(slack)
        assert "<!channel>" not in shown and "<@U123ABC>" not in shown
        discord = render(reply)
        assert discord.send_kwargs()["allowed_mentions"] is NO_MENTIONS
        text = json.dumps([embed.to_dict() for embed in discord.embeds], ensure_ascii=False)
        assert not DISCORD_PING.search(text), text
