"""Keyed hashes and sealed addresses: what the database holds instead of who asked."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kernel.replies import Reply
from bot.privacy.anonymity import (
    InvalidToken,
    asker_hash,
    is_asker,
    metoo_person_hash,
    open_address,
    open_message,
    quota_hash,
    seal_address,
    seal_message,
)

SECRET = b"a-server-secret-of-some-length"
OTHER = b"another-server-secret-entirely"


def _decoded(token: str) -> bytes:
    return base64.urlsafe_b64decode(token)


def test_the_asker_is_recognised_and_nobody_else() -> None:
    stored = asker_hash(SECRET, question_id=12, person=str(7))
    assert is_asker(SECRET, stored, question_id=12, person=str(7))
    assert not is_asker(SECRET, stored, question_id=12, person=str(8))
    assert not is_asker(SECRET, stored, question_id=13, person=str(7))
    assert not is_asker(SECRET, None, question_id=12, person=str(7))


def test_without_the_secret_a_hash_cannot_be_recomputed() -> None:
    stored = asker_hash(SECRET, question_id=12, person=str(7))
    assert not is_asker(OTHER, stored, question_id=12, person=str(7))


def test_each_purpose_gives_unrelated_hashes() -> None:
    hashes = {
        asker_hash(SECRET, question_id=1, person=str(2)),
        metoo_person_hash(SECRET, question_id=1, person=str(2)),
        quota_hash(SECRET, network_id=1, person=str(2), day=date(2026, 11, 23)),
        quota_hash(SECRET, network_id=1, person=str(2), day=date(2026, 11, 24)),
    }
    assert len(hashes) == 4


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6))
def test_different_ids_never_collide(q1: int, m1: int, q2: int, m2: int) -> None:
    if (q1, m1) != (q2, m2):
        assert asker_hash(SECRET, question_id=q1, person=str(m1)) != asker_hash(
            SECRET, question_id=q2, person=str(m2)
        )


def test_a_sealed_address_opens_only_with_the_secret_and_shows_nothing() -> None:
    sealed = seal_address(SECRET, platform="slack", workspace="T024BE7LD", user_id="U0G9QF9C6")
    assert b"U0G9QF9C6" not in _decoded(sealed) and b"T024BE7LD" not in _decoded(sealed)
    assert open_address(SECRET, sealed) == ("slack", "T024BE7LD", "U0G9QF9C6")
    with pytest.raises(InvalidToken):
        open_address(OTHER, sealed)
    with pytest.raises(InvalidToken):
        open_address(SECRET, sealed[:-4] + "AAAA")


def test_sealing_the_same_address_twice_gives_different_text() -> None:
    first = seal_address(SECRET, platform="slack", workspace="T1", user_id="U1")
    assert first != seal_address(SECRET, platform="slack", workspace="T1", user_id="U1")


def test_a_sealed_message_carries_its_destination_and_reply() -> None:
    sealed = seal_address(SECRET, platform="discord", workspace="G1", user_id="42")
    payload = seal_message(SECRET, sealed, Reply.say("Someone replied to your question #3"))
    assert b"question #3" not in _decoded(payload)
    destination, reply = open_message(SECRET, payload)
    assert (destination.platform, destination.workspace, destination.user_id) == (
        "discord",
        "G1",
        "42",
    )
    assert destination.channel is None
    assert reply.fallback_text() == "Someone replied to your question #3"
