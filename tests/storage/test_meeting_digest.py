"""The queries the weekly digest reads (both databases): shared highlights and attendance
figures for the sessions held in a period — cancelled sessions and unshared reflections left
out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.app import Staffroom
from bot.delivery.clock import ManualClock
from bot.kernel.events import Actor, FormSubmit
from bot.meetings.render import RSVP_ACTION
from bot.reflections.prompts import FORM_ID
from storage import reflections
from storage.uow import unit_of_work
from tests.meeting_world import (
    AISHA,
    BEN,
    CHEM,
    CHLOE,
    TOM,
    TimeMachine,
    press,
    say,
    sessions,
    set_up_chemistry,
)


def reflect(
    app: Staffroom, who: Actor, session_id: int, achieved: str, *, shared: bool, attended: bool
) -> None:
    values = {
        "achieved": achieved,
        "benefit": "Fairer marks",
        "share": "yes" if shared else "",
        "attended": "yes" if attended else "",
    }
    app.core.handle_now(FormSubmit(who, CHEM, FORM_ID, values, str(session_id)))


async def test_highlights_and_attendance_for_a_period(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    app = app_factory(database_url)
    set_up_chemistry(app)
    say(app, TOM, 'meeting schedule "Twilight" 2026-11-26 16:00 every week 3 times remind none')
    first, second, _cancelled = sessions(app, 1)
    say(app, TOM, "meeting cancel 1.3")
    for who in (AISHA, BEN, CHLOE):
        press(app, who, RSVP_ACTION, f"{first.id}:going")
    press(app, AISHA, RSVP_ACTION, f"{second.id}:going")
    await TimeMachine(app, clock).until(datetime(2026, 12, 4, 9, tzinfo=UTC))
    reflect(app, AISHA, first.id, "Agreed the boundaries", shared=True, attended=True)
    reflect(app, BEN, first.id, "Calibrated", shared=False, attended=True)
    reflect(app, CHLOE, first.id, "Watched", shared=True, attended=False)
    reflect(app, AISHA, second.id, "Second time", shared=True, attended=True)

    with unit_of_work(app.core.engine) as connection:
        week = dict(
            since=datetime(2026, 11, 23, tzinfo=UTC), until=datetime(2026, 11, 30, tzinfo=UTC)
        )
        found = reflections.highlights(connection, network_id=1, **week)
        assert [(h.meeting_title, h.achieved, h.group_name) for h in found] == [
            ("Twilight", "Agreed the boundaries", "A-level Chemistry"),
            ("Twilight", "Watched", "A-level Chemistry"),
        ]
        [figures] = reflections.attendance(connection, network_id=1, **week)
        assert (figures.session_id, figures.going, figures.attended) == (first.id, 3, 2)
        assert (figures.attended_schools, figures.reflections) == (2, 3)
        term = reflections.attendance(
            connection,
            network_id=1,
            since=datetime(2026, 11, 1, tzinfo=UTC),
            until=datetime(2027, 1, 1, tzinfo=UTC),
        )
        assert [f.session_id for f in term] == [
            first.id,
            second.id,
        ]  # the cancelled one is left out
        assert reflections.highlights(connection, network_id=2, **week) == []


async def test_a_person_at_two_sessions_is_counted_once_by_group(
    app_factory: Callable[[str], Staffroom], database_url: str, clock: ManualClock
) -> None:
    app = app_factory(database_url)
    set_up_chemistry(app)
    say(app, TOM, 'meeting schedule "Twilight" 2026-11-24 16:00 remind none')
    say(app, TOM, 'meeting schedule "Practicals" 2026-11-26 16:00 remind none')
    sessions_this_week = [sessions(app, 1)[0], sessions(app, 2)[0]]
    for session in sessions_this_week:
        for who in (AISHA, BEN, CHLOE):
            press(app, who, RSVP_ACTION, f"{session.id}:going")
    await TimeMachine(app, clock).until(datetime(2026, 11, 28, 9, tzinfo=UTC))
    for session in sessions_this_week:
        for who in (AISHA, BEN, CHLOE):
            reflect(app, who, session.id, "Useful", shared=False, attended=True)
    with unit_of_work(app.core.engine) as connection:
        [group] = reflections.attendance_by_group(
            connection,
            network_id=1,
            since=datetime(2026, 11, 23, tzinfo=UTC),
            until=datetime(2026, 11, 30, tzinfo=UTC),
        )
    # Two sessions, three people at both: three people, not six; their schools counted once.
    assert (group.sessions, group.going, group.attended, group.reflections) == (2, 3, 3, 6)
    assert group.attended_schools == 3  # Castle Hill, Harbour, Ridgeway
