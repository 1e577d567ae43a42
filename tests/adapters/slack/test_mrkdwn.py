"""The neutral markup as Slack mrkdwn: styles converted, member text neutralised, limits kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.mrkdwn import mrkdwn, mrkdwn_chunks, mrkdwn_within, plain
from tests.adapters.slack.block_kit import check_mrkdwn

# Text as members might write it, rich in the characters that matter to Slack.
member_text = st.lists(
    st.sampled_from([*"ab <>&!@#^|*_`[]()\n:/.", "channel", "here", "https://x.io", "**"]),
    max_size=200,
).map("".join)


def test_styles_become_mrkdwn() -> None:
    assert mrkdwn("**Your groups** and _quiet_ `code`") == "*Your groups* and _quiet_ `code`"
    # No labelled links: the words and the address show as typed, the address in full.
    assert mrkdwn("[the spec](https://example.org/a?b=1&c=2)") == (
        "[the spec](https://example.org/a?b=1&amp;c=2)"
    )


def test_member_text_cannot_ping() -> None:
    for attempt in (
        "<!channel>",
        "<!here> hi",
        "<!everyone>",
        "<@U024BE7LH>",
        "<!subteam^S0123|team>",
    ):
        rendered = mrkdwn(f"Question: {attempt}")
        check_mrkdwn(rendered)
        assert "&lt;" in rendered


def test_ampersands_are_escaped_once() -> None:
    assert mrkdwn("R&D <b>") == "R&amp;D &lt;b&gt;"


@given(member_text)
def test_no_text_produces_a_mention(text: str) -> None:
    check_mrkdwn(mrkdwn(text))


@given(member_text, st.integers(min_value=20, max_value=300))
def test_cut_text_fits_and_stays_safe(text: str, limit: int) -> None:
    cut = mrkdwn_within(text, limit)
    assert len(cut) <= limit
    check_mrkdwn(cut)
    for chunk in mrkdwn_chunks(text, limit):
        assert 0 < len(chunk) <= limit
        check_mrkdwn(chunk)


def test_long_paragraphs_split_between_lines() -> None:
    lines = [f"line {n} " + "x" * 50 for n in range(100)]
    chunks = mrkdwn_chunks("\n".join(lines), 3000)
    assert len(chunks) > 1
    assert all(len(chunk) <= 3000 for chunk in chunks)
    assert "\n".join(chunks) == "\n".join(lines)


def test_plain_text_drops_markup_and_shortens() -> None:
    assert plain("**Join** [the group](https://x.io)", 75) == "Join [the group](https://x.io)"
    shortened = plain("A" * 100, 75)
    assert len(shortened) == 75 and shortened.endswith("…")
