"""Replies survive the round trip through the outbox unchanged."""

from __future__ import annotations

from bot.kernel.replies import (
    Attachment,
    Button,
    Buttons,
    ButtonStyle,
    Choice,
    Context,
    Divider,
    FieldKind,
    Fields,
    Form,
    FormField,
    Heading,
    Image,
    Reply,
    Text,
    Tone,
    Visibility,
)
from bot.kernel.reply_codec import decode_reply, encode_reply


def test_every_block_kind_round_trips() -> None:
    reply = Reply(
        (
            Heading("Round 3"),
            Text("**Bold** and _italic_ ✓"),
            Fields((("Green", "4"), ("Red", "1"))),
            Context("closes at 17:00"),
            Divider(),
            Buttons((Button("🟢 Got it", "checkin.answer", "3:green", ButtonStyle.PRIMARY),)),
            Image(b"\x89PNG...", "chart", "chart.png"),
            Attachment("digest.csv", b"a,b\n1,2\n", "text/csv", "Digest"),
        ),
        visibility=Visibility.PUBLIC,
        tone=Tone.GREEN,
    )
    assert decode_reply(encode_reply(reply)) == reply


def test_forms_and_field_errors_round_trip() -> None:
    form = Form(
        "ask",
        "Ask anonymously",
        (
            FormField("question", "Your question", FieldKind.MULTILINE, max_length=2000),
            FormField(
                "category",
                "Category",
                FieldKind.SELECT,
                options=(Choice("dip", "Exam results dip"),),
            ),
            FormField("when", "Date", FieldKind.DATE, required=False),
        ),
        context="group:3",
    )
    for reply in (Reply.open_form(form), Reply.errors({"question": "Please write your question."})):
        assert decode_reply(encode_reply(reply)) == reply
