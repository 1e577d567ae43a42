"""What ends the Discord gateway connection for good, said plainly.

discord.py itself resumes or re-identifies after every close Discord allows it to come back
from (4000–4003, 4005, 4007–4009, a dropped connection, a RECONNECT or INVALID_SESSION), with
exponential backoff while the gateway cannot be reached. What it cannot come back from ends
`Client.connect`: an authentication failure (4004), shard or version problems (4010–4013), or
intents Discord does not allow (4014). Restarting the same process rarely helps those, so each
gets a reason that says what to fix; the adapter logs it, tells the facilitators and marks
itself stopped, which fails /healthz so that an orchestrator restarts the process once the
operator has fixed it. discord.py's own line for each retry is made a plain warning.
"""

from __future__ import annotations

import logging

import discord

FATAL_CLOSES = {
    4004: (
        "Discord refused the bot token (gateway close code 4004, authentication failed). "
        "Reset the token on the Bot page of the Developer Portal, set DISCORD_TOKEN to it and "
        "restart Staffroom"
    ),
    4010: (
        "Discord refused a shard id (gateway close code 4010): check DISCORD_SHARD_IDS against "
        "DISCORD_SHARD_COUNT"
    ),
    4011: (
        "Discord requires sharding for this many servers (gateway close code 4011): unset "
        "DISCORD_SHARD_COUNT so Discord's recommendation is used, or raise it"
    ),
    4012: "Discord no longer accepts this gateway version (close code 4012): upgrade Staffroom",
    4013: "Discord refused the gateway intents as invalid (close code 4013): upgrade Staffroom",
    4014: (
        "Discord refused the gateway intents (close code 4014, disallowed intents). Staffroom "
        "asks for no privileged intent: check the application on the Developer Portal, then "
        "restart Staffroom"
    ),
}


def why_stopped(error: BaseException | None) -> tuple[str, bool]:
    """Why the connection ended, and whether that is a defect (worth a traceback) rather
    than something Discord or the configuration decided."""
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return FATAL_CLOSES[4014], False
    if isinstance(error, discord.ConnectionClosed):
        code = error.code
        return FATAL_CLOSES.get(code, f"the gateway closed with code {code}"), False
    if isinstance(error, discord.LoginFailure):
        return FATAL_CLOSES[4004], False
    if isinstance(error, discord.GatewayNotFound):
        return "Discord's gateway could not be found (GET /gateway/bot failed)", False
    if error is None:
        return "the gateway connection ended", False
    return f"an unexpected error ({type(error).__name__})", True


class QuietReconnects(logging.Filter):
    """discord.py logs each retry of an unreachable gateway at ERROR with a traceback. A retry
    is routine, and tracebacks are for defects: it becomes one WARNING line naming the error."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Attempting a reconnect") and record.exc_info:
            error = record.exc_info[1]
            record.msg = f"{record.msg} after {type(error).__name__}"
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def quiet_reconnects() -> None:
    """Install `QuietReconnects` on discord.py's shard logger (once, however often called)."""
    shard_log = logging.getLogger("discord.shard")
    if not any(isinstance(f, QuietReconnects) for f in shard_log.filters):
        shard_log.addFilter(QuietReconnects())
