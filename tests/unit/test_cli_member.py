"""`staffroom member erase`: finds the member by platform id or member id, asks first, and
erases them as `forget me` would — with the server secret, so their open anonymous questions
are untied from them too."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from adapters.console.session import ConsoleSession
from bot.cli import app as cli
from bot.privacy.rights import erase_member, erase_order
from storage import directory, networks, personal_data
from storage import questions as questions_store
from storage.uow import unit_of_work


async def _people(bot: ConsoleSession) -> None:
    for line in (
        ":as Fran Hughes@Harbour College admin",
        "/staffroom setup Solent Network",
        ":as Nell Newcomer@Harbour College",
        "/staffroom whoami",
    ):
        await bot.send(line)


def _names(bot: ConsoleSession) -> list[str]:
    with unit_of_work(bot.core.engine) as connection:
        network = networks.list_networks(connection)[0]
        return sorted(
            m.display_name
            for name in ("Fran Hughes", "Nell Newcomer")
            for m in directory.members_named(connection, network_id=network.id, display_name=name)
        )


async def test_erase_asks_first_and_then_erases(
    bot: ConsoleSession, cli_env: pytest.MonkeyPatch
) -> None:
    await _people(bot)
    runner = CliRunner()
    kept = runner.invoke(cli, ["member", "erase", "console:nell-newcomer"], input="n\n")
    assert kept.exit_code == 1 and "Nothing was erased" in kept.output
    assert "Nell Newcomer (Harbour College, Solent Network)" in kept.output
    assert _names(bot) == ["Fran Hughes", "Nell Newcomer"]

    erased = runner.invoke(cli, ["member", "erase", "console:console:nell-newcomer", "--yes"])
    assert erased.exit_code == 0, erased.output
    assert "Erased: " in erased.output and "profile" in erased.output
    assert _names(bot) == ["Fran Hughes"]


async def test_an_erasure_reports_each_kind_of_data_as_it_is_erased(
    bot: ConsoleSession,
) -> None:
    await _people(bot)
    registry = bot.core.registry
    reported: list[tuple[int, int]] = []
    with unit_of_work(bot.core.engine) as connection:
        [nell] = personal_data.members_with_identity(
            connection, platform="console", user_id="nell-newcomer"
        )
        erased = erase_member(
            connection,
            registry,
            nell,
            secret=bot.core.config.secret,
            advance=lambda *step: reported.append(step),
        )
    steps = len(erase_order(registry))
    assert len(erased) == steps > 1
    assert reported == [(done, steps) for done in range(1, steps + 1)]
    assert _names(bot) == ["Fran Hughes"]


async def test_erase_explains_an_unknown_member(
    bot: ConsoleSession, cli_env: pytest.MonkeyPatch
) -> None:
    await _people(bot)
    result = CliRunner().invoke(cli, ["member", "erase", "slack:U000NOBODY", "--yes"])
    assert result.exit_code == 1
    assert "No member matches" in result.output


async def test_erase_unties_the_member_from_their_open_anonymous_question(
    bot: ConsoleSession, cli_env: pytest.MonkeyPatch
) -> None:
    await _people(bot)
    for line in (
        ":as Fran Hughes",
        "/staffroom group create A-level Chemistry",
        ":in #chem",
        "/staffroom group link A-level Chemistry",
        ":as Nell Newcomer",
        "/staffroom join A-level Chemistry",
        "/staffroom ask",
        ":fill question=Has anyone seen Paper 2 dip?; category=Exam results dip; notify=yes",
        ":submit",
    ):
        await bot.send(line)
    erased = CliRunner().invoke(cli, ["member", "erase", "console:nell-newcomer", "--yes"])
    assert erased.exit_code == 0, erased.output
    with unit_of_work(bot.core.engine) as connection:
        question = questions_store.get_question(connection, question_id=1)
    assert question is not None and question.text == "Has anyone seen Paper 2 dip?"
    # Back on the same chat account she is someone new, not the asker (her salt went).
    await bot.send(":as Nell Newcomer")
    await bot.send("/staffroom join A-level Chemistry")
    out = await bot.send("/staffroom ask followup #1 Any news?")
    assert "Only the person who asked #1" in out
