"""Rendering replies for the terminal with rich: the neutral markup becomes styles, buttons
are numbered, forms become prompts, ephemeral replies are marked as only-you."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rich.text import Text as RichText

from bot.kernel.replies import (
    Attachment,
    Buttons,
    Context,
    Divider,
    FieldKind,
    Fields,
    Form,
    Heading,
    Image,
    Reply,
    Text,
    Tone,
)
from bot.parsing.markup import SpanKind, spans

_SPAN_STYLE = {SpanKind.BOLD: "bold", SpanKind.CODE: "cyan", SpanKind.ITALIC: "italic"}
_TONE_STYLE = {
    Tone.SUCCESS: "green",
    Tone.WARNING: "yellow",
    Tone.ERROR: "red",
    Tone.GREEN: "green",
    Tone.AMBER: "dark_orange",
    Tone.RED: "red",
}


def markup(text: str, base: str = "") -> RichText:
    """The neutral markup as rich text (member text can't inject rich markup: no parsing of it)."""
    out = RichText(style=base)
    for span in spans(text):
        out.append(span.text, style=_SPAN_STYLE.get(span.kind, ""))
    return out


def header(where: str, tone: Tone) -> RichText:
    return RichText(f"[Staffroom {where}]", style=_TONE_STYLE.get(tone, "bold blue"))


def reply_lines(reply: Reply, files_dir: Path) -> Iterator[RichText]:
    """The body of a reply, line by line; buttons are numbered from 1 for `:click N`."""
    number = 1
    for block in reply.blocks:
        if isinstance(block, Heading):
            yield markup(block.text, "bold")
        elif isinstance(block, Text):
            for paragraph_line in block.text.splitlines() or [""]:
                yield markup(paragraph_line)
        elif isinstance(block, Fields):
            for label, value in block.items:
                line = RichText(f"{label}: ", style="bold")
                line.append_text(markup(value))
                yield line
        elif isinstance(block, Context):
            yield markup(block.text, "dim")
        elif isinstance(block, Divider):
            yield RichText("―" * 24, style="dim")
        elif isinstance(block, Buttons):
            line = RichText()
            for button in block.buttons:
                line.append(f"[{number} {button.label}]", style="reverse")
                line.append(" ")
                number += 1
            yield line
        elif isinstance(block, Image | Attachment):
            yield _saved_file(block, files_dir)
    if reply.form is not None:
        yield from form_lines(reply.form)
    if reply.field_errors:
        yield RichText("Please correct the form:", style="yellow")
        for name, problem in reply.field_errors.items():
            yield RichText(f"  {name}: {problem}", style="yellow")
        yield RichText("Change fields with :fill name=value, then :submit again.", style="dim")


def _saved_file(block: Image | Attachment, files_dir: Path) -> RichText:
    files_dir.mkdir(parents=True, exist_ok=True)
    path = files_dir / Path(block.filename).name
    path.write_bytes(block.data)
    what = "image" if isinstance(block, Image) else "file"
    title = block.alt if isinstance(block, Image) else (block.title or block.filename)
    return RichText(
        f"[{what}: {title} — saved to {path} ({len(block.data):,} bytes)]", style="magenta"
    )


def form_lines(form: Form) -> Iterator[RichText]:
    yield RichText(f"[Form: {form.title}]", style="bold magenta")
    for field in form.fields:
        detail = field.kind.value + ("" if field.required else ", optional")
        if field.kind is FieldKind.SELECT:
            detail += "; one of: " + ", ".join(choice.value for choice in field.options)
        if field.kind is FieldKind.DATE:
            detail += " YYYY-MM-DD"
        if field.kind is FieldKind.TIME:
            detail += " HH:MM"
        line = RichText(f"  {field.name}", style="bold")
        line.append(f" ({detail}) — {field.label}")
        if field.initial:
            line.append(f" [now: {field.initial}]", style="dim")
        yield line
    yield RichText("Fill it with :fill name=value; name=value — then :submit", style="dim")
