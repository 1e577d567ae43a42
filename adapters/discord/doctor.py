"""`staffroom doctor`'s Discord checks: the bot token works (`GET /users/@me`) and which
privileged intents the application has (`GET /applications/@me`), warning about Message Content,
which the bot never needs. At `DISCORD_API_URL`, so tests can point them at a local fake.
Loaded by the composition root only when the doctor runs and a token is set."""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp

from adapters.discord.settings import DiscordSettings
from bot.runtime.diagnosis import Finding, Status

if TYPE_CHECKING:
    from bot.platforms import ReadInstalls

# Discord application flags for privileged intents (either the verified or limited bit).
DISCORD_INTENTS = {
    "Server Members": (1 << 14) | (1 << 15),
    "Message Content": (1 << 18) | (1 << 19),
    "Presence": (1 << 12) | (1 << 13),
}
TIMEOUT = aiohttp.ClientTimeout(total=15)


async def check(settings: DiscordSettings, read_installs: ReadInstalls) -> list[Finding]:
    """The bot token's findings (a Discord bot has one token, so no installs to read)."""
    assert settings.token is not None
    base = settings.api_url.rstrip("/")
    headers = {"Authorization": f"Bot {settings.token.get_secret_value()}"}
    try:
        async with aiohttp.ClientSession(headers=headers, timeout=TIMEOUT) as session:
            async with session.get(f"{base}/users/@me") as response:
                if response.status == 401:
                    return [
                        Finding(
                            "Discord",
                            Status.FAIL,
                            "DISCORD_TOKEN rejected (401)",
                            "Reset the token on the application's Bot page in the Discord "
                            "Developer Portal and set DISCORD_TOKEN to it.",
                        )
                    ]
                response.raise_for_status()
                user = await response.json()
            async with session.get(f"{base}/applications/@me") as response:
                response.raise_for_status()
                flags = int((await response.json()).get("flags") or 0)
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return [Finding("Discord", Status.FAIL, f"cannot reach the Discord API ({error})")]
    enabled = [name for name, bits in DISCORD_INTENTS.items() if flags & bits]
    found = [
        Finding("Discord", Status.OK, f"bot {user.get('username')}"),
        Finding(
            "Discord intents",
            Status.OK,
            "privileged intents enabled: " + (", ".join(enabled) or "none"),
        ),
    ]
    if "Message Content" in enabled:
        found.append(
            Finding(
                "Discord intents",
                Status.WARN,
                "Message Content is enabled but not needed",
                "Staffroom counts messages and never reads them: turn Message Content Intent "
                "off on the Bot page.",
            )
        )
    return found
