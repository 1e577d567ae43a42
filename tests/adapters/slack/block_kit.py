"""Checks Block Kit payloads against Slack's documented structure and limits, and that no
mrkdwn text could ping anyone: the only `<…>` allowed is an http(s) link.

Limits (Slack's Block Kit reference): 50 blocks in a message, 100 in a modal or Home tab;
section text 3,000 characters; at most 10 fields of 2,000; header 150; 25 elements per actions
block; button text 75, value 2,000, action id 255 and unique; modal title, submit and close 24;
private_metadata 3,000; input labels 2,000; select options 100, option text 75, value 150.
"""

from __future__ import annotations

import re
from typing import Any

MENTION = re.compile(r"<(?!https?://)[^>]*>")
PINGS = ("<!channel", "<!here", "<!everyone", "<@", "<!subteam", "<#")


class BlockKitError(AssertionError):
    pass


def _require(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise BlockKitError(f"{where}: {problem}")


def _text(
    obj: Any, where: str, limit: int, kinds: tuple[str, ...] = ("plain_text", "mrkdwn")
) -> None:
    _require(isinstance(obj, dict), where, "text object missing")
    _require(obj.get("type") in kinds, where, f"text type {obj.get('type')!r} not in {kinds}")
    text = obj.get("text")
    _require(
        isinstance(text, str) and 0 < len(text) <= limit,
        where,
        f"text length {len(text or '')} not in 1..{limit}",
    )
    if obj["type"] == "mrkdwn":
        check_mrkdwn(text, where)


def check_mrkdwn(text: str, where: str = "text") -> None:
    """No mention, broadcast or channel link can come out of this text."""
    _require(not MENTION.search(text), where, f"unescaped <…> in {text[:80]!r}")
    _require(not any(ping in text for ping in PINGS), where, f"a ping in {text[:80]!r}")


def _button(element: dict[str, Any], where: str, action_ids: set[str]) -> None:
    _require(element.get("type") == "button", where, "only buttons in actions")
    _text(element.get("text"), f"{where}.text", 75, ("plain_text",))
    action_id = element.get("action_id", "")
    _require(0 < len(action_id) <= 255, where, "action_id length")
    _require(action_id not in action_ids, where, f"duplicate action_id {action_id}")
    action_ids.add(action_id)
    _require(len(element.get("value", "")) <= 2000, where, "value longer than 2000")
    _require(element.get("style") in (None, "primary", "danger"), where, "style")


def _input(block: dict[str, Any], where: str) -> None:
    _text(block.get("label"), f"{where}.label", 2000, ("plain_text",))
    element = block.get("element") or {}
    kind = element.get("type")
    _require(
        kind in ("plain_text_input", "static_select", "datepicker", "timepicker", "checkboxes"),
        where,
        f"input element {kind!r}",
    )
    _require(element.get("action_id") == "value", where, "input action_id")
    if "placeholder" in element:
        _text(element["placeholder"], f"{where}.placeholder", 150, ("plain_text",))
    if kind == "plain_text_input":
        _require(0 < element.get("max_length", 3000) <= 3000, where, "max_length")
    for option in element.get("options", []):
        _text(option.get("text"), f"{where}.option", 75, ("plain_text",))
        _require(0 < len(option.get("value", "")) <= 150, where, "option value")
    if kind in ("static_select", "checkboxes"):
        _require(0 < len(element.get("options", [])) <= 100, where, "1..100 options")


def check_blocks(blocks: list[dict[str, Any]], limit: int, where: str = "blocks") -> None:
    _require(
        isinstance(blocks, list) and len(blocks) <= limit, where, f"{len(blocks)} blocks > {limit}"
    )
    action_ids: set[str] = set()
    block_ids: set[str] = set()
    for n, block in enumerate(blocks):
        here = f"{where}[{n}]"
        kind = block.get("type")
        if "block_id" in block:
            _require(block["block_id"] not in block_ids, here, "duplicate block_id")
            block_ids.add(block["block_id"])
        if kind == "section":
            _require("text" in block or "fields" in block, here, "section without text or fields")
            if "text" in block:
                _text(block["text"], f"{here}.text", 3000)
            fields = block.get("fields", [])
            _require(len(fields) <= 10, here, f"{len(fields)} fields > 10")
            for m, item in enumerate(fields):
                _text(item, f"{here}.fields[{m}]", 2000)
        elif kind == "header":
            _text(block.get("text"), f"{here}.text", 150, ("plain_text",))
        elif kind == "context":
            elements = block.get("elements", [])
            _require(0 < len(elements) <= 10, here, "context elements 1..10")
            for m, element in enumerate(elements):
                _text(element, f"{here}.elements[{m}]", 3000)
        elif kind == "actions":
            elements = block.get("elements", [])
            _require(0 < len(elements) <= 25, here, f"{len(elements)} elements, not 1..25")
            for m, element in enumerate(elements):
                _button(element, f"{here}.elements[{m}]", action_ids)
        elif kind == "input":
            _input(block, here)
        else:
            _require(kind == "divider", here, f"unknown block type {kind!r}")


def check_message(payload: dict[str, Any]) -> None:
    """A chat.postMessage / response_url / ack body."""
    text = payload.get("text")
    _require(isinstance(text, str) and bool(text.strip()), "text", "a message needs fallback text")
    check_mrkdwn(str(text), "text")
    check_blocks(payload.get("blocks") or [], 50)


def check_view(view: dict[str, Any]) -> None:
    """A modal or Home tab view."""
    check_blocks(view.get("blocks") or [], 100, "view.blocks")
    if view.get("type") == "home":
        return
    _require(view.get("type") == "modal", "view", "type")
    for part in ("title", "submit", "close"):
        if part in view:
            _text(view[part], f"view.{part}", 24, ("plain_text",))
    _require(len(view.get("private_metadata", "")) <= 3000, "view", "private_metadata too long")
    has_inputs = any(block["type"] == "input" for block in view.get("blocks", []))
    _require(not has_inputs or "submit" in view, "view", "a modal with inputs needs submit")
