"""Per-person limits, through the whole bot: named replies to one question, an asker's
follow-ups, sessions still to come per leader (holiday sessions count) and groups per network.
Each refusal is kind, says why, and says when the next one may go (or what makes room)."""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.console.session import ConsoleSession
from bot.groups.admin import GROUPS_PER_NETWORK
from bot.meetings.scheduling import SESSIONS_PER_LEADER
from bot.questions.limits import FOLLOWUPS_PER_DAY, REPLIES_PER_DAY
from storage.tables import table
from storage.uow import unit_of_work
from tests.unit.checkin_world import play
from tests.unit.test_meetings import SETUP

SESSION = table("meeting_session")


async def chem(bot: ConsoleSession) -> ConsoleSession:
    await play(bot, *SETUP)
    await play(
        bot,
        ":as Aisha Khan",
        "/staffroom ask",
        ":fill question=Did Paper 2 boundaries move?; category=Exam results dip",
        ":submit",
    )
    return bot


async def test_one_member_replies_to_a_question_at_most_so_often(bot: ConsoleSession) -> None:
    await chem(bot)
    await play(bot, ":as Tom Patel")
    for n in range(REPLIES_PER_DAY):
        out = await play(bot, ":click Reply", f":fill reply=Point {n}", ":submit")
        assert "Your reply is posted" in out
        await bot.send(":tick 1m")
    refused = await play(bot, ":click Reply")
    assert f"You've replied to #1 {REPLIES_PER_DAY} times in the last day" in refused
    assert "Your next reply can go from Tue 24 Nov, 08:00" in refused  # a day after the first
    assert "[Form" not in refused
    await play(bot, ":as Ben Carter")  # someone else still can
    assert "[Form" in await play(bot, ":click Reply")
    await play(bot, ":as Tom Patel", ":tick 1d")
    out = await play(bot, ":click Reply", ":fill reply=One more", ":submit")
    assert "Your reply is posted under #1" in out


async def test_an_asker_follows_up_at_most_so_often(bot: ConsoleSession) -> None:
    await chem(bot)
    await play(bot, ":as Aisha Khan")
    for n in range(FOLLOWUPS_PER_DAY):
        assert "Added to #1" in await play(bot, f"/staffroom ask followup #1 Detail {n}")
        await bot.send(":tick 10m")
    refused = await play(bot, "/staffroom ask followup #1 And another")
    assert f"#1 has had {FOLLOWUPS_PER_DAY} follow-ups in the last day" in refused
    assert "The next can go from Tue 24 Nov, 08:00" in refused
    await play(bot, ":tick 1d")
    assert "Added to #1" in await play(bot, "/staffroom ask followup #1 And another")


def sessions_held(bot: ConsoleSession) -> int:
    with unit_of_work(bot.core.engine) as connection:
        return int(connection.execute(select(func.count()).select_from(SESSION)).scalar_one())


async def test_a_leader_has_a_bounded_number_of_sessions_to_come(bot: ConsoleSession) -> None:
    await play(bot, *SETUP)
    for day in ("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"):
        out = await bot.send(
            f'/staffroom meeting schedule "Weekly" {day} 16:00 every week 52 times'
        )
        assert "Weekly" in out
    await bot.send('/staffroom meeting schedule "Fifth" 2026-12-05 16:00 every week 40 times')
    assert sessions_held(bot) == 248
    refused = await bot.send(
        '/staffroom meeting schedule "Sixth" 2026-12-06 16:00 every week 52 times'
    )
    assert "You have 248 sessions still to come" in refused
    assert f"at most {SESSIONS_PER_LEADER} at a time" in refused
    assert "after Sat 23 Jan, 16:00" in refused  # when 40 of them have taken place
    assert "at most 12 sessions now" in refused
    assert sessions_held(bot) == 248  # nothing written
    out = await bot.send('/staffroom meeting schedule "Sixth" 2026-12-06 16:00 every week 12 times')
    assert sessions_held(bot) == SESSIONS_PER_LEADER and "You have" not in out


async def test_holiday_sessions_count_toward_a_series_cap(bot: ConsoleSession) -> None:
    await play(bot, *SETUP, ":as Fran Hughes")
    await bot.send("/staffroom holiday add Summer 2027-07-17 2027-09-05")
    await bot.send(":as Tom Patel")
    out = await bot.send(
        '/staffroom meeting schedule "Weekly" 2026-12-01 16:00 every week 52 times'
    )
    assert "A series can have at most 52 sessions, holidays included" in out
    assert sessions_held(bot) == 52


async def test_a_network_has_a_bounded_number_of_groups(bot: ConsoleSession) -> None:
    await play(bot, ":as Fran Hughes@Harbour College admin", "/staffroom setup Solent Network")
    for n in range(GROUPS_PER_NETWORK):
        await bot.send(f"/staffroom group create Group {n}")
    refused = await bot.send("/staffroom group create One Too Many")
    assert f"This network has {GROUPS_PER_NETWORK} active groups" in refused
    assert "/staffroom group archive <name>" in refused
    await bot.send("/staffroom group archive Group 0")
    assert "Created One Too Many" in await bot.send("/staffroom group create One Too Many")
    refused = await bot.send("/staffroom group restore Group 0")
    assert "can be restored straight away" in refused
