"""Check-in rounds end to end, from their halfway reminder to their close: timed rounds,
reminders, closing with cross-school pairings and introductions, opting out, keyboard answers,
history, the home view, bad forms and personal data."""

import pytest

from adapters.console.session import ConsoleSession
from storage.uow import unit_of_work
from tests.unit.checkin_world import answer, open_round, play, populated_group


@pytest.fixture
async def group(bot: ConsoleSession) -> ConsoleSession:
    return await populated_group(bot)


async def test_a_timed_round_reminds_everyone_halfway_and_closes_itself(
    group: ConsoleSession,
) -> None:
    await open_round(group, " closing in 4h")
    await play(group, ":as Aisha Khan", ":click Got it")
    halfway = await group.send(":tick 2h")
    assert "[Staffroom in #chem]" in halfway and "⏰ The A-level Chemistry check-in" in halfway
    assert "direct message" not in halfway  # reminders go to the group, never to non-answerers
    closed = await group.send(":tick 2h")
    assert "has closed, with too few answers to show results (fewer than 3)" in closed
    assert "→ Tom Patel (direct message)" in closed and "Check-in closed" in closed
    late = await play(group, ":as Ben Carter", ":click Got it")
    assert "check-in closed" in late and "No next check-in is scheduled yet" in late


async def test_a_leader_reminds_the_group_at_most_once_an_hour(group: ConsoleSession) -> None:
    await open_round(group, " closing in 1d")  # opened Mon 08:00; the half-way reminder is 20:00
    await group.send(":tick 59m")
    first = await group.send("/staffroom checkin remind")
    assert "Reminded everyone in A-level Chemistry" in first and "⏰" in first
    await group.send(":tick 1m")  # 09:00: a new clock hour, but not an hour later
    again = await group.send("/staffroom checkin remind")
    assert "A reminder went out Mon 23 Nov, 08:59; one an hour is enough" in again
    assert "The next can go from Mon 23 Nov, 09:59" in again and "⏰" not in again
    await group.send(":tick 59m")
    later = await group.send("/staffroom checkin remind")
    assert "Reminded everyone" in later and "⏰" in later
    halfway = await group.send(":tick 10h30m")  # 20:29: the half-way reminder went at 20:00
    assert "⏰" in halfway
    leader = await group.send("/staffroom checkin remind")
    assert "A reminder went out Mon 23 Nov, 20:00" in leader


async def test_close_suggests_cross_school_pairings_and_sends_introductions(
    group: ConsoleSession,
) -> None:
    await open_round(group)
    await answer(
        group,
        ("Aisha Khan", "Got it"),
        ("Chloe Evans", "Need help"),
        ("Ben Carter", "Not sure yet"),
        ("Dev Sharma", "Not sure yet"),
        ("Ellie Morgan", "Not sure yet"),
    )
    summary = await play(group, ":as Tom Patel", "/staffroom checkin close")
    assert "🟢 Aisha Khan (Harbour College) · 🔴 Chloe Evans (Ridgeway School)" in summary
    assert (
        "🟠 Ben Carter" in summary
        and "Since the last round: This is the group's first round" in summary
    )
    group_post = summary.split("[Staffroom in #chem]")[-1]
    assert "🟢 1 · 🟠 3 · 🔴 1 (5 answers)" in group_post and "Chloe" not in group_post
    intro = await group.send(":click Send introductions")
    assert "Introductions sent to 2 groups (5 people)" in intro
    assert "→ Chloe Evans (direct message)" in intro and "Aisha Khan (Harbour College)" in intro
    assert "Need help" not in intro.split("only you]")[-1]
    assert "already sent" in await group.send(":click Send introductions")


async def test_last_rounds_pairs_are_not_repeated(group: ConsoleSession) -> None:
    async def round_with_answers() -> str:
        await open_round(group)
        await answer(
            group, ("Aisha Khan", "Got it"), ("Ben Carter", "Got it"), ("Chloe Evans", "Need help")
        )
        return await play(group, ":as Tom Patel", "/staffroom checkin close")

    first = await round_with_answers()
    second = await round_with_answers()
    partner = lambda out: "Aisha" if "🟢 Aisha Khan (Harbour College) · 🔴 Chloe" in out else "Ben"  # noqa: E731
    assert partner(first) != partner(second)
    assert "🟢 33% (was 33%)" not in second and "🟢 67% (was 67%)" in second


async def test_people_who_opt_out_are_not_paired(group: ConsoleSession) -> None:
    out = await play(group, ":as Aisha Khan", "/staffroom checkin pairing off")
    assert "won't pair you" in out
    await open_round(group)
    await answer(
        group, ("Aisha Khan", "Got it"), ("Ben Carter", "Got it"), ("Chloe Evans", "Need help")
    )
    summary = await play(group, ":as Tom Patel", "/staffroom checkin close")
    assert "🟢 Ben Carter (Castle Hill College) · 🔴 Chloe Evans" in summary
    assert "Aisha" not in summary


async def test_keyboard_answers_find_the_members_only_open_round(group: ConsoleSession) -> None:
    await open_round(group)
    out = await play(
        group, ":as Ben Carter", ":dm", "/staffroom checkin red anonymously stoichiometry"
    )
    assert "you answered 🔴 Need help in A-level Chemistry. Anonymously" in out
    assert "→ Tom Patel" not in out
    out = await group.send("/staffroom checkin purple")
    assert "Answer with a colour" in out
    out = await group.send("/staffroom checkin opne Anything?")
    assert "Did you mean /staffroom checkin open?" in out


async def test_opening_from_a_direct_message_names_the_group_before_a_colon(
    group: ConsoleSession,
) -> None:
    out = await play(group, ":as Tom Patel", ":dm", "/staffroom checkin open Ratios: part 2?")
    assert "Which group?" in out
    out = await group.send("/staffroom checkin open A-level Chem: Ratios?")
    assert "Did you mean A-level Chemistry" in out
    out = await group.send(
        "/staffroom checkin open a-level chemistry: Ratios: part 2? closing in 1d"
    )
    assert "“Ratios: part 2?”" in out and "It closes" in out


async def test_history_shows_totals_only_and_hides_small_rounds(group: ConsoleSession) -> None:
    await open_round(group)
    await play(
        group, ":as Aisha Khan", ":click Got it", ":as Tom Patel", "/staffroom checkin close"
    )
    await open_round(group)
    for name in ("Aisha Khan", "Ben Carter", "Chloe Evans"):
        await play(group, f":as {name}", ":click Not sure yet")
    await play(group, ":as Tom Patel", "/staffroom checkin close")
    out = await play(group, ":as Ellie Morgan", "/staffroom checkin history")
    assert "🟢 0 · 🟠 3 · 🔴 0 (3 answers)" in out
    assert "2 more answers before results show" in out
    assert "Aisha" not in out
    out = await play(
        group, ":as Outsider@Ridgeway School", "/staffroom checkin history A-level Chemistry"
    )
    assert "You need to join A-level Chemistry first" in out


async def test_home_shows_open_rounds_with_answer_buttons(group: ConsoleSession) -> None:
    await open_round(group)
    out = await play(group, ":as Aisha Khan", ":dm", "/staffroom home")
    assert "Open check-ins" in out and "“How are moles going?”" in out and "🟢 Got it" in out
    await group.send(":click Got it")
    assert "you answered 🟢 Got it" in await group.send("/staffroom home")


async def test_a_note_form_without_a_colour_is_sent_back(group: ConsoleSession) -> None:
    await open_round(group)
    out = await play(group, ":as Aisha Khan", ":click Add a note", ":fill note=hello", ":submit")
    assert "colour: Choose how you feel" in out


async def test_personal_data_is_exported_and_erased(group: ConsoleSession) -> None:
    await open_round(group)
    await play(
        group,
        ":as Aisha Khan",
        ":click Add a note",
        ":fill colour=green; note=Happy to help",
        ":submit",
    )
    await play(group, ":as Ben Carter", ":click Got it", ":as Chloe Evans", ":click Need help")
    await play(group, ":as Tom Patel", "/staffroom checkin close")
    spec = next(s for s in group.core.registry.personal_data if s.name == "check-ins")
    with unit_of_work(group.core.engine) as connection:
        from storage import directory

        aisha = directory.members_named(connection, network_id=1, display_name="Aisha Khan")[0]
        exported = spec.export(connection, aisha.id)
        assert exported["answers"][0]["note"] == "Happy to help"  # type: ignore[index]
        assert exported["suggested_groups"]  # type: ignore[index]
        spec.erase(connection, aisha.id)
        assert spec.export(connection, aisha.id)["answers"] == []  # type: ignore[index]
    out = await play(group, ":as Ellie Morgan", "/staffroom checkin history")
    assert "🟢 2 · 🟠 0 · 🔴 1 (3 answers)" in out  # published totals stay
