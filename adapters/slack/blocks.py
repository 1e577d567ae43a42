"""Rendering the core's replies as Block Kit: messages, modals that show a reply, and the App
Home view (forms are `forms.py`).

Slack's documented limits are enforced here, gracefully: long text is split over several
sections, many fields or buttons over several blocks, labels are shortened with "…", and a
reply longer than a surface allows is cut with a note saying so. Files (charts, CSV, `.ics`)
are not blocks; `files_of` hands them to the sender to upload.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from adapters.slack.mrkdwn import mrkdwn_chunks, mrkdwn_within, plain
from bot.kernel.replies import (
    Attachment,
    Block,
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

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
HEADER_TEXT = 150
CONTEXT_TEXT = 3000
BUTTONS_PER_ACTIONS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
NOTIFICATION_TEXT = 3000
CUT_NOTE = "_…there was more than Slack can show at once._"

ACTION_SEPARATOR = "#"
"""Button action ids are `<core action>#<n>`: Slack wants them unique within a message."""

TONE_EMOJI = {
    Tone.SUCCESS: ":white_check_mark:",
    Tone.WARNING: ":warning:",
    Tone.ERROR: ":x:",
    Tone.GREEN: ":large_green_circle:",
    Tone.AMBER: ":large_orange_circle:",
    Tone.RED: ":red_circle:",
}

Json = dict[str, Any]


def _section(text: str) -> Json:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(button_index: int, label: str, action: str, value: str, style: ButtonStyle) -> Json:
    if len(value) > BUTTON_VALUE:
        raise ValueError(f"button value of {action!r} is longer than Slack allows")
    element: Json = {
        "type": "button",
        "text": {"type": "plain_text", "text": plain(label, BUTTON_TEXT), "emoji": True},
        "action_id": f"{action}{ACTION_SEPARATOR}{button_index}"[:255],
    }
    if value:
        element["value"] = value
    if style is not ButtonStyle.DEFAULT:
        element["style"] = style.value
    return element


def _with_tone(text: str, tone: Tone) -> str:
    emoji = TONE_EMOJI.get(tone)
    return f"{emoji} {text}" if emoji else text


def _blocks_of(block: Block, first_button: int, tone: Tone | None) -> Iterator[Json]:
    """Block Kit blocks for one neutral block; `tone` is given only to the first text."""
    match block:
        case Heading(text):
            header = plain(_with_tone(text, tone) if tone else text, HEADER_TEXT)
            if header:
                yield {
                    "type": "header",
                    "text": {"type": "plain_text", "text": header, "emoji": True},
                }
        case Text(text):
            for chunk in mrkdwn_chunks(_with_tone(text, tone) if tone else text, SECTION_TEXT):
                yield _section(chunk)
        case Fields(items):
            rendered = [
                {"type": "mrkdwn", "text": mrkdwn_within(f"**{label}**\n{value}", FIELD_TEXT)}
                for label, value in items
            ]
            for start in range(0, len(rendered), FIELDS_PER_SECTION):
                yield {"type": "section", "fields": rendered[start : start + FIELDS_PER_SECTION]}
        case Context(text):
            line = mrkdwn_within(_with_tone(text, tone) if tone else text, CONTEXT_TEXT)
            if line.strip():
                yield {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}
        case Divider():
            yield {"type": "divider"}
        case Buttons(buttons):
            elements = [
                _button(first_button + n, b.label, b.action, b.value, b.style)
                for n, b in enumerate(buttons)
            ]
            for start in range(0, len(elements), BUTTONS_PER_ACTIONS):
                yield {"type": "actions", "elements": elements[start : start + BUTTONS_PER_ACTIONS]}
        case Image() | Attachment():
            return  # uploaded as files, after the message


def render_blocks(blocks: tuple[Block, ...], tone: Tone, limit: int) -> list[Json]:
    """The neutral blocks as at most `limit` Block Kit blocks; the tone marks the first text."""
    out: list[Json] = []
    buttons = 0
    pending_tone: Tone | None = tone
    for block in blocks:
        takes_tone = isinstance(block, Heading | Text | Context)
        out.extend(_blocks_of(block, buttons, pending_tone if takes_tone else None))
        if takes_tone:
            pending_tone = None
        if isinstance(block, Buttons):
            buttons += len(block.buttons)
    if len(out) > limit:
        out = [
            *out[: limit - 1],
            {"type": "context", "elements": [{"type": "mrkdwn", "text": CUT_NOTE}]},
        ]
    return out


def files_of(reply: Reply) -> list[Image | Attachment]:
    return [block for block in reply.blocks if isinstance(block, Image | Attachment)]


def file_title(file: Image | Attachment) -> str:
    return file.alt if isinstance(file, Image) else (file.title or file.filename)


def fallback_text(reply: Reply) -> str:
    """The message's `text`: what notifications and screen readers show."""
    return mrkdwn_within(reply.fallback_text(), NOTIFICATION_TEXT) or "Staffroom"


def message(reply: Reply) -> Json:
    """`text` and `blocks` for chat.postMessage, chat.update and response_url posts."""
    return {
        "text": fallback_text(reply),
        "blocks": render_blocks(reply.blocks, reply.tone, MESSAGE_BLOCKS),
    }


def result_view(reply: Reply, title: str = "Staffroom") -> Json:
    """A modal that only shows a reply (answers given where there is no channel to post in)."""
    return {
        "type": "modal",
        "callback_id": "staffroom.result",
        "title": {"type": "plain_text", "text": plain(title, 24)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": render_blocks(reply.blocks, reply.tone, VIEW_BLOCKS)
        or [_section(fallback_text(reply))],
    }


def home_view(reply: Reply) -> Json:
    return {"type": "home", "blocks": render_blocks(reply.blocks, reply.tone, VIEW_BLOCKS)}
