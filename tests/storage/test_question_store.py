"""Question storage on both databases: numbering per network, full-text search for similar
questions (FTS5 / PostgreSQL text search), me-too counted by school, drafts, the daily count,
and deleting sealed notices with the address they were sealed for."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, func, select

from bot.delivery.clock import ManualClock
from bot.questions.form import tidy_text
from storage import asking, groups, metoo, networks, outbox
from storage import questions as store
from storage.outbox import OutboundMessage
from storage.question_search import similar_questions
from storage.questions import QuestionDetails
from storage.uow import unit_of_work


@pytest.fixture
def two_groups(engine: Engine, clock: ManualClock) -> tuple[int, int, int]:
    """(network id, group id, id of a group in another network)."""
    with unit_of_work(engine) as connection:
        ids = []
        for name in ("Solent", "Wessex"):
            network = networks.create_network(
                connection, name=name, timezone="Europe/London", now=clock.now()
            )
            group = groups.create_group(
                connection,
                network_id=network.id,
                name="Chemistry",
                name_key="chemistry",
                description="",
                now=clock.now(),
            )
            ids.append((network.id, group.id))
    return ids[0][0], ids[0][1], ids[1][1]


def _ask(
    connection: Connection, network_id: int, group_id: int, text: str, clock: ManualClock
) -> int:
    question_id, _ = store.add_question(
        connection,
        network_id=network_id,
        details=QuestionDetails(group_id, text, "results-dip"),
        notify_sealed=None,
        notify_until=None,
        now=clock.now(),
    )
    return question_id


def test_questions_are_numbered_within_their_network(
    engine: Engine, clock: ManualClock, two_groups: tuple[int, int, int]
) -> None:
    network_id, group_id, other_group = two_groups
    with unit_of_work(engine) as connection:
        other_network = groups.get_group(connection, group_id=other_group)
        assert other_network is not None
        first = _ask(connection, network_id, group_id, "First question here", clock)
        second = _ask(connection, network_id, group_id, "Second question here", clock)
        elsewhere = _ask(connection, other_network.network_id, other_group, "Elsewhere", clock)
        numbers = [
            q.number
            for q in (
                store.get_question(connection, question_id=first),
                store.get_question(connection, question_id=second),
                store.get_question(connection, question_id=elsewhere),
            )
            if q is not None
        ]
    assert numbers == [1, 2, 1]


def test_similar_questions_are_found_by_wording_in_the_same_network_only(
    engine: Engine, clock: ManualClock, two_groups: tuple[int, int, int]
) -> None:
    network_id, group_id, other_group = two_groups
    with unit_of_work(engine) as connection:
        other = groups.get_group(connection, group_id=other_group)
        assert other is not None
        boundary = _ask(
            connection, network_id, group_id, "Did the grade boundary for Paper 2 move?", clock
        )
        dipped = _ask(
            connection, network_id, group_id, "Our Paper 2 results dipped badly this year", clock
        )
        _ask(connection, network_id, group_id, "How do you run the titration practical?", clock)
        hidden = _ask(connection, network_id, group_id, "Paper 2 grade boundaries, again", clock)
        store.hide_question(connection, question_id=hidden, reason="duplicate", now=clock.now())
        _ask(connection, other.network_id, other_group, "Paper 2 grade boundaries moved", clock)
        found = similar_questions(
            connection, network_id=network_id, text="Have grade boundaries on Paper 2 moved?"
        )
        dips = similar_questions(
            connection, network_id=network_id, text="Results dip in Paper 2 for anyone?"
        )
        nothing = similar_questions(
            connection, network_id=network_id, text="Anyone else? What about this?"
        )
    assert [q.id for q in found][:1] == [boundary]
    assert hidden not in [q.id for q in found]
    assert all(q.network_id == network_id for q in found)
    assert dipped in [q.id for q in dips]
    assert nothing == []


def test_similar_questions_are_at_most_three_and_need_two_shared_words(
    engine: Engine, clock: ManualClock, two_groups: tuple[int, int, int]
) -> None:
    network_id, group_id, _ = two_groups
    with unit_of_work(engine) as connection:
        for n in range(5):
            _ask(connection, network_id, group_id, f"Mark scheme for unit {n} changed", clock)
        _ask(connection, network_id, group_id, "Students struggle with organic synthesis", clock)
        found = similar_questions(
            connection, network_id=network_id, text="Has the mark scheme changed?"
        )
        one_word = similar_questions(
            connection, network_id=network_id, text="Students and the mark of a good essay"
        )
    assert len(found) == 3
    assert one_word == []


def test_me_too_counts_a_person_once_and_a_school_once(
    engine: Engine, clock: ManualClock, two_groups: tuple[int, int, int]
) -> None:
    network_id, group_id, _ = two_groups
    with unit_of_work(engine) as connection:
        question_id = _ask(connection, network_id, group_id, "Paper 2 dip", clock)
        marks = [("alice", "ridgeway"), ("alice", "ridgeway"), ("bob", "ridgeway"), ("cy", "oak")]
        added = [
            metoo.add_metoo(
                connection, question_id=question_id, person_hash=person, school_hash=school
            )
            for person, school in marks
        ]
        schools = metoo.schools_seen(connection, question_id=question_id)
        by_question = metoo.schools_seen_by_question(connection, question_ids=[question_id])
    assert added == [True, False, True, True]
    assert schools == 2 and by_question == {question_id: 2}


def test_a_draft_is_taken_once_and_not_after_it_expires(
    engine: Engine, clock: ManualClock, two_groups: tuple[int, int, int]
) -> None:
    network_id, group_id, _ = two_groups
    details = QuestionDetails(group_id, "Paper 2 dip", "results-dip", "aqa")
    with unit_of_work(engine) as connection:
        for token, minutes in (("fresh", 60), ("stale", 1)):
            asking.add_draft(
                connection,
                network_id=network_id,
                token_hash=token,
                details=details,
                notify=True,
                expires_at=clock.now() + timedelta(minutes=minutes),
            )
    clock.advance(timedelta(minutes=5))
    with unit_of_work(engine) as connection:
        taken = asking.take_draft(connection, token_hash="fresh", now=clock.now())
        again = asking.take_draft(connection, token_hash="fresh", now=clock.now())
        stale = asking.take_draft(connection, token_hash="stale", now=clock.now())
        left = connection.execute(select(func.count()).select_from(asking.DRAFT)).scalar()
    assert taken is not None and taken.details == details and taken.notify
    assert again is None and stale is None and left == 0


def test_the_daily_count_adds_up_and_past_days_are_forgotten(
    engine: Engine, two_groups: tuple[int, int, int]
) -> None:
    network_id, _, _ = two_groups
    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    with unit_of_work(engine) as connection:
        for day in (monday, monday, tuesday):
            asking.count_ask(connection, network_id=network_id, day=day, person_hash="h")
        counts = [asking.asked_on(connection, day=d, person_hash="h") for d in (monday, tuesday)]
        asking.forget_quota_before(connection, day=tuesday)
        after = [asking.asked_on(connection, day=d, person_hash="h") for d in (monday, tuesday)]
    assert counts == [2, 1] and after == [0, 1]


def test_deleting_a_questions_notices_leaves_other_messages(
    engine: Engine, clock: ManualClock, two_groups: tuple[int, int, int]
) -> None:
    network_id, _, _ = two_groups
    keys = [
        store.notification_key(4, 1),
        store.notification_key(4, 2),
        store.notification_key(41, 3),
    ]
    with unit_of_work(engine) as connection:
        for key in [*keys, "question:4@console:w:c"]:
            outbox.enqueue(
                connection,
                message=OutboundMessage(
                    key=key,
                    network_id=network_id,
                    purpose="question.notify",
                    platform="console",
                    workspace="sealed",
                    user_id="sealed",
                    payload="{}",
                    due_at=clock.now(),
                ),
                now=clock.now(),
            )
        store.delete_notifications(connection, question_id=4)
        left = sorted(connection.execute(select(outbox.OUTBOX.c.key)).scalars())
    assert left == sorted([store.notification_key(41, 3), "question:4@console:w:c"])


def test_the_alert_is_recorded_once(
    engine: Engine, clock: ManualClock, two_groups: tuple[int, int, int]
) -> None:
    network_id, group_id, _ = two_groups
    with unit_of_work(engine) as connection:
        question_id = _ask(connection, network_id, group_id, "Paper 2 dip", clock)
        first = store.mark_alerted(connection, question_id=question_id, now=clock.now())
        second = store.mark_alerted(connection, question_id=question_id, now=clock.now())
    assert (first, second) == (True, False)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(st.characters(codec=None), max_size=300))
def test_searching_with_any_text_never_fails(
    engine: Engine, clock: ManualClock, two_groups: tuple[int, int, int], typed: str
) -> None:
    network_id, group_id, _ = two_groups
    with unit_of_work(engine) as connection:
        _ask(connection, network_id, group_id, f"Paper 2 boundaries {tidy_text(typed)}", clock)
        found = similar_questions(connection, network_id=network_id, text=typed)
        connection.rollback()
    assert len(found) <= 3
