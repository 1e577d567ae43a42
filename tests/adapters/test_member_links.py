"""Member text never becomes a labelled link. A question, its follow-up and a reply that
disguise a phishing address as an official notice are asked through the real core, posted to
the group's channel, and rendered for Slack and for Discord: the words show as typed and the
address in full, and cutting long text to a platform's limit never leaves part of an address.
"""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from adapters.console.sender import ConsoleSender
from adapters.console.session import ConsoleSession
from adapters.discord.markup import shorten, to_markdown
from adapters.discord.render import render
from adapters.slack import blocks
from adapters.slack.mrkdwn import mrkdwn_within, plain
from bot.checkins.render import quoted
from bot.kernel.replies import Reply, Text
from bot.kernel.reply_codec import encode_reply
from tests.fakes import Recorder
from tests.unit.checkin_world import set_up_group

PHISH = "https://phish.example/login?next=%2Fgrades"
DISGUISED = f"[Official AQA notice]({PHISH})"
SLACK_LABELLED = re.compile(r"<[^<>|]+\|[^<>]*>")
DISCORD_MASKED = re.compile(r"(?<!\\)\[[^\]]*\]\(")  # an unescaped `[label](`


async def test_disguised_links_in_member_text_stay_plain_on_slack_and_discord(
    bot: ConsoleSession,
) -> None:
    delivered = Recorder(ConsoleSender(bot))
    bot.worker.add_sender(delivered)
    await set_up_group(bot)
    for line in (
        ":as Aisha Khan@Castle Hill College",
        "/staffroom join",
        "/staffroom ask",
        f":fill question=Please read the {DISGUISED} first; category=Exam results dip",
        ":submit",
        f"/staffroom ask followup #1 Also see {DISGUISED}",
        ":as Tom Patel",
        ":click Reply",
        f":fill reply=Thanks, {DISGUISED} was useful",
        ":submit",
    ):
        await bot.send(line)
    posted = [sent.reply for sent in delivered.sent if PHISH in encode_reply(sent.reply)]
    posted += [reply for _, reply in delivered.edited if PHISH in encode_reply(reply)]
    assert len(posted) >= 3, "the question, the follow-up and the reply were posted"
    for reply in posted:
        slack = json.dumps(blocks.message(reply), ensure_ascii=False)
        assert not SLACK_LABELLED.search(slack), slack
        assert f"[Official AQA notice]({PHISH})" in slack
        embeds = render(reply).embeds
        shown = [e.title or "" for e in embeds] + [e.description or "" for e in embeds]
        shown += [f"{f.name} {f.value}" for e in embeds for f in e.fields]
        assert not any(DISCORD_MASKED.search(text) for text in shown), shown
        assert any(PHISH in text for text in shown)


def test_a_discord_masked_link_typed_by_a_member_is_escaped() -> None:
    shown = to_markdown(f"see {DISGUISED} and [x](<{PHISH}>)")
    assert not DISCORD_MASKED.search(shown) and shown.count(PHISH) == 2


addresses = st.sampled_from([PHISH, "https://x.io/a", "http://example.org/" + "p" * 40])
words = st.text(alphabet="abc _*", min_size=0, max_size=30)
member_text = st.lists(st.one_of(words, addresses), min_size=1, max_size=12).map(" ".join)


def _addresses_whole(shown: str, original: str) -> None:
    for found in re.findall(r"https?://\S+", shown.replace("&amp;", "&")):
        assert found.rstrip("…") in original.split(), (found, shown)
        assert not found.endswith("…")


@given(member_text, st.integers(min_value=10, max_value=120))
def test_cutting_to_a_limit_never_leaves_part_of_an_address(text: str, limit: int) -> None:
    for shown in (plain(text, limit), mrkdwn_within(text, limit), shorten(text, limit)):
        assert len(shown) <= limit
        _addresses_whole(shown, text)


@given(member_text, st.integers(min_value=10, max_value=120))
def test_a_long_check_in_prompt_is_quoted_without_part_of_an_address(text: str, limit: int) -> None:
    shown = quoted(text, limit)
    assert len(shown) <= limit + 2  # the quotation marks
    _addresses_whole(shown.strip("“”"), text)


def test_a_long_discord_paragraph_is_cut_before_an_address_it_would_split() -> None:
    text = "x" * 4080 + " " + PHISH
    description = render(Reply((Text(text),))).embeds[0].description or ""
    assert description.endswith("…") and "https" not in description
