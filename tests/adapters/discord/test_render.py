"""Replies as Discord messages: embeds in block order and coloured by tone, persistent button
ids, attachments, and member-written text that can never ping or format anything."""

from __future__ import annotations

import re

import discord
from hypothesis import given
from hypothesis import strategies as st

from adapters.discord import custom_ids
from adapters.discord.markup import to_markdown
from adapters.discord.render import COLOURS, render
from bot.kernel.replies import (
    Attachment,
    Button,
    Buttons,
    ButtonStyle,
    Context,
    Divider,
    Fields,
    Heading,
    Image,
    Reply,
    Text,
    Tone,
)

PING = re.compile(r"@(everyone|here)|<@[!&]?\d+>")
CODE_SPAN = re.compile(r"`[^`]*`")


def pings(markdown: str) -> bool:
    """Whether Discord would read a mention in `markdown` (code spans show text literally)."""
    return bool(PING.search(CODE_SPAN.sub("", markdown.replace("\\`", ""))))


def test_blocks_keep_their_order_across_embeds() -> None:
    reply = Reply(
        (
            Heading("Check-in: A-level Chemistry"),
            Text("How confident are you with **titrations**?"),
            Fields((("Green", "4"), ("Amber", "2"))),
            Text("Text after fields starts a new embed"),
            Divider(),
            Context("Closes at 16:00"),
        ),
        tone=Tone.AMBER,
    )
    embeds = [embed.to_dict() for embed in render(reply).embeds]
    assert [e.get("title") for e in embeds] == ["Check-in: A-level Chemistry", None, None]
    assert embeds[0]["description"] == "How confident are you with **titrations**?"
    assert [(f["name"], f["value"], f["inline"]) for f in embeds[0]["fields"]] == [
        ("Green", "4", True),
        ("Amber", "2", True),
    ]
    assert embeds[1]["description"] == "Text after fields starts a new embed"
    assert embeds[2]["description"] == "-# Closes at 16:00"
    assert {e["color"] for e in embeds} == {COLOURS[Tone.AMBER].value}


def test_each_tone_has_its_own_colour_and_traffic_lights_read_as_such() -> None:
    assert len({colour.value for colour in COLOURS.values()}) == len(Tone)
    green, amber, red = (COLOURS[t].to_rgb() for t in (Tone.GREEN, Tone.AMBER, Tone.RED))
    assert green[1] > green[0] and red[0] > red[1] and amber[0] > amber[2] < amber[1]


def test_buttons_carry_action_and_value_in_a_persistent_id() -> None:
    reply = Reply(
        (
            Text("Pick one"),
            Buttons(
                (
                    *(Button(f"Option {n}", "checkin.answer", f"12:{n}") for n in range(7)),
                    Button("Leave", "group.leave", "3", ButtonStyle.DANGER),
                )
            ),
        )
    )
    view = render(reply).view
    assert view is not None and view.timeout is None
    rows = view.to_components()
    assert [len(row["components"]) for row in rows] == [5, 3]
    first = rows[0]["components"][0]
    assert (first["type"], first["style"], first["label"]) == (2, 2, "Option 0")
    assert first["custom_id"] == "sr:checkin.answer:12:0"
    assert rows[1]["components"][-1]["style"] == discord.ButtonStyle.danger.value


def test_buttons_in_a_direct_message_name_the_server() -> None:
    view = render(
        Reply((Buttons((Button("Reflect", "reflection.open", "9"),)),)), dm_guild="42"
    ).view
    assert view is not None
    assert view.to_components()[0]["components"][0]["custom_id"] == "sr@42:reflection.open:9"


def test_pictures_are_attached_and_shown_and_files_attached() -> None:
    reply = Reply(
        (
            Image(b"\x89PNG...", "Check-in answers by week", "chart week 3.png"),
            Attachment("term.ics", b"BEGIN:VCALENDAR", "text/calendar", "Your meetings"),
        )
    )
    rendered = render(reply)
    assert [file.filename for file in rendered.files] == ["chart-week-3.png", "term.ics"]
    embed = rendered.embeds[0].to_dict()
    assert embed["image"]["url"] == "attachment://chart-week-3.png"
    assert embed["description"] == "-# Your meetings"


def test_neutral_markup_becomes_discord_markdown_and_the_rest_is_escaped() -> None:
    text = "**Bold** _italic_ `code` [docs](https://example.org) and *stars* ~~strike~~ ||spoiler||"
    assert to_markdown(text) == (
        r"**Bold** _italic_ `code` \[docs](https://example.org) and \*stars\* \~\~strike\~\~ "
        r"\|\|spoiler\|\|"
    )


def test_mentions_in_member_text_are_broken() -> None:
    shown = to_markdown("Hi @everyone and @here, <@123456789012345678> <@&223456789012345678>")
    assert not pings(shown)
    assert "everyone" in shown and "here" in shown


@given(st.text())
def test_no_member_text_can_ping_or_escape_its_paragraph(member_text: str) -> None:
    reply = Reply(
        (Heading(member_text), Text(f"Question: {member_text}"), Fields((("Asked", member_text),)))
    )
    rendered = render(reply)
    for embed in rendered.embeds:
        data = embed.to_dict()
        shown = [data.get("title", ""), data.get("description", "")]
        shown += [f["name"] + f["value"] for f in data.get("fields", [])]
        assert not any(pings(text) for text in shown)


BLOCKS = st.one_of(
    st.builds(Heading, st.text(max_size=300)),
    st.builds(Text, st.text(max_size=5000)),
    st.builds(Context, st.text(max_size=300)),
    st.builds(
        Fields,
        st.lists(st.tuples(st.text(max_size=300), st.text(max_size=1500)), max_size=30).map(tuple),
    ),
    st.just(Divider()),
)


@given(st.lists(BLOCKS, max_size=25))
def test_any_reply_fits_discord_s_embed_limits(blocks: list[object]) -> None:
    embeds = render(Reply(tuple(blocks))).embeds  # type: ignore[arg-type]
    assert 1 <= len(embeds) <= 10
    assert sum(len(embed) for embed in embeds) <= 6000
    for embed in embeds:
        data = embed.to_dict()
        assert len(data.get("title", "")) <= 256
        assert len(data.get("description", "")) <= 4096
        assert len(data.get("fields", [])) <= 25
        for field in data.get("fields", []):
            assert 1 <= len(field["name"]) <= 256 and 1 <= len(field["value"]) <= 1024


@given(
    st.text(alphabet=st.characters(blacklist_characters=":"), min_size=1, max_size=30),
    st.text(max_size=40),
    st.one_of(st.none(), st.from_regex(r"\d{17,20}", fullmatch=True)),
)
def test_button_ids_read_back_as_written(action: str, value: str, guild: str | None) -> None:
    custom_id = custom_ids.button_id(action, value, guild)
    assert len(custom_id) <= custom_ids.LIMIT
    match = custom_ids.BUTTON.fullmatch(custom_id)
    assert match is not None
    assert (match["action"], match["value"], match["guild"]) == (action, value, guild)


@given(
    st.from_regex(r"[A-Za-z0-9_-]{12}", fullmatch=True),
    st.integers(0, 9),
    st.from_regex(r"[a-z.]{1,20}", fullmatch=True),
    st.text(max_size=120),
)
def test_form_ids_read_back_or_fall_back_to_the_token(
    token: str, part: int, form_id: str, context: str
) -> None:
    ref = custom_ids.FormRef(token, part, None, form_id, context)
    written = custom_ids.form_id(ref)
    assert len(written) <= custom_ids.LIMIT
    read = custom_ids.parse_form(written)
    assert read is not None and (read.token, read.part) == (token, part)
    if read.form_id is not None:
        assert (read.form_id, read.context) == (form_id, context)
    else:
        assert len(f"sf:{token}:{part}:{form_id}:{context}") > custom_ids.LIMIT
