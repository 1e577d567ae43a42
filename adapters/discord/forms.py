"""Core forms as Discord modals, and modal answers back as the core's field values.

A modal shows at most five inputs, each in a label. Field kinds map onto Discord's own modal
components where Discord has one — text and multi-line text inputs, a string select for a
choice (up to 25 options), a checkbox for yes/no — and onto text inputs with a fixed length and
an example for dates (YYYY-MM-DD) and times (HH:MM), which the core parses and checks. A form of
more than five fields is shown in parts of five, with a "Continue" button between them, because
a modal's answer cannot open another modal. Errors the core finds come back as a message with
a "Fix my answers" button that reopens the form with everything filled in as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord

from adapters.discord.components import ResumeButton
from adapters.discord.markup import shorten, to_label
from adapters.discord.render import Rendered, render
from bot.kernel.replies import Context, FieldKind, Fields, Form, FormField, Reply, Text, Tone

MAX_INPUTS = 5
MAX_OPTIONS = 25
TITLE_LIMIT = 45
LABEL_LIMIT = 45
HINT_LIMIT = 100
TEXT_LIMIT = 4000
_FIXED_LENGTH = {FieldKind.DATE: (10, 10), FieldKind.TIME: (4, 5)}
_EXAMPLES = {
    FieldKind.DATE: ("YYYY-MM-DD", "A date, for example 2026-11-23"),
    FieldKind.TIME: ("HH:MM", "A time of day, 24-hour, for example 16:30"),
}
YES = "yes"


def part_count(form: Form) -> int:
    return max(1, -(-len(form.fields) // MAX_INPUTS))


def part_fields(form: Form, part: int) -> tuple[FormField, ...]:
    return form.fields[part * MAX_INPUTS : (part + 1) * MAX_INPUTS]


def build_modal(
    form: Form, part: int, custom_id: str, values: Mapping[str, str]
) -> discord.ui.Modal:
    """The modal for one part of `form`, filled in with `values` (or the fields' initial ones)."""
    title = form.title
    if part_count(form) > 1:
        title = f"{to_label(title, TITLE_LIMIT - 8)} ({part + 1}/{part_count(form)})"
    modal = discord.ui.Modal(title=to_label(title, TITLE_LIMIT), custom_id=custom_id)
    for field in part_fields(form, part):
        current = values.get(field.name, field.initial)
        hint = field.hint or _EXAMPLES.get(field.kind, ("", ""))[1]
        modal.add_item(
            discord.ui.Label(
                text=to_label(field.label, LABEL_LIMIT),
                description=to_label(hint, HINT_LIMIT) if hint else None,
                component=_input(field, current),
            )
        )
    return modal


def _input(field: FormField, current: str) -> discord.ui.Item[Any]:
    if field.kind is FieldKind.CHECKBOX:
        return discord.ui.Checkbox(custom_id=field.name, default=current == YES)
    if field.kind is FieldKind.SELECT and 0 < len(field.options) <= MAX_OPTIONS:
        return discord.ui.Select(
            custom_id=field.name,
            placeholder=to_label(field.placeholder, 150) if field.placeholder else None,
            required=field.required,
            min_values=1 if field.required else 0,
            max_values=1,
            options=[
                discord.SelectOption(
                    label=to_label(choice.label, 100),
                    value=choice.value[:100],
                    default=choice.value == current,
                )
                for choice in field.options
            ],
        )
    low, high = _FIXED_LENGTH.get(field.kind, (None, None))
    placeholder = field.placeholder or _EXAMPLES.get(field.kind, ("", ""))[0]
    if field.kind is FieldKind.SELECT:
        # Too many choices for a menu: a text input listing them, checked by the core.
        placeholder = placeholder or shorten(", ".join(c.label for c in field.options), 100)
    return discord.ui.TextInput(
        custom_id=field.name,
        style=discord.TextStyle.paragraph
        if field.kind is FieldKind.MULTILINE
        else discord.TextStyle.short,
        placeholder=to_label(placeholder, 100) if placeholder else None,
        default=current[:TEXT_LIMIT] or None,
        required=field.required,
        min_length=low if field.required else None,
        max_length=min(field.max_length or TEXT_LIMIT, TEXT_LIMIT) if high is None else high,
    )


def answers(components: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The answers in a modal-submit payload, by field name (checkboxes: "yes" or "")."""
    found: dict[str, str] = {}
    for component in components:
        kind = component.get("type")
        if kind == 1:  # an action row, as older clients send text inputs
            found.update(answers(component.get("components", [])))
        elif kind == 18:  # a label around one input
            found.update(answers([component["component"]]))
        elif "custom_id" in component:
            found[component["custom_id"]] = _answer(component)
    return found


def _answer(component: Mapping[str, Any]) -> str:
    if "values" in component:
        chosen = component["values"]
        return str(chosen[0]) if chosen else ""
    value = component.get("value")
    if isinstance(value, bool):
        return YES if value else ""
    return "" if value is None else str(value)


def continue_message(form: Form, done: int, token: str) -> Rendered:
    """After part `done` (from 1) of a multi-part form: a button to open the next part."""
    total = part_count(form)
    rendered = render(Reply.say(f"**{form.title}**: part {done} of {total} saved."))
    rendered.view = _one_button(ResumeButton.of(f"Continue ({done + 1}/{total})", token))
    return rendered


def errors_message(form: Form, errors: Mapping[str, str], token: str) -> Rendered:
    """The core's objections to a form's answers, with a button to correct them."""
    labels = {field.name: field.label for field in form.fields}
    reply = Reply(
        (
            Text(f"Please correct **{form.title}**:"),
            Fields(tuple((labels.get(name, name), problem) for name, problem in errors.items())),
            Context("Your answers are kept: the form opens again as you left it."),
        ),
        tone=Tone.ERROR,
    )
    rendered = render(reply)
    rendered.view = _one_button(ResumeButton.of("Fix my answers", token))
    return rendered


def open_form_message(form: Form, token: str) -> Rendered:
    """Where a modal cannot be the answer (after a delay, or to a modal): a button opening it."""
    rendered = render(Reply.say(f"**{form.title}** is ready for you."))
    rendered.view = _one_button(ResumeButton.of("Open the form", token))
    return rendered


def _one_button(item: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(item)
    return view
