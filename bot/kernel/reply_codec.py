"""Replies to and from JSON, so the outbox can hold a message until it is delivered."""

from __future__ import annotations

import base64
import json
from typing import Any

from bot.kernel.replies import (
    Attachment,
    Block,
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


def _block(block: Block) -> dict[str, Any]:
    match block:
        case Heading(text) | Text(text) | Context(text):
            return {"t": type(block).__name__, "text": text}
        case Fields(items):
            return {"t": "Fields", "items": [list(pair) for pair in items]}
        case Divider():
            return {"t": "Divider"}
        case Buttons(buttons):
            return {
                "t": "Buttons",
                "buttons": [[b.label, b.action, b.value, b.style.value] for b in buttons],
            }
        case Image(data, alt, filename):
            return {"t": "Image", "data": _b64(data), "alt": alt, "filename": filename}
        case Attachment(filename, data, mime, title):
            return {
                "t": "Attachment",
                "filename": filename,
                "data": _b64(data),
                "mime": mime,
                "title": title,
            }
    raise TypeError(f"cannot encode {block!r}")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unblock(raw: dict[str, Any]) -> Block:
    kind = raw["t"]
    if kind == "Heading":
        return Heading(raw["text"])
    if kind == "Text":
        return Text(raw["text"])
    if kind == "Context":
        return Context(raw["text"])
    if kind == "Fields":
        return Fields(tuple((label, value) for label, value in raw["items"]))
    if kind == "Divider":
        return Divider()
    if kind == "Buttons":
        return Buttons(
            tuple(
                Button(label, action, value, ButtonStyle(style))
                for label, action, value, style in raw["buttons"]
            )
        )
    if kind == "Image":
        return Image(base64.b64decode(raw["data"]), raw["alt"], raw["filename"])
    if kind == "Attachment":
        return Attachment(raw["filename"], base64.b64decode(raw["data"]), raw["mime"], raw["title"])
    raise ValueError(f"unknown block kind {kind!r}")


def _form(form: Form) -> dict[str, Any]:
    return {
        "form_id": form.form_id,
        "title": form.title,
        "submit_label": form.submit_label,
        "context": form.context,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "kind": f.kind.value,
                "required": f.required,
                "options": [[c.value, c.label] for c in f.options],
                "placeholder": f.placeholder,
                "initial": f.initial,
                "max_length": f.max_length,
                "hint": f.hint,
            }
            for f in form.fields
        ],
    }


def _unform(raw: dict[str, Any]) -> Form:
    fields = tuple(
        FormField(
            name=f["name"],
            label=f["label"],
            kind=FieldKind(f["kind"]),
            required=f["required"],
            options=tuple(Choice(value, label) for value, label in f["options"]),
            placeholder=f["placeholder"],
            initial=f["initial"],
            max_length=f["max_length"],
            hint=f["hint"],
        )
        for f in raw["fields"]
    )
    return Form(raw["form_id"], raw["title"], fields, raw["submit_label"], raw["context"])


def encode_reply(reply: Reply) -> str:
    return json.dumps(
        {
            "blocks": [_block(block) for block in reply.blocks],
            "visibility": reply.visibility.value,
            "tone": reply.tone.value,
            "form": _form(reply.form) if reply.form else None,
            "field_errors": dict(reply.field_errors) if reply.field_errors else None,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_reply(payload: str) -> Reply:
    raw = json.loads(payload)
    return Reply(
        blocks=tuple(_unblock(block) for block in raw["blocks"]),
        visibility=Visibility(raw["visibility"]),
        tone=Tone(raw["tone"]),
        form=_unform(raw["form"]) if raw["form"] else None,
        field_errors=raw["field_errors"],
    )
