"""What a Slack acknowledgement can carry, and where an answer goes when the acknowledgement
could not carry it after all (the intake had acknowledged already, or a form's modal closed)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from adapters.slack import blocks
from adapters.slack.translate import Origin
from bot.kernel.replies import Reply

Ack = Callable[..., Awaitable[Any]]


async def carried(ack: Ack, **payload: Any) -> bool:
    """Acknowledge with `payload`; whether Slack got it. Bolt's own `ack` always delivers (it
    returns the response); the intake's says False when it had acknowledged already, and the
    answer must then go another way."""
    return await ack(**payload) is not False


def modal_closed(origin: Origin) -> Origin:
    """Where to answer a submission whose modal has closed: not in the modal any more."""
    if origin.surface != "modal":
        return origin
    return dataclasses.replace(origin, surface="channel", view_id=None)


def fits_in_ack(reply: Reply | None) -> bool:
    """An answer the acknowledgement itself can carry: private, no form, no files."""
    return (
        reply is not None
        and bool(reply.blocks)
        and not reply.public
        and reply.form is None
        and not reply.field_errors
        and not blocks.files_of(reply)
    )
