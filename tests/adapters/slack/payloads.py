"""Recorded Slack payloads (in the shapes Slack documents), loaded fresh for each use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent / "payloads"


def payload(name: str, **changes: Any) -> dict[str, Any]:
    """The payload `name`.json, with top-level keys replaced by `changes`."""
    loaded: dict[str, Any] = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    loaded.update(changes)
    return loaded
