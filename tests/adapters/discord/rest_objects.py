"""The bot's own objects as Discord's REST API returns them: its user, its application and its
messages, shared by the fake REST server and the gateway payloads."""

from __future__ import annotations

from typing import Any

APP_ID = "1300000000000000001"
BOT_USER = {
    "id": APP_ID,
    "username": "Staffroom",
    "global_name": "Staffroom",
    "discriminator": "0000",
    "avatar": None,
    "bot": True,
}
EPHEMERAL = 1 << 6
TIMESTAMP = "2026-11-23T08:00:00+00:00"


def message_payload(
    message_id: str,
    channel_id: str,
    body: dict[str, Any],
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A message of the bot's as Discord returns it, with the embeds and components sent."""
    return {
        "id": message_id,
        "channel_id": channel_id,
        "author": BOT_USER,
        "content": body.get("content") or "",
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 0,
        "flags": body.get("flags") or 0,
    }


def application_payload() -> dict[str, Any]:
    return {
        "id": APP_ID,
        "name": "Staffroom",
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": {**BOT_USER, "id": "1400000000000000001", "bot": False, "username": "owner"},
        "verify_key": "0" * 64,
        "flags": 0,
    }
