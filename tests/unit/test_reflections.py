"""Reflections through the whole bot: the prompt goes to those who said Going once the session
ends, `reflect` works any time, the group gets a summary two days later (figures only from k
people, highlights without names), leaders read everything, and members can export and erase
what is held about them."""

from __future__ import annotations

import pytest

from adapters.console.session import ConsoleSession
from storage import directory, meetings
from storage.uow import unit_of_work
from tests.unit.test_meetings import SETUP


@pytest.fixture
async def held(bot: ConsoleSession) -> ConsoleSession:
    """Twilight on Thu 3 Dec, 16:00–17:00: Aisha and Ben going, Chloe maybe."""
    for line in SETUP:
        await bot.send(line)
    await bot.send('/staffroom meeting schedule "Twilight" 2026-12-03 16:00 remind none')
    for who, answer in (("Aisha Khan", "Going"), ("Ben Carter", "Going"), ("Chloe Evans", "Maybe")):
        await bot.send(f":as {who}")
        await bot.send(f":click {answer}")
    return bot


async def test_nothing_to_reflect_on_before_the_meeting(held: ConsoleSession) -> None:
    assert "There's no meeting to reflect on yet" in await held.send("/staffroom reflect")
    assert "hasn't happened yet" in await held.send("/staffroom reflect 1.1")


async def test_prompt_reflect_summary_and_the_leaders_view(held: ConsoleSession) -> None:
    out = await held.send(":tick 10d 9h 20m")  # Thu 3 Dec 17:20, just after the prompt
    assert "→ Aisha Khan (direct message)" in out and "→ Ben Carter (direct message)" in out
    assert "Chloe Evans (direct message)" not in out
    assert "How did Twilight go?" in out

    await held.send(":as Aisha Khan")
    out = await held.send(":click Write my reflection")
    assert "attended (checkbox, optional) — I attended [now: yes]" in out
    await held.send(
        ":fill achieved=Agreed the NEA boundaries @everyone; benefit=Fairer marks; share=yes"
    )
    assert "You chose to share it" in await held.send(":submit")

    await held.send(":as Ben Carter")
    await held.send("/staffroom reflect")
    out = await held.send(":submit")
    assert "achieved: Please write a line or two" in out
    await held.send(":fill achieved=Calibrated our marking")
    assert "is saved" in await held.send(":submit")

    await held.send(":as Chloe Evans")
    out = await held.send("/staffroom reflect")
    assert "[now: yes]" not in out  # she said Maybe, so "I attended" starts unticked
    await held.send(":fill achieved=Saw three samples; attended=yes")
    await held.send(":submit")

    await held.send(":as Aisha Khan")
    assert "Only a leader of A-level Chemistry" in await held.send(
        "/staffroom meeting reflections 1"
    )
    await held.send(":as Tom Patel")
    out = await held.send("/staffroom meeting reflections 1")
    assert "Aisha Khan (Castle Hill College) · attended, shared" in out
    assert "Chloe Evans (Ridgeway School) · attended" in out

    out = await held.send(":tick 2d")
    assert "[Staffroom in #chem]" in out and "After Twilight (Thu 3 Dec 2026)" in out
    assert "3 reflections; 3 people said they attended, from 3 schools." in out
    assert "• Agreed the NEA boundaries @everyone — for students: Fairer marks" in out
    assert "Aisha" not in out.split("After Twilight")[1]  # highlights carry no names


async def test_few_reflections_give_no_figures(held: ConsoleSession) -> None:
    await held.send(":tick 10d 9h 20m")
    await held.send(":as Aisha Khan")
    await held.send("/staffroom reflect")
    await held.send(":fill achieved=Good session")
    await held.send(":submit")
    out = await held.send(":tick 2d")
    assert "Reflections so far: hidden until at least 3 people — 2 more needed." in out
    assert "Highlights" not in out  # nothing was shared


async def test_a_member_exports_and_erases_what_meetings_hold_about_them(
    held: ConsoleSession,
) -> None:
    await held.send(":tick 10d 9h 20m")
    await held.send(":as Aisha Khan")
    await held.send("/staffroom reflect")
    await held.send(":fill achieved=Good session; share=yes")
    await held.send(":submit")
    specs = {spec.name: spec for spec in held.core.registry.personal_data}
    replies, notes, scheduled = (
        specs["meeting replies"],
        specs["meeting reflections and attendance"],
        specs["meetings you scheduled"],
    )
    with unit_of_work(held.core.engine) as connection:
        aisha = directory.member_for_identity(
            connection, platform="console", workspace="console", user_id="aisha-khan"
        )
        tom = directory.member_for_identity(
            connection, platform="console", workspace="console", user_id="tom-patel"
        )
        assert aisha is not None and tom is not None
        answered = replies.export(connection, aisha.id)
        written = notes.export(connection, aisha.id)
        assert isinstance(answered, list) and isinstance(written, list)  # JSON-ready rows
        assert [r["answer"] for r in answered] == ["going"]
        [note] = written
        assert note["achieved"] == "Good session" and note["shared_as_highlight"] is True
        assert scheduled.export(connection, tom.id) == [
            {"meeting": 1, "title": "Twilight", "group": "A-level Chemistry"}
        ]
        for spec in specs.values():
            spec.erase(connection, aisha.id)
        scheduled.erase(connection, tom.id)
        assert replies.export(connection, aisha.id) == notes.export(connection, aisha.id) == []
        assert scheduled.export(connection, tom.id) == []
        meeting = meetings.get_meeting(connection, meeting_id=1)
        assert meeting is not None and meeting.created_by is None  # the group's meeting stays
