"""Outbound replies: what the core says, in blocks every adapter knows how to render.

Text uses a small neutral markup that each adapter translates: `**bold**`, `_italic_` and
`` `code` `` (no links: see `bot.parsing.markup`). Adapters escape everything else, so text
written by members can never become a platform mention, a ping or a labelled link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Visibility(StrEnum):
    """Who sees a reply to an event: only the person who caused it, or the whole place."""

    EPHEMERAL = "ephemeral"
    PUBLIC = "public"


class Tone(StrEnum):
    """The mood of a message; adapters map it to a colour or an emoji."""

    NEUTRAL = "neutral"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


class FieldKind(StrEnum):
    TEXT = "text"
    MULTILINE = "multiline"
    SELECT = "select"
    DATE = "date"
    TIME = "time"
    CHECKBOX = "checkbox"


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph in the neutral markup."""

    text: str


@dataclass(frozen=True, slots=True)
class Fields:
    """Label/value pairs shown side by side where the platform can."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Context:
    """A small, quiet line: counts, hints, timestamps."""

    text: str


@dataclass(frozen=True, slots=True)
class Divider:
    pass


@dataclass(frozen=True, slots=True)
class Button:
    """A button; `action` names the core handler and `value` carries the ids it needs."""

    label: str
    action: str
    value: str = ""
    style: ButtonStyle = ButtonStyle.DEFAULT


@dataclass(frozen=True, slots=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True, slots=True)
class Image:
    """A PNG picture, such as a chart."""

    data: bytes
    alt: str
    filename: str = "image.png"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to download: CSV, `.ics`, JSON export."""

    filename: str
    data: bytes
    mime: str
    title: str = ""


Block = Heading | Text | Fields | Context | Divider | Buttons | Image | Attachment


def paragraphs(lines: list[str], limit: int = 2500) -> tuple[Text, ...]:
    """Lines joined into as few paragraphs as fit under `limit` characters each (platforms cap
    a paragraph's length: Slack at 3,000 characters, Discord embeds at 4,096)."""
    chunks: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if size + len(line) > limit and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(line)
        size += len(line) + 1
    return tuple(Text("\n".join(chunk)) for chunk in chunks if chunk)


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of a form.

    Attributes:
        name: the key the answer comes back under (and the console's `:fill` name).
        kind: text, multiline, select, date (YYYY-MM-DD), time (HH:MM) or checkbox ("yes"/"").
    """

    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = True
    options: tuple[Choice, ...] = ()
    placeholder: str = ""
    initial: str = ""
    max_length: int | None = None
    hint: str = ""


@dataclass(frozen=True, slots=True)
class Form:
    """A form to open (a Slack modal, a Discord modal, console prompts).

    `form_id` names the core handler of the submission; `context` is hidden state returned
    with it (for example the id of the group the form is about).
    """

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Submit"
    context: str = ""


def _frozen_errors(errors: Mapping[str, str] | None) -> Mapping[str, str] | None:
    return None if errors is None else MappingProxyType(dict(errors))


@dataclass(frozen=True, slots=True)
class Reply:
    """What the core answers.

    A reply either shows blocks, opens a `form`, or (answering a form submission) reports
    `field_errors` against the form's fields so the person can correct them in place.
    """

    blocks: tuple[Block, ...] = ()
    visibility: Visibility = Visibility.EPHEMERAL
    tone: Tone = Tone.NEUTRAL
    form: Form | None = None
    field_errors: Mapping[str, str] | None = field(default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_errors", _frozen_errors(self.field_errors))

    @classmethod
    def say(cls, *paragraphs: str, tone: Tone = Tone.NEUTRAL, public: bool = False) -> Reply:
        """A reply of plain paragraphs."""
        visibility = Visibility.PUBLIC if public else Visibility.EPHEMERAL
        return cls(tuple(Text(p) for p in paragraphs), visibility=visibility, tone=tone)

    @classmethod
    def open_form(cls, form: Form) -> Reply:
        return cls(form=form)

    @classmethod
    def errors(cls, errors: Mapping[str, str]) -> Reply:
        return cls(field_errors=errors, tone=Tone.ERROR)

    @property
    def public(self) -> bool:
        return self.visibility is Visibility.PUBLIC

    def fallback_text(self) -> str:
        """A plain one-paragraph summary, for notifications and platforms' `text` fields."""
        for block in self.blocks:
            if isinstance(block, Heading | Text | Context):
                return block.text
        if self.form is not None:
            return self.form.title
        return ""

    def buttons(self) -> tuple[Button, ...]:
        return tuple(
            b for block in self.blocks if isinstance(block, Buttons) for b in block.buttons
        )
