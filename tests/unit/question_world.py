"""The question tests' shared world: a network of four schools with two groups, and the lines
that ask, reply and count rows."""

from __future__ import annotations

from sqlalchemy import ColumnElement, FromClause, func, select

from adapters.console.session import ConsoleSession
from bot.app import Staffroom
from storage.uow import unit_of_work

ASK = "Has anyone else seen a dip in Paper 2 results this summer?"


async def set_up_network(bot: ConsoleSession) -> ConsoleSession:
    """Solent Network: four schools, A-level Chemistry (in #chem, led by Tom Patel) and GCSE
    Drama, with Aisha Khan in both."""
    for line in (
        ":as Fran Hughes@Harbour College admin",
        "/staffroom setup Solent Network",
        "/staffroom school add Ridgeway School",
        "/staffroom school add Castle Hill College",
        "/staffroom school add Oakwood Academy",
        "/staffroom group create A-level Chemistry",
        "/staffroom group create GCSE Drama",
        ":in #chem",
        "/staffroom group link A-level Chemistry",
        ":as Tom Patel@Ridgeway School",
        "/staffroom join A-level Chemistry",
        ":as Fran Hughes",
        "/staffroom group leader A-level Chemistry @Tom Patel",
        ":as Aisha Khan@Castle Hill College",
        "/staffroom join A-level Chemistry",
        "/staffroom join GCSE Drama",
    ):
        await bot.send(line)
    return bot


async def ask(bot: ConsoleSession, question: str = ASK, extra: str = "") -> str:
    await bot.send("/staffroom ask")
    await bot.send(f":fill question={question}; category=Exam results dip{extra}")
    return await bot.send(":submit")


def count(app: Staffroom, table: FromClause, *where: ColumnElement[bool]) -> int:
    with unit_of_work(app.core.engine) as connection:
        return int(
            connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
        )


async def reply_to(network: ConsoleSession, number: int, text: str) -> str:
    await network.send(":as Tom Patel")
    await network.send(f"/staffroom question #{number}")
    await network.send(":click Reply")
    await network.send(f":fill reply={text}")
    return await network.send(":submit")
