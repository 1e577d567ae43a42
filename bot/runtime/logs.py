"""Logging set-up: plain text or JSON lines. What is logged is decided where it is logged —
never text written by members, never the actor of an anonymous act.

Libraries decide for themselves, so the ones that would break that rule are held at WARNING
whatever level the operator sets: at DEBUG the Slack SDK logs every Socket Mode payload and
every Web API request body, bolt every request, discord.py every gateway event — which is
what members wrote, and who asked an anonymous question or was told of a reply to it.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

CARRY_MEMBER_TEXT = ("slack_sdk", "slack_bolt", "staffroom.slack.bolt", "aiohttp", "discord")
"""Loggers of libraries that log payloads or request bodies below WARNING."""
NOISY = ("apscheduler", "sqlalchemy", "alembic", "matplotlib")
"""Loggers that are only noise below WARNING."""


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, fmt: str, *, stream: object = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    if fmt == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    held = max(logging.WARNING, root.level)
    for name in (*CARRY_MEMBER_TEXT, *NOISY):
        logging.getLogger(name).setLevel(held)
