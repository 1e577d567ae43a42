"""Members' data rights as commands: `privacy` (what is held and why, generated from every
feature's declaration), `my data` (everything held, as a JSON file sent privately) and
`forget me` (erasure, after a confirmation button).

Export and erasure iterate the registry's personal-data declarations, so a feature that
declares its data is covered without changes here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from bot.kernel.context import Context
from bot.kernel.events import ButtonPress, Command
from bot.kernel.refusals import Refusal
from bot.kernel.registry import PersonalDataSpec, Registry
from bot.kernel.replies import (
    Attachment,
    Button,
    Buttons,
    ButtonStyle,
    Heading,
    Reply,
    Text,
    Tone,
)
from bot.kernel.replies import Context as ContextLine
from bot.privacy.foundation import DECLARED, ERASE_ORDER, EXPORT_PURPOSE
from storage import directory
from storage.scrub import scrub_after_commit

FORGET_ACTION = "privacy.forget"
KEEP_ACTION = "privacy.keep"


def export_member(
    connection: Connection, registry: Registry, member_id: int, now: datetime
) -> bytes:
    """Everything every feature holds about the member, as a JSON document."""
    document = {
        "exported_at": now,
        "about": "Everything Staffroom holds about you, section by section. Anonymous "
        "questions you asked are not listed: they are stored without your name, school or chat "
        "account (`/staffroom questions mine` shows your open ones).",
        "sections": [
            {"name": spec.name, "purpose": spec.purpose, "data": spec.export(connection, member_id)}
            for spec in registry.personal_data
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=_plain).encode()


def _plain(value: Any) -> str:
    """Dates and times as ISO 8601 text."""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def erase_order(registry: Registry) -> list[PersonalDataSpec]:
    """Every declaration, the foundation's last (its member row goes at the very end)."""
    others = [spec for spec in registry.personal_data if spec not in DECLARED]
    return others + [spec for spec in ERASE_ORDER if spec in registry.personal_data]


def erase_member(
    connection: Connection,
    registry: Registry,
    member_id: int,
    *,
    secret: bytes,
    advance: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Erase the member through every declaration, with the server secret for what only keyed
    hashes tie to them, telling `advance` (declarations done, declarations in all) after each;
    returns the names of what was erased."""
    erased = []
    order = erase_order(registry)
    for done, spec in enumerate(order, start=1):
        spec.erase(connection, member_id)
        if spec.erase_keyed is not None:
            spec.erase_keyed(connection, member_id, secret)
        erased.append(spec.name)
        if advance is not None:
            advance(done, len(order))
    scrub_after_commit(connection)  # an erasure reaches most tables
    return erased


# --- commands ------------------------------------------------------------------------------


def privacy(cmd: Command, ctx: Context, arguments: str) -> Reply:
    lines = [f"• **{spec.name}** — {spec.purpose}" for spec in ctx.registry.personal_data]
    months = ctx.config.activity_retention_months
    kept = (
        f"Daily activity counts are deleted after {months} months; weekly totals per group and "
        "school, with no names, stay."
        if months
        else "This deployment keeps daily activity counts until you erase them."
    )
    return Reply(
        (
            Heading("What Staffroom holds about you, and why"),
            Text("\n".join(lines)),
            Text(
                "**What it never holds:** the text of your ordinary channel messages (it only "
                "counts them), or your name, school or chat account with an anonymous question. "
                "Through Staffroom nobody — not the group, its leaders or the facilitators — "
                "can find out who asked one. Whoever runs the server could, using both the "
                "database and the server's secret: who asked a question that is still open, "
                "who said “me too” to one, and how many questions someone asked in the last "
                "day or two. Resolving your question deletes the link to you as its asker. "
                "Figures about fewer people than the network's privacy threshold are never "
                "shown.\n" + kept
            ),
            ContextLine(
                "`/staffroom my data` sends you a file with all of it; "
                "`/staffroom forget me` erases it."
            ),
        )
    )


def my_data(cmd: Command, ctx: Context, arguments: str) -> Reply:
    member = ctx.require_member()
    data = export_member(ctx.connection, ctx.registry, member.id, ctx.now)
    file = Attachment(
        "staffroom-my-data.json", data, "application/json", title="Your Staffroom data"
    )
    sent = ctx.outbox.to_member(
        member.id,
        key=f"{EXPORT_PURPOSE}:{member.id}:{ctx.now.isoformat()}",
        reply=Reply((Text("Here is everything Staffroom holds about you."), file)),
        purpose=EXPORT_PURPOSE,
    )
    if not sent:
        raise Refusal("I couldn't find a way to message you privately. Please try again.")
    return Reply.say(
        "I'm sending you a file with everything Staffroom holds about you, in a direct "
        "message. `/staffroom privacy` explains each part.",
        tone=Tone.SUCCESS,
    )


def forget_me(cmd: Command, ctx: Context, arguments: str) -> Reply:
    member = ctx.require_member()
    network = ctx.require_network()
    warning = ""
    facilitators = directory.facilitators(ctx.connection, network_id=network.id)
    if member.is_facilitator and len(facilitators) == 1:
        warning = (
            "\n**You are this network's only facilitator.** Appoint another first with "
            "`/staffroom facilitator add @person`, or nobody will be able to manage it."
        )
    return Reply(
        (
            Heading("Erase everything Staffroom holds about you?"),
            Text(
                "This deletes your profile, your chat accounts' link to Staffroom, your group "
                "memberships, your activity counts and anything else listed by "
                "`/staffroom privacy`. It cannot be undone. Figures already published (weekly "
                "totals, digests) stay, with nothing that identifies you; anonymous questions "
                "you asked stay too, with the link to you as their asker deleted." + warning
            ),
            Buttons(
                (
                    Button("Erase my data", FORGET_ACTION, str(member.id), ButtonStyle.DANGER),
                    Button("Keep my data", KEEP_ACTION),
                )
            ),
        ),
        tone=Tone.WARNING,
    )


def press_forget(press: ButtonPress, ctx: Context) -> Reply:
    member = ctx.require_member()
    if press.value != str(member.id):
        raise Refusal("That button was for someone else. Type `/staffroom forget me` yourself.")
    erase_member(ctx.connection, ctx.registry, member.id, secret=ctx.config.secret)
    return Reply.say(
        "Done: I've erased everything I held about you. If you use Staffroom again, I'll meet "
        "you as someone new.",
        tone=Tone.SUCCESS,
    )


def press_keep(press: ButtonPress, ctx: Context) -> Reply:
    return Reply.say("Nothing was erased.")
