"""A small feature used only by the Discord tests, registered into the bot's registry.

It exercises what today's features do not yet: an anonymous question (a private reply while
the question is posted through the outbox), a form of seven fields of every kind with
validation, a slow command, a command the core takes too long over, and a button sent by DM.
"""

from __future__ import annotations

import threading
from datetime import date

from bot.groups.lookup import group_here
from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command, FormSubmit
from bot.kernel.refusals import Refusal
from bot.kernel.registry import ButtonSpec, CommandSpec, FormSpec, Registry
from bot.kernel.replies import (
    Button,
    Buttons,
    Choice,
    FieldKind,
    Form,
    FormField,
    Heading,
    Reply,
    Text,
    Tone,
)

REFLECTION = Form(
    "sample.reflection",
    "Reflection on the meeting",
    (
        FormField("achieved", "What did the meeting achieve?", FieldKind.MULTILINE),
        FormField(
            "confidence",
            "How confident are you now?",
            FieldKind.SELECT,
            options=(
                Choice("green", "Got it"),
                Choice("amber", "Not sure"),
                Choice("red", "Not yet"),
            ),
        ),
        FormField("next_date", "Next session", FieldKind.DATE),
        FormField("next_time", "Starting at", FieldKind.TIME, required=False),
        FormField("share", "Share with the group", FieldKind.CHECKBOX, required=False),
        FormField("students", "How will students benefit?", FieldKind.MULTILINE),
        FormField("title", "A title for it", max_length=60, initial="Our meeting"),
    ),
    context="meeting:7",
)
SHORT_FORM = Form(
    "sample.reflection",
    "Quick reflection",
    (
        FormField("achieved", "What did the meeting achieve?", FieldKind.MULTILINE),
        FormField("next_date", "Next session", FieldKind.DATE),
    ),
    context="meeting:8",
)


class SampleFeature:
    """The test feature's handlers, with what they saw (`submitted`) and a `release` for the
    command that waits."""

    def __init__(self) -> None:
        self.submitted: list[FormSubmit] = []
        self.release = threading.Event()

    def whisper(self, cmd: Command, ctx: Context, arguments: str) -> Reply:
        """Post an anonymous question in the group's channel; only the asker hears back."""
        group = group_here(ctx)
        if group is None:
            raise Refusal("Ask in a group's channel.")
        ctx.outbox.to_group(
            group.id,
            key=f"sample.whisper:{ctx.now.isoformat()}",
            reply=Reply((Heading("An anonymous question"), Text(arguments))),
            purpose="sample.whisper",
        )
        return Reply.say("Your question was posted anonymously.", tone=Tone.SUCCESS)

    def reflect(self, cmd: Command, ctx: Context, arguments: str) -> Reply:
        return Reply.open_form(SHORT_FORM if arguments == "short" else REFLECTION)

    def save_reflection(self, submit: FormSubmit, ctx: Context) -> Reply:
        self.submitted.append(submit)
        try:
            date.fromisoformat(submit.values.get("next_date", ""))
        except ValueError:
            return Reply.errors({"next_date": "Please give a date like 2026-12-01."})
        return Reply.say(f"Thanks — reflection for {submit.context} saved.", tone=Tone.SUCCESS)

    def digest(self, cmd: Command, ctx: Context, arguments: str) -> Reply:
        return Reply.say("Here is the digest.", public=arguments == "public")

    def dawdle(self, cmd: Command, ctx: Context, arguments: str) -> Reply:
        """Takes as long as the test wants: until `release` is set (on a database thread)."""
        self.release.wait(timeout=30)
        return Reply.say("Done at last.")

    def remind(self, cmd: Command, ctx: Context, arguments: str) -> Reply:
        member = ctx.require_member()
        ctx.outbox.to_member(
            member.id,
            key=f"sample.remind:{member.id}",
            reply=Reply(
                (Text("Time to reflect."), Buttons((Button("Reflect", "sample.reflect", "8"),)))
            ),
            purpose="sample.remind",
        )
        return Reply.say("I'll send you a direct message.")

    def press_reflect(self, press: ButtonPress, ctx: Context) -> Reply:
        return Reply.open_form(SHORT_FORM)

    def press_tally(self, press: ButtonPress, ctx: Context) -> Reply:
        return Reply.say(f"Tallied {press.value} for everyone to see.", public=True)

    def register(self, registry: Registry) -> None:
        add = registry.command
        add(CommandSpec(("whisper",), self.whisper, "Ask anonymously", usage="<question>"))
        add(CommandSpec(("ponder",), self.reflect, "Reflect on a meeting", usage="[short]"))
        add(
            CommandSpec(
                ("roundup",), self.digest, "This week's digest", usage="[public]", slow=True
            )
        )
        add(CommandSpec(("dawdle",), self.dawdle, "Take a long time"))
        add(CommandSpec(("remind",), self.remind, "Send me a reminder by DM"))
        registry.form(FormSpec("sample.reflection", self.save_reflection))
        registry.button(ButtonSpec("sample.reflect", self.press_reflect))
        registry.button(ButtonSpec("sample.tally", self.press_tally, slow=True))
