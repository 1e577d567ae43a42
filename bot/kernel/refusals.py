"""Refusals: the one way a handler says "no" to bad input, kindly and without side effects.

Raising a `Refusal` rolls back the event's transaction; the dispatcher turns it into a private
reply. The text should say what went wrong and what to type instead.
"""

from __future__ import annotations

from bot.kernel.replies import Button, Buttons, Reply, Text, Tone


class Refusal(Exception):
    """Bad input or a missing permission, explained to the person who caused it."""

    def __init__(self, message: str, *, buttons: tuple[Button, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.buttons = buttons

    def reply(self) -> Reply:
        blocks: tuple[Text | Buttons, ...] = (Text(self.message),)
        if self.buttons:
            blocks += (Buttons(self.buttons),)
        return Reply(blocks, tone=Tone.WARNING)
