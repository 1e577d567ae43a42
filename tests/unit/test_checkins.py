"""Check-in rounds through the whole bot (console adapter, real core, real SQLite): who may open
them, answering and changing answers, suppressed live counts, private red follow-ups and
anonymity."""

import pytest
from sqlalchemy import select

from adapters.console.session import ConsoleSession
from storage.checkins import ANSWER
from storage.outbox import OUTBOX
from storage.uow import unit_of_work
from tests.unit.checkin_world import open_round, play, populated_group


@pytest.fixture
async def group(bot: ConsoleSession) -> ConsoleSession:
    return await populated_group(bot)


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


async def test_a_named_red_reaches_the_leader_privately_with_the_note_on_the_minute(
    group: ConsoleSession,
) -> None:
    """Like the counts, the leader's notice goes out on the minute: its arrival cannot be
    matched to the moment one person pressed the button."""
    await open_round(group)
    out = await play(group, ":as Ben Carter", ":click Need help")
    assert "leader will be told privately within a minute" in out
    assert "→ Tom Patel (direct message)" not in out
    out = await group.send(":tick 1m")
    assert "→ Tom Patel (direct message)" in out
    assert "Ben Carter (Castle Hill College) answered 🔴 Need help" in out
    out = await play(
        group, ":click Add a note", ":fill note=Limiting reagents with set 3", ":submit", ":tick 1m"
    )
    assert "Tom Patel (direct message) — updated" in out
    assert "Limiting reagents with set 3" in out
    out = await play(group, ":click Got it", ":tick 1m")
    assert "then changed their answer" in out
    out = await play(group, ":click Need help", ":tick 1m")  # the same message, corrected again
    assert "Tom Patel (direct message) — updated" in out
    assert "Ben Carter (Castle Hill College) answered 🔴 Need help" in out


async def test_a_minute_s_reds_reach_the_leader_together_and_a_change_of_mind_before_it_none(
    group: ConsoleSession,
) -> None:
    await open_round(group)
    await play(group, ":as Ben Carter", ":click Need help", ":as Chloe Evans", ":click Need help")
    await play(group, ":as Dev Sharma", ":click Need help", ":click Got it")
    out = await group.send(":tick 1m")
    assert "Ben Carter (Castle Hill College) answered 🔴" in out
    assert "Chloe Evans (Ridgeway School) answered 🔴" in out
    assert "Dev Sharma" not in out  # changed their mind before anyone was told
    assert "answered 🔴" not in await group.send(":tick 1m")  # each is told once


async def test_turning_anonymous_withdraws_the_named_notice(group: ConsoleSession) -> None:
    await open_round(group)
    await play(group, ":as Ben Carter", ":click Need help", ":tick 1m")
    await play(group, ":click Add a note", ":fill colour=red; note=Moles; anonymous=yes", ":submit")
    out = await group.send(":tick 1m")
    assert "Ben Carter asked for help" in out and "then changed their answer" in out
    assert "Moles" not in out


async def test_closing_corrects_a_notice_and_names_a_last_minute_red_once(
    group: ConsoleSession,
) -> None:
    """A change in the round's last minute is not left waiting for a timer that no longer
    runs: the withdrawal goes out at close, and a red that came too late for a notice is in
    the leader's summary instead (not both)."""
    await open_round(group)
    await play(group, ":as Ben Carter", ":click Need help", ":tick 1m", ":click Got it")
    await play(group, ":as Chloe Evans", ":click Need help")
    closed = await play(group, ":as Tom Patel", "/staffroom checkin close A-level Chemistry")
    assert "Ben Carter asked for help" in closed and "then changed their answer" in closed
    assert "Chloe Evans (Ridgeway School) answered 🔴" not in closed
    assert "Chloe Evans (Ridgeway School)" in closed  # in the summary
    assert "answered 🔴" not in await group.send(":tick 1m")


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
    out = await play(group, ":as Ben Carter", ":click Need help", ":tick 1m")
    assert "→ Fran Hughes (direct message)" in out and "Ben Carter (Castle Hill College)" in out
    out = await play(group, ":as Fran Hughes", "/staffroom checkin close A-level Chemistry")
    assert "Check-in closed · A-level Chemistry" in out and "→ Fran Hughes" in out


async def test_an_answer_typed_with_no_open_round_says_whether_one_just_closed(
    group: ConsoleSession,
) -> None:
    """Typed in the group's channel: no round yet says so; just after a close, when it closed
    (the answer may have crossed the close); days later, simply that none is open."""
    out = await play(group, ":as Aisha Khan", ":in #chem", "/staffroom checkin green")
    assert "A-level Chemistry has no open check-in right now." in out
    await open_round(group)
    await play(group, "/staffroom checkin close A-level Chemistry")
    late = await play(group, ":as Aisha Khan", ":in #chem", "/staffroom checkin green")
    assert "check-in closed" in late and "so answers are no longer taken" in late
    await group.send(":tick 2d")
    days_later = await play(group, ":as Aisha Khan", ":in #chem", "/staffroom checkin green")
    assert "has no open check-in right now" in days_later and "closed" not in days_later
    with unit_of_work(group.core.engine) as connection:
        assert connection.execute(select(ANSWER.c.colour)).all() == []  # nothing was saved
