"""Check-in rounds through the whole bot (console adapter, real core, real SQLite): who may open
them, answering and changing answers, suppressed live counts, private red follow-ups,
anonymity, closing with pairings and introductions, and the edge cases the issue lists."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.console.session import ConsoleSession
from storage.checkins import ANSWER
from storage.outbox import OUTBOX
from storage.uow import unit_of_work

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


@pytest.fixture
async def group(bot: ConsoleSession) -> ConsoleSession:
    """The group with five members from three schools."""
    await set_up_group(bot)
    for name, school in MEMBERS:
        await play(bot, f":as {name}@{school}", "/staffroom join")
    return bot


async def open_round(bot: ConsoleSession, extra: str = "") -> str:
    return await play(
        bot, ":as Tom Patel", ":in #chem", f"/staffroom checkin open How are moles going?{extra}"
    )


async def test_only_a_leader_or_facilitator_opens_a_round(group: ConsoleSession) -> None:
    out = await play(group, ":as Aisha Khan", "/staffroom checkin open Anything?")
    assert "Only a leader of A-level Chemistry" in out
    out = await open_round(group)
    assert "Opened a check-in in A-level Chemistry" in out
    assert "in #chem" in out and "🟢 Got it" in out and "🔴 Need help" in out


async def test_a_second_open_round_in_the_group_is_refused(group: ConsoleSession) -> None:
    await open_round(group)
    out = await play(group, "/staffroom checkin open Another question")
    assert "already has an open check-in" in out
    assert "/staffroom checkin close A-level Chemistry" in out


async def test_counts_are_hidden_until_k_people_answer(group: ConsoleSession) -> None:
    await open_round(group)
    await play(group, ":as Aisha Khan", ":click Got it")
    first = await group.send(":tick 1m")
    assert "2 more answers before results show" in first and "🟢 1" not in first
    await play(group, ":as Ben Carter", ":click Need help")
    assert "1 more answer before results show" in await group.send(":tick 1m")
    await play(group, ":as Chloe Evans", ":click Not sure yet")
    assert "🟢 1 · 🟠 1 · 🔴 1 (3 answers)" in await group.send(":tick 1m")


async def test_counts_change_at_most_once_a_minute_so_no_answer_can_be_timed(
    group: ConsoleSession,
) -> None:
    await open_round(group)
    await play(group, ":as Aisha Khan", ":click Got it", ":as Ben Carter", ":click Got it")
    await play(group, ":as Chloe Evans", ":click Got it", ":tick 1m")
    dev = await play(group, ":as Dev Sharma", ":click Need help")
    assert "(4 answers)" not in dev  # the group does not see Dev's red arrive
    ellie = await play(group, ":as Ellie Morgan", ":click Got it")
    assert "(4 answers)" not in ellie
    minute = await group.send(":tick 1m")
    assert "🟢 4 · 🟠 0 · 🔴 1 (5 answers)" in minute  # both, in one change
    assert "(4 answers)" not in minute


async def test_pressing_the_same_button_twice_changes_nothing(group: ConsoleSession) -> None:
    await open_round(group)
    await play(group, ":as Aisha Khan", ":click Got it")
    again = await group.send(":click Got it")
    assert "already answered 🟢 Got it — nothing changed" in again
    assert "updated" not in again


async def test_the_latest_answer_counts(group: ConsoleSession) -> None:
    await open_round(group)
    await play(group, ":as Aisha Khan", ":click Got it", ":as Ben Carter", ":click Got it")
    out = await play(group, ":as Chloe Evans", ":click Got it", ":tick 1m")
    assert "🟢 3 · 🟠 0 · 🔴 0 (3 answers)" in out
    out = await play(group, ":as Aisha Khan", ":click Need help")
    assert "changed your answer to 🔴 Need help" in out
    assert "🟢 2 · 🟠 0 · 🔴 1 (3 answers)" in await group.send(":tick 1m")


async def test_a_non_member_is_asked_to_join_first(group: ConsoleSession) -> None:
    await open_round(group)
    out = await play(group, ":as Gus Newman@Ridgeway School", ":click Got it")
    assert "You need to join A-level Chemistry first" in out
    assert "Join A-level Chemistry" in out
    assert "Welcome to A-level Chemistry" in await group.send(":click Join A-level Chemistry")
    assert "you answered 🟢 Got it" in await group.send(":click Got it")


async def test_a_named_red_reaches_the_leader_privately_with_the_note(
    group: ConsoleSession,
) -> None:
    await open_round(group)
    out = await play(group, ":as Ben Carter", ":click Need help")
    assert "→ Tom Patel (direct message)" in out
    assert "Ben Carter (Castle Hill College) answered 🔴 Need help" in out
    out = await play(
        group, ":click Add a note", ":fill note=Limiting reagents with set 3", ":submit"
    )
    assert "Tom Patel (direct message) — updated" in out
    assert "Limiting reagents with set 3" in out
    out = await group.send(":click Got it")
    assert "then changed their answer" in out


async def test_once_delivered_the_outbox_keeps_no_one_s_words(group: ConsoleSession) -> None:
    """The leader's notice names the person who asked for help and quotes their note; the
    outbox needs neither once it has been delivered (edits find the message by reference)."""
    await open_round(group)
    await play(group, ":as Ben Carter", ":click Add a note")
    out = await play(group, ":fill colour=red; note=Limiting reagents with set 3", ":submit")
    assert "Limiting reagents with set 3" in out  # delivered to the leader
    closed = await play(group, ":as Tom Patel", "/staffroom checkin close A-level Chemistry")
    assert "Ben Carter" in closed and "Limiting reagents with set 3" in closed
    with unit_of_work(group.core.engine) as connection:
        rows = [dict(row) for row in connection.execute(select(OUTBOX)).mappings()]
    assert rows and all(row["status"] == "sent" for row in rows)
    for row in rows:
        for value in row.values():
            assert "Ben Carter" not in str(value) and "Limiting reagents" not in str(value)


async def test_an_anonymous_red_is_only_counted_and_unlinked_at_close(
    group: ConsoleSession,
) -> None:
    await open_round(group)
    out = await play(
        group,
        ":as Dev Sharma",
        ":click Add a note",
        ":fill colour=red; note=Titration maths; anonymous=yes",
        ":submit",
    )
    assert "Anonymously" in out
    assert "→ Tom Patel" not in out and "Titration maths" in out  # only Dev sees the note
    await play(group, ":as Aisha Khan", ":click Got it", ":as Ben Carter", ":click Got it")
    summary = await play(group, ":as Tom Patel", "/staffroom checkin close")
    assert "and 1 anonymous 🔴 answer (names not shown)" in summary
    assert "Dev Sharma" not in summary and "Titration maths" not in summary
    with unit_of_work(group.core.engine) as connection:
        rows = connection.execute(
            select(ANSWER.c.member_id, ANSWER.c.note, ANSWER.c.colour).where(
                ANSWER.c.anonymous.is_(True)
            )
        ).all()
    assert [tuple(row) for row in rows] == [(None, None, "red")]
    mine = await play(group, ":as Dev Sharma", "/staffroom checkin mine")
    assert "You haven't answered any check-ins yet" in mine and "Titration" not in mine


async def test_leader_prompts_go_to_the_facilitators_when_the_group_has_no_leader(
    group: ConsoleSession,
) -> None:
    await open_round(group)
    await play(group, ":as Tom Patel", "/staffroom leave A-level Chemistry")
    out = await play(group, ":as Ben Carter", ":click Need help")
    assert "→ Fran Hughes (direct message)" in out and "Ben Carter (Castle Hill College)" in out
    out = await play(group, ":as Fran Hughes", "/staffroom checkin close A-level Chemistry")
    assert "Check-in closed · A-level Chemistry" in out and "→ Fran Hughes" in out


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
