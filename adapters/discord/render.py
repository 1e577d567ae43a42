"""A core `Reply` as a Discord message: embeds coloured by tone, persistent buttons, files.

Blocks keep their order: a heading titles an embed, paragraphs and quiet context lines (Discord
subtext) fill its description, fields become embed fields, and a divider — or text after
fields — starts the next embed. Pictures are attached and shown in an embed; other files are
attached. Every message goes out with `AllowedMentions.none()`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import discord

from adapters.discord.components import CoreButton
from adapters.discord.markup import shorten, to_markdown
from bot.kernel.replies import (
    Attachment,
    Buttons,
    Context,
    Divider,
    Fields,
    Heading,
    Image,
    Reply,
    Text,
    Tone,
)
from bot.parsing.markup import cut

NO_MENTIONS = discord.AllowedMentions.none()
COLOURS = {
    Tone.NEUTRAL: discord.Colour(0x5865F2),
    Tone.SUCCESS: discord.Colour(0x57F287),
    Tone.WARNING: discord.Colour(0xFEE75C),
    Tone.ERROR: discord.Colour(0xED4245),
    Tone.GREEN: discord.Colour(0x2ECC71),
    Tone.AMBER: discord.Colour(0xFFBF00),
    Tone.RED: discord.Colour(0xE74C3C),
}
MAX_EMBEDS = 10
MAX_FIELDS = 25
MAX_DESCRIPTION = 4096
MAX_TOTAL = 6000
MAX_ROWS = 5
BUTTONS_PER_ROW = 5
_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Rendered:
    """What discord.py's send, edit and interaction-response calls take."""

    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)

    def send_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"embeds": self.embeds, "allowed_mentions": NO_MENTIONS}
        if self.view is not None:
            kwargs["view"] = self.view
        if self.files:
            kwargs["files"] = self.files
        return kwargs

    def edit_kwargs(self) -> dict[str, Any]:
        """Edits replace everything: buttons and files that are gone must be removed."""
        return {
            "embeds": self.embeds,
            "view": self.view,
            "attachments": self.files,
            "allowed_mentions": NO_MENTIONS,
        }


def render(reply: Reply, *, dm_guild: str | None = None) -> Rendered:
    """Render `reply`; `dm_guild` names the server for buttons sent in a direct message."""
    embeds = _Embeds(COLOURS[reply.tone])
    rendered = Rendered()
    rows: list[list[CoreButton]] = []
    for block in reply.blocks:
        if isinstance(block, Heading):
            embeds.heading(to_markdown(block.text))
        elif isinstance(block, Text):
            embeds.paragraph(to_markdown(block.text))
        elif isinstance(block, Context):
            embeds.paragraph(
                "\n".join(f"-# {to_markdown(line)}" for line in block.text.splitlines())
            )
        elif isinstance(block, Fields):
            embeds.fields(block.items)
        elif isinstance(block, Divider):
            embeds.divide()
        elif isinstance(block, Image):
            name = safe_filename(block.filename, "image.png")
            rendered.files.append(discord.File(io.BytesIO(block.data), name, description=block.alt))
            embeds.image(f"attachment://{name}")
        elif isinstance(block, Attachment):
            name = safe_filename(block.filename, "file")
            rendered.files.append(discord.File(io.BytesIO(block.data), name))
            if block.title:
                embeds.paragraph(f"-# {to_markdown(block.title)}")
        elif isinstance(block, Buttons):
            for start in range(0, len(block.buttons), BUTTONS_PER_ROW):
                chunk = block.buttons[start : start + BUTTONS_PER_ROW]
                rows.append([CoreButton.of(button, dm_guild) for button in chunk])
    rendered.embeds = embeds.finish()
    if not (rendered.embeds or rows or rendered.files):
        rendered.embeds = [discord.Embed(colour=COLOURS[reply.tone], description="Done.")]
    if rows:
        rendered.view = discord.ui.View(timeout=None)
        for number, row in enumerate(rows[:MAX_ROWS]):
            for item in row:
                item.row = number
                rendered.view.add_item(item)
    return rendered


def safe_filename(name: str, default: str) -> str:
    """A file name Discord keeps as given (attachment:// links must match it exactly)."""
    cleaned = _FILENAME.sub("-", name.rsplit("/", 1)[-1]).strip("-.")
    return cleaned[:100] or default


class _Embeds:
    """Builds the embeds of one message in block order, within Discord's limits."""

    def __init__(self, colour: discord.Colour) -> None:
        self._colour = colour
        self._done: list[discord.Embed] = []
        self._current = discord.Embed(colour=colour)

    def _is_empty(self) -> bool:
        embed = self._current
        return not (embed.title or embed.description or embed.fields or embed.image.url)

    def _next(self) -> discord.Embed:
        if not self._is_empty() and len(self._done) < MAX_EMBEDS - 1:
            self._done.append(self._current)
            self._current = discord.Embed(colour=self._colour)
        return self._current

    def heading(self, text: str) -> None:
        embed = self._current if self._is_empty() else self._next()
        if embed.title or embed.description or embed.fields:
            self.paragraph(f"**{text}**")
        else:
            embed.title = shorten(text, 256)

    def paragraph(self, text: str) -> None:
        embed = self._next() if self._current.fields else self._current
        description = f"{embed.description}\n\n{text}" if embed.description else text
        if len(description) > MAX_DESCRIPTION and embed.description:
            embed = self._next()
            description = text
        if len(description) > MAX_DESCRIPTION:
            description = cut(description, MAX_DESCRIPTION)
        embed.description = description

    def fields(self, items: tuple[tuple[str, str], ...]) -> None:
        for label, value in items:
            embed = self._next() if len(self._current.fields) >= MAX_FIELDS else self._current
            if len(embed.fields) >= MAX_FIELDS:
                return  # ten embeds of 25 fields: Discord shows no more
            shown = to_markdown(value)
            embed.add_field(
                name=shorten(to_markdown(label), 256),
                value=cut(shown, 1024) or "\u200b",
                inline=len(shown) <= 40 and "\n" not in shown,
            )

    def divide(self) -> None:
        self._next()

    def image(self, url: str) -> None:
        embed = self._current if not self._current.image.url else self._next()
        embed.set_image(url=url)

    def finish(self) -> list[discord.Embed]:
        """The embeds, cut to Discord's 6,000 characters per message."""
        embeds = [*self._done, self._current] if not self._is_empty() else list(self._done)
        kept: list[discord.Embed] = []
        total = 0
        for embed in embeds:
            size = len(embed)
            if total + size > MAX_TOTAL:
                description = embed.description or ""
                room = MAX_TOTAL - total - (size - len(description)) - 1
                if room > 0 and description:
                    embed.description = description[:room] + "…"
                    kept.append(embed)
                break
            kept.append(embed)
            total += size
        return kept
