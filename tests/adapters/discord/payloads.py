"""Gateway payloads as Discord documents them: INTERACTION_CREATE of each type (slash command,
autocomplete, button, modal submit), GUILD_CREATE and MESSAGE_CREATE — the dicts discord.py's
connection state turns into real `Interaction`, `Guild` and `Message` objects."""

from __future__ import annotations

import itertools
from typing import Any

from tests.adapters.discord.rest_objects import APP_ID, TIMESTAMP, message_payload

GUILD = "1100000000000000001"
OTHER_GUILD = "1100000000000000002"
CHANNEL = "1200000000000000001"
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31)  # view, send, history, commands
MANAGE_GUILD = 1 << 5
_ids = itertools.count(1600000000000000001)


def user(user_id: str, name: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name.lower().replace(" ", "."),
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
    }


def member(user_id: str, name: str, *, manages_server: bool = False) -> dict[str, Any]:
    permissions = MEMBER_PERMISSIONS | (MANAGE_GUILD if manages_server else 0)
    return {
        "user": user(user_id, name),
        "nick": None,
        "roles": [],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions),
    }


def text_channel(channel: str, guild: str, name: str, position: int = 0) -> dict[str, Any]:
    """A guild text channel object, as interactions and GUILD_CREATE carry it."""
    return {
        "id": channel,
        "type": 0,
        "guild_id": guild,
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def interaction(
    kind: int,
    data: dict[str, Any] | None,
    *,
    who: dict[str, Any],
    guild: str | None = GUILD,
    channel: str = CHANNEL,
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload; `who` is a member (in a server) or a user (in a DM)."""
    payload: dict[str, Any] = {
        "id": str(next(_ids)),
        "application_id": APP_ID,
        "type": kind,
        "token": f"token-{next(_ids)}",
        "version": 1,
        "app_permissions": str(MEMBER_PERMISSIONS),
        "locale": "en-GB",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "channel_id": channel,
    }
    if data is not None:
        payload["data"] = data
    if guild is not None:
        payload |= {
            "guild_id": guild,
            "guild_locale": "en-GB",
            "member": who,
            "channel": text_channel(channel, guild, "a-level-chemistry"),
            "context": 0,
            "authorizing_integration_owners": {"0": guild},
        }
    else:
        payload |= {
            "user": who,
            "channel": {"id": channel, "type": 1, "recipients": [who]},
            "context": 1,
            "authorizing_integration_owners": {"1": who["id"]},
        }
    if message is not None:
        payload["message"] = message
    return payload


def slash(path: tuple[str, ...], option: tuple[str, str] | None = None) -> dict[str, Any]:
    """The `data` of `/staffroom <path…> [option:value]`."""
    options = [{"type": 3, "name": option[0], "value": option[1]}] if option else []
    nested: dict[str, Any] = {"type": 1, "name": path[-1], "options": options}
    if len(path) == 2:
        nested = {"type": 2, "name": path[0], "options": [nested]}
    return {
        "id": "1700000000000000001",
        "name": "staffroom",
        "type": 1,
        "guild_id": GUILD,
        "options": [nested],
    }


def focused(path: tuple[str, ...], option: str, typed: str) -> dict[str, Any]:
    """The `data` of an autocomplete request while `option` is being typed."""
    data = slash(path, (option, typed))
    leaf = data["options"][0]
    if len(path) == 2:
        leaf = leaf["options"][0]
    leaf["options"][0]["focused"] = True
    return data


def button(custom_id: str) -> dict[str, Any]:
    return {"custom_id": custom_id, "component_type": 2}


def modal_answers(custom_id: str, answers: dict[str, Any]) -> dict[str, Any]:
    """The `data` of a modal submit: one label per answer (text, select values or checkbox)."""
    components = []
    for name, answer in answers.items():
        if isinstance(answer, bool):
            inner = {"type": 23, "id": 2, "custom_id": name, "value": answer}
        elif isinstance(answer, list):
            inner = {"type": 3, "id": 2, "custom_id": name, "values": answer}
        else:
            inner = {"type": 4, "id": 2, "custom_id": name, "value": answer}
        components.append({"type": 18, "id": 1, "component": inner})
    return {"custom_id": custom_id, "components": components}


def guild_create(guild: str, channels: list[tuple[str, str]]) -> dict[str, Any]:
    """GUILD_CREATE for a server with text channels [(id, name)]."""
    return {
        "id": guild,
        "name": "Solent Schools",
        "icon": None,
        "owner_id": "1400000000000000001",
        "roles": [
            {
                "id": guild,
                "name": "@everyone",
                "permissions": str(MEMBER_PERMISSIONS),
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "features": [],
        "member_count": 3,
        "members": [],
        "channels": [text_channel(cid, guild, name, n) for n, (cid, name) in enumerate(channels)],
        "threads": [],
        "large": False,
        "unavailable": False,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-GB",
        "system_channel_flags": 0,
    }


def message_create(
    guild: str, channel: str, author: dict[str, Any], *, bot: bool = False
) -> dict[str, Any]:
    """MESSAGE_CREATE as a bot without the message-content intent receives it: no text."""
    who = {**author["user"], "bot": bot}
    return message_payload(str(next(_ids)), channel, {}) | {
        "guild_id": guild,
        "author": who,
        "member": {k: v for k, v in author.items() if k not in ("user", "permissions")},
    }
