"""Forms as Slack modals, both ways: a `Form` becomes a `views.open` modal with proper inputs
(plain text, multi-line, static select, date and time pickers, a checkbox), a submission's
`view.state.values` become the form's answers, and field errors become
`response_action: errors` against the inputs.

A modal remembers where it was opened in `private_metadata`: the form id, the core's context,
the origin channel and the command's `response_url` (Slack limits it to 3,000 characters).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from adapters.slack.blocks import VIEW_BLOCKS, Json, render_blocks
from adapters.slack.mrkdwn import plain
from bot.kernel.replies import Block, Choice, FieldKind, Form, FormField, Tone

FORM_CALLBACK = "staffroom.form"
VALUE_ACTION = "value"
METADATA_LIMIT = 3000
TITLE_TEXT = 24
LABEL_TEXT = 2000
PLACEHOLDER_TEXT = 150
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS_PER_SELECT = 100
TEXT_INPUT_MAX = 3000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")


@dataclass(frozen=True, slots=True)
class FormOrigin:
    """What a modal carries in `private_metadata`: the form, and where its answer should go."""

    form_id: str
    context: str = ""
    channel: str | None = None
    channel_name: str | None = None
    thread: str | None = None
    is_direct: bool = False
    response_url: str | None = None

    def encode(self) -> str:
        """Compact JSON within Slack's limit; the optional parts go first if it is too long."""
        values = {key: value for key, value in asdict(self).items() if value}
        for optional in (None, "response_url", "channel_name", "thread"):
            if optional:
                values.pop(optional, None)
            encoded = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
            if len(encoded) <= METADATA_LIMIT:
                return encoded
        raise ValueError(f"the context of form {self.form_id!r} is too long for a Slack modal")

    @classmethod
    def decode(cls, metadata: str) -> FormOrigin:
        raw = json.loads(metadata) if metadata else {}
        return cls(
            form_id=str(raw.get("form_id", "")),
            context=str(raw.get("context", "")),
            channel=raw.get("channel"),
            channel_name=raw.get("channel_name"),
            thread=raw.get("thread"),
            is_direct=bool(raw.get("is_direct", False)),
            response_url=raw.get("response_url"),
        )


def _plain_text(text: str, limit: int) -> Json:
    return {"type": "plain_text", "text": plain(text, limit) or " "}


def _option(choice: Choice) -> Json:
    if len(choice.value) > OPTION_VALUE:
        raise ValueError(f"option value {choice.value[:20]!r}… is longer than Slack allows")
    return {"text": _plain_text(choice.label, OPTION_TEXT), "value": choice.value}


def _element(field: FormField) -> Json:
    element: Json = {"action_id": VALUE_ACTION}
    if field.placeholder and field.kind is not FieldKind.CHECKBOX:
        element["placeholder"] = _plain_text(field.placeholder, PLACEHOLDER_TEXT)
    if field.kind in (FieldKind.TEXT, FieldKind.MULTILINE):
        element["type"] = "plain_text_input"
        element["multiline"] = field.kind is FieldKind.MULTILINE
        element["max_length"] = min(field.max_length or TEXT_INPUT_MAX, TEXT_INPUT_MAX)
        if field.initial:
            element["initial_value"] = field.initial[: element["max_length"]]
    elif field.kind is FieldKind.SELECT:
        options = [_option(choice) for choice in field.options[:OPTIONS_PER_SELECT]]
        element.update(type="static_select", options=options)
        chosen = [o for o in options if o["value"] == field.initial]
        if chosen:
            element["initial_option"] = chosen[0]
    elif field.kind is FieldKind.DATE:
        element["type"] = "datepicker"
        if _DATE.fullmatch(field.initial):
            element["initial_date"] = field.initial
    elif field.kind is FieldKind.TIME:
        element["type"] = "timepicker"
        if _TIME.fullmatch(field.initial):
            element["initial_time"] = field.initial
    else:  # a checkbox answers "yes" when ticked, "" when not
        option = {"text": _plain_text(field.hint or "Yes", OPTION_TEXT), "value": "yes"}
        element.update(type="checkboxes", options=[option])
        if field.initial == "yes":
            element["initial_options"] = [option]
    return element


def input_block(field: FormField) -> Json:
    block: Json = {
        "type": "input",
        "block_id": field.name,
        "label": _plain_text(field.label, LABEL_TEXT),
        "optional": not field.required,
        "element": _element(field),
    }
    if field.hint and field.kind is not FieldKind.CHECKBOX:
        block["hint"] = _plain_text(field.hint, LABEL_TEXT)
    return block


def form_view(form: Form, origin: FormOrigin, intro: tuple[Block, ...] = ()) -> Json:
    """The modal for a form; `intro` blocks (if the reply had any) go above the inputs."""
    room = VIEW_BLOCKS - len(form.fields)
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": _plain_text(form.title, TITLE_TEXT),
        "submit": _plain_text(form.submit_label, TITLE_TEXT),
        "close": _plain_text("Cancel", TITLE_TEXT),
        "private_metadata": origin.encode(),
        "blocks": [*render_blocks(intro, Tone.NEUTRAL, room), *map(input_block, form.fields)],
    }


def _answer(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    if kind == "static_select":
        return str((element.get("selected_option") or {}).get("value", ""))
    if kind == "datepicker":
        return str(element.get("selected_date") or "")
    if kind == "timepicker":
        return str(element.get("selected_time") or "")
    if kind == "checkboxes":
        return "yes" if element.get("selected_options") else ""
    return str(element.get("value") or "")


def answers(state_values: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """`view.state.values` as the form's answers, by field name (the input's block id)."""
    return {
        block_id: _answer(actions.get(VALUE_ACTION) or next(iter(actions.values()), {}))
        for block_id, actions in state_values.items()
    }


def field_errors(errors: Mapping[str, str], view_blocks: list[Json]) -> Json:
    """`response_action: errors`: each message against its input block.

    A message for a name that is not one of the form's inputs goes against the first input,
    so the person still sees it.
    """
    input_ids = [block["block_id"] for block in view_blocks if block.get("type") == "input"]
    mapped: dict[str, str] = {}
    for name, problem in errors.items():
        block_id = name if name in input_ids or not input_ids else input_ids[0]
        text = plain(problem, LABEL_TEXT)
        mapped[block_id] = f"{mapped[block_id]} {text}" if block_id in mapped else text
    return {"response_action": "errors", "errors": mapped}
