"""Replies as Block Kit: Slack's documented limits hold for anything the core says, and every
command, button and form of the running bot renders to valid Block Kit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.slack import blocks
from adapters.slack.forms import FormOrigin, field_errors, form_view
from bot.app import Staffroom
from bot.demo.demo_network import CONSOLE, GROUPS, channel_name, ensure_demo
from bot.kernel.events import Actor, ButtonPress, Command, FormSubmit, Place
from bot.kernel.replies import (
    Button,
    Buttons,
    ButtonStyle,
    Choice,
    Context,
    FieldKind,
    Fields,
    Form,
    FormField,
    Heading,
    Reply,
    Text,
    Tone,
)
from tests.adapters.slack.block_kit import check_message, check_view


def test_a_huge_reply_is_split_and_cut_within_the_limits() -> None:
    reply = Reply(
        (
            Heading("H" * 400),
            Text("\n".join(f"Line {n} " + "y" * 90 for n in range(200))),
            Fields(tuple((f"Label {n}", f"value {n}") for n in range(23))),
            Buttons(tuple(Button("B" * 100, "x.press", str(n)) for n in range(60))),
            *(Context(f"note {n}") for n in range(40)),
        )
    )
    payload = blocks.message(reply)
    check_message(payload)
    rendered = payload["blocks"]
    assert len(rendered) == 50
    assert rendered[-1]["type"] == "context" and "more than Slack can show" in str(rendered[-1])
    sections = [b for b in rendered if b["type"] == "section" and "text" in b]
    assert len(sections) == 7  # 200 lines of ~100 characters in pieces of at most 3,000
    field_sections = [b for b in rendered if "fields" in b]
    assert [len(b["fields"]) for b in field_sections] == [10, 10, 3]
    actions = [b for b in rendered if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 25, 10]
    assert rendered[0]["text"]["text"].endswith("…") and len(rendered[0]["text"]["text"]) == 150


def test_buttons_keep_their_action_and_value_with_unique_ids() -> None:
    reply = Reply(
        (
            Buttons((Button("Join", "group.join", "1"), Button("Join", "group.join", "2"))),
            Buttons((Button("Leave", "group.leave", "1", ButtonStyle.DANGER),)),
        )
    )
    elements = [e for b in blocks.message(reply)["blocks"] for e in b["elements"]]
    assert [e["action_id"] for e in elements] == ["group.join#0", "group.join#1", "group.leave#2"]
    assert [e.get("value") for e in elements] == ["1", "2", "1"]
    assert elements[2]["style"] == "danger" and "style" not in elements[0]


def test_tone_marks_the_first_text() -> None:
    reply = Reply((Text("Amber: not sure yet"), Text("second")), tone=Tone.AMBER)
    rendered = blocks.message(reply)["blocks"]
    assert rendered[0]["text"]["text"].startswith(":large_orange_circle: ")
    assert rendered[1]["text"]["text"] == "second"


def test_member_text_in_every_block_kind_is_neutralised() -> None:
    evil = "<!channel> <!here> <@U024BE7LH> <!subteam^S1> & <#C1>"
    reply = Reply(
        (
            Heading(evil),
            Text(evil),
            Fields(((evil, evil),)),
            Context(evil),
            Buttons((Button(evil, "a"),)),
        )
    )
    check_message(blocks.message(reply))


def test_a_form_renders_every_input_kind() -> None:
    form = Form(
        "meeting.schedule",
        "Schedule a meeting for the whole network",
        (
            FormField("title", "Title", placeholder="Moderation", max_length=80, initial="Hi"),
            FormField("notes", "Notes", FieldKind.MULTILINE, required=False, hint="Optional"),
            FormField(
                "where",
                "Where",
                FieldKind.SELECT,
                options=(Choice("online", "Online"), Choice("room", "Room 4")),
                initial="room",
            ),
            FormField("date", "Date", FieldKind.DATE, initial="2026-12-03"),
            FormField("time", "Time", FieldKind.TIME, initial="16:30"),
            FormField("recurring", "Every week", FieldKind.CHECKBOX, required=False, initial="yes"),
        ),
        submit_label="Schedule",
        context="group:17",
    )
    view = form_view(form, FormOrigin(form.form_id, form.context, channel="C1"), (Text("Intro"),))
    check_view(view)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    kinds = {name: block["element"]["type"] for name, block in inputs.items()}
    assert kinds == {
        "title": "plain_text_input",
        "notes": "plain_text_input",
        "where": "static_select",
        "date": "datepicker",
        "time": "timepicker",
        "recurring": "checkboxes",
    }
    assert inputs["notes"]["element"]["multiline"] and inputs["notes"]["optional"]
    assert inputs["where"]["element"]["initial_option"]["value"] == "room"
    assert inputs["date"]["element"]["initial_date"] == "2026-12-03"
    assert inputs["time"]["element"]["initial_time"] == "16:30"
    assert inputs["recurring"]["element"]["initial_options"][0]["value"] == "yes"
    assert view["title"]["text"] == "Schedule a meeting for…"
    assert FormOrigin.decode(view["private_metadata"]).context == "group:17"


def test_field_errors_point_at_inputs() -> None:
    form = Form("f", "F", (FormField("date", "Date", FieldKind.DATE), FormField("time", "Time")))
    view = form_view(form, FormOrigin("f"))
    answer = field_errors({"time": "Use HH:MM", "general": "Something else"}, view["blocks"])
    assert answer == {
        "response_action": "errors",
        "errors": {"time": "Use HH:MM", "date": "Something else"},
    }


# --- the whole bot -------------------------------------------------------------------------


def _texts(app: Staffroom) -> Iterator[str]:
    yield ""
    yield "no-such-command"
    for spec in app.core.registry:
        yield spec.name
        yield f"help {spec.name}"
        yield from spec.examples


def _check(reply: Reply | None) -> None:
    if reply is None:
        return
    if reply.form is not None:
        check_view(
            form_view(reply.form, FormOrigin(reply.form.form_id, reply.form.context), reply.blocks)
        )
    if reply.blocks:
        check_message(blocks.message(reply))
        check_view(blocks.result_view(reply))
        check_view(blocks.home_view(reply))


@pytest.mark.parametrize("who", ["fran-hughes", "sam-jones", "newcomer"])
async def test_every_command_button_and_form_renders_valid_block_kit(
    app: Staffroom, who: str
) -> None:
    """Generic over the registry: features merged later are covered without changing this."""
    ensure_demo(app.core)
    actor = Actor(CONSOLE, CONSOLE, who, who.replace("-", " ").title())
    channel = channel_name(GROUPS[0][0])
    places = (
        Place(CONSOLE, CONSOLE, channel=channel, channel_name=channel),
        Place(CONSOLE, CONSOLE, channel=f"dm-{who}", is_direct=True),
    )
    replies: list[Reply] = []
    for place in places:
        for text in _texts(app):
            reply = await app.core.handle(Command(actor, place, text))
            _check(reply)
            if reply is not None:
                replies.append(reply)
    pressed: set[tuple[str, str]] = set()
    for reply in replies:
        for button in reply.buttons():
            if (button.action, button.value) in pressed:
                continue
            pressed.add((button.action, button.value))
            _check(
                await app.core.handle(ButtonPress(actor, places[0], button.action, button.value))
            )
        if reply.form is not None:
            empty = FormSubmit(actor, places[0], reply.form.form_id, {}, reply.form.context)
            _check(await app.core.handle(empty))
    assert len(replies) >= 2 * len(app.core.registry.commands)
