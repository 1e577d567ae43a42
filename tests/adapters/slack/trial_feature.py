"""A feature that exists only in these tests, registered through the registry's public API like
any other, to drive what the features merged so far do not yet use: a form, a slow command and
a reply with a file, a command the test holds in the core; and the submission Slack sends for
its form."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command, FormSubmit
from bot.kernel.registry import ButtonSpec, CommandSpec, FormSpec, Registry
from bot.kernel.replies import Attachment, Choice, FieldKind, Form, FormField, Reply, Text, Tone
from tests.adapters.slack.payloads import payload

MEETING_FORM = Form(
    "trial.meeting",
    "Schedule a meeting",
    (
        FormField("title", "Title", max_length=80),
        FormField("day", "Date", FieldKind.DATE),
        FormField("at", "Time", FieldKind.TIME),
        FormField(
            "where",
            "Where",
            FieldKind.SELECT,
            options=(Choice("online", "Online"), Choice("room", "Room 4")),
        ),
    ),
    submit_label="Schedule",
    context="group:1",
)


def open_meeting_form(cmd: Command, ctx: Context, arguments: str) -> Reply:
    return Reply.open_form(MEETING_FORM)


def press_open(press: ButtonPress, ctx: Context) -> Reply:
    return Reply.open_form(MEETING_FORM)


def schedule(submit: FormSubmit, ctx: Context) -> Reply:
    try:
        day = date.fromisoformat(submit.values.get("day", ""))
    except ValueError:
        return Reply.errors({"day": "Use a date like 2026-12-03."})
    if day < ctx.now.date():
        return Reply.errors({"day": "That date has passed — choose a later one."})
    title = submit.values.get("title", "")
    return Reply.say(
        f"Scheduled **{title}** on {day:%d %B} at {submit.values.get('at')} ({submit.context}).",
        tone=Tone.SUCCESS,
    )


def digest(cmd: Command, ctx: Context, arguments: str) -> Reply:
    return Reply.say("Your weekly digest is ready.")


def export(cmd: Command, ctx: Context, arguments: str) -> Reply:
    csv = b"group,members\nA-level Chemistry,3\n"
    return Reply(
        (Text("Here is the export."), Attachment("groups.csv", csv, "text/csv", "Groups export"))
    )


def hold_command(registry: Registry) -> threading.Event:
    """Register `trial hold`: the core cannot answer it until the returned event is set."""
    gate = threading.Event()

    def held(cmd: Command, ctx: Context, arguments: str) -> Reply:
        gate.wait(timeout=10)  # on the database thread; the test releases it
        return Reply.say("Released.")

    registry.command(CommandSpec(("trial", "hold"), held, "Wait for the test", needs_network=False))
    return gate


def register(registry: Registry) -> None:
    registry.command(
        CommandSpec(("trial", "form"), open_meeting_form, "Open a form", needs_network=False)
    )
    registry.command(
        CommandSpec(("trial", "digest"), digest, "A slow command", slow=True, needs_network=False)
    )
    registry.command(CommandSpec(("trial", "export"), export, "A file", needs_network=False))
    registry.form(FormSpec("trial.meeting", schedule))
    registry.button(ButtonSpec("trial.open", press_open))


def submission(view: dict[str, Any], *, day: str, title: str = "Moderation") -> dict[str, Any]:
    """Fran's `view_submission` of the meeting form `view`, answered as given."""
    body = payload("view_submission")
    body["user"]["id"] = "U0FRAN"
    values = {
        "title": {"value": {"type": "plain_text_input", "value": title}},
        "day": {"value": {"type": "datepicker", "selected_date": day}},
        "at": {"value": {"type": "timepicker", "selected_time": "16:30"}},
        "where": {"value": {"type": "static_select", "selected_option": {"value": "online"}}},
    }
    body["view"] = {**view, "id": "V0FORM", "state": {"values": values}}
    return body
