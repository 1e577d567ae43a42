"""The check-in tests' shared world: A-level Chemistry in #chem, led by Tom Patel, with five
members from three schools, and the lines that open rounds and press their buttons."""

from adapters.console.session import ConsoleSession

MEMBERS = (
    ("Aisha Khan", "Harbour College"),
    ("Ben Carter", "Castle Hill College"),
    ("Chloe Evans", "Ridgeway School"),
    ("Dev Sharma", "Castle Hill College"),
    ("Ellie Morgan", "Harbour College"),
)


async def play(bot: ConsoleSession, *lines: str) -> str:
    """Send lines in turn; returns everything the last one produced."""
    out = ""
    for line in lines:
        out = await bot.send(line)
    return out


async def set_up_group(bot: ConsoleSession) -> None:
    """A-level Chemistry in #chem, facilitated by Fran Hughes and led by Tom Patel."""
    await play(
        bot,
        ":as Fran Hughes@Harbour College admin",
        "/staffroom setup Solent Network",
        "/staffroom group create A-level Chemistry",
        ":in #chem",
        "/staffroom group link A-level Chemistry",
        ":as Tom Patel@Ridgeway School",
        "/staffroom join",
        ":as Fran Hughes",
        "/staffroom group leader A-level Chemistry @Tom Patel",
    )


async def answer(bot: ConsoleSession, *answers: tuple[str, str]) -> None:
    """Each (person, button label) presses that button on the round message."""
    for name, button in answers:
        await play(bot, f":as {name}", f":click {button}")


async def populated_group(bot: ConsoleSession) -> ConsoleSession:
    """The group with five members from three schools."""
    await set_up_group(bot)
    for name, school in MEMBERS:
        await play(bot, f":as {name}@{school}", "/staffroom join")
    return bot


async def open_round(bot: ConsoleSession, extra: str = "") -> str:
    return await play(
        bot, ":as Tom Patel", ":in #chem", f"/staffroom checkin open How are moles going?{extra}"
    )
