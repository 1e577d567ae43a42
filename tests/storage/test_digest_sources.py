"""The features' figures in the weekly digest, against hand-placed data (both databases):
questions asked, answered, waiting over 72 hours and seen at k+ schools; check-in mixes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app import Staffroom
from bot.digests.model import DigestRequest
from bot.digests.weeks import Week
from bot.questions import digest as question_digest
from storage import groups, metoo, networks, questions
from storage.questions import QuestionDetails
from storage.uow import unit_of_work

WEEK = Week(2026, 46)  # Mon 9 - Sun 15 Nov 2026 (GMT)
MONDAY = datetime(2026, 11, 9, 0, 0, tzinfo=UTC)


def test_question_figures_for_a_week(
    app_factory: Callable[[str], Staffroom], database_url: str
) -> None:
    app = app_factory(database_url)
    with unit_of_work(app.core.engine) as c:
        network = networks.create_network(
            c, name="N", timezone="Europe/London", now=MONDAY - timedelta(weeks=10)
        )
        group = groups.create_group(
            c, network_id=network.id, name="Chem", name_key="chem", description="", now=MONDAY
        ).id

        def ask(at: datetime) -> int:
            question_id, _ = questions.add_question(
                c,
                network_id=network.id,
                details=QuestionDetails(group, "Why?", "results-dip"),
                notify_sealed=None,
                notify_until=None,
                now=at,
            )
            return question_id

        last_week = ask(MONDAY - timedelta(days=3))  # asked before, still open: waiting > 72h
        answered = ask(MONDAY + timedelta(days=1))  # asked and answered this week
        questions.resolve_question(
            c, question_id=answered, resolution="", now=MONDAY + timedelta(days=2)
        )
        fresh = ask(MONDAY + timedelta(days=6, hours=12))  # asked 36 hours before the week ends
        hidden = ask(MONDAY + timedelta(days=2))
        questions.hide_question(
            c, question_id=hidden, reason="off topic", now=MONDAY + timedelta(days=3)
        )
        for n in range(3):  # seen at three schools
            metoo.add_metoo(c, question_id=last_week, person_hash=f"p{n}", school_hash=f"s{n}")
        metoo.add_metoo(c, question_id=fresh, person_hash="p9", school_hash="s0")
        request = DigestRequest(c, network, WEEK, ZoneInfo("Europe/London"), (group,))
        figures = {f.key: f.value for f in question_digest.figures(request)[group]}
        weekly = question_digest.engagement(request)[group]
    assert figures == {
        "questions_asked": 2,  # answered and fresh; the hidden one does not count
        "questions_answered": 1,
        "questions_waiting": 1,  # last week's: open for more than 72 hours at the week's end
        "questions_widespread": 1,  # last week's, seen at three schools (k = 3)
    }
    assert (
        weekly[-1] == 3 and weekly[-2] == 1
    )  # asked this week (hidden included) / the week before
