"""Check-in tables: rounds, the answers to them, the pairings suggested at close, weekly
cadences that open rounds, and each member's "don't pair me" preference."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Index, UniqueConstraint, literal_column, or_
from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key, utc_column


class CheckinCadence(SQLModel, table=True):
    """A weekly check-in: on `weekday` at `at_time` local time in `timezone`."""

    __tablename__ = "checkin_cadence"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    group_id: int = foreign_key("subject_group.id")
    weekday: int  # 0 = Monday
    at_time: time
    timezone: str = Field(max_length=64)
    prompt: str = Field(max_length=300)
    open_minutes: int
    created_by: int | None = foreign_key("member.id", nullable=True, cascade=False)
    created_at: datetime = utc_column()
    stopped_at: datetime | None = utc_column(nullable=True)


class CheckinRound(SQLModel, table=True):
    """One round of a group's check-in.

    `open_group_id` equals `group_id` while the round is open and is NULL once it closes; its
    unique constraint is what makes "one open round per group" hold under concurrency.
    """

    __tablename__ = "checkin_round"
    __table_args__ = (Index("ix_checkin_round_group_opened", "group_id", "opened_at"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    group_id: int = foreign_key("subject_group.id", index=False)
    open_group_id: int | None = Field(default=None, unique=True)
    prompt: str = Field(max_length=300)
    opened_by: int | None = foreign_key("member.id", nullable=True, cascade=False)
    cadence_id: int | None = foreign_key("checkin_cadence.id", nullable=True, cascade=False)
    opened_at: datetime = utc_column()
    closes_at: datetime | None = utc_column(nullable=True)
    closed_at: datetime | None = utc_column(nullable=True)
    introduced_at: datetime | None = utc_column(nullable=True)
    reminded_at: datetime | None = utc_column(nullable=True)  # the latest reminder to answer
    # Set by the first answer since the last minute that changes the counts or asks for help by
    # name (or did); the round's once-a-minute timer (`bot.checkins.on_the_minute`) edits the
    # message, tells the leaders and clears it.
    counts_changed_at: datetime | None = utc_column(nullable=True)


class CheckinAnswer(SQLModel, table=True):
    """A member's latest answer to a round.

    An anonymous answer is linked to its member only while the round is open (so they can
    change it); closing the round detaches it and drops its note, keeping just the colour.
    """

    __tablename__ = "checkin_answer"
    __table_args__ = (UniqueConstraint("round_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = foreign_key("checkin_round.id", index=False)
    member_id: int | None = foreign_key("member.id", nullable=True, cascade=False)
    colour: str = Field(max_length=8)
    note: str | None = Field(default=None, max_length=500)
    anonymous: bool = Field(default=False)
    answered_at: datetime = utc_column()
    changed_at: datetime = utc_column()
    # The `changed_at` of the red answer by name the leaders were last told of (NULL: they hold
    # no notice naming this member); the round's minute timer tells them of every later change.
    leaders_told_at: datetime | None = utc_column(nullable=True)


TOLD_COLOUR = "red"  # the answer the leaders are told of, by name
_answer = CheckinAnswer.__table__.c  # type: ignore[attr-defined]
# A literal, not a bound value: SQLite uses a partial index only for a query whose WHERE
# repeats the index's own terms.
_NAMED_RED = (_answer.colour == literal_column(f"'{TOLD_COLOUR}'")) & _answer.anonymous.is_(False)
LEADERS_TO_TELL = or_(
    _NAMED_RED
    & or_(_answer.leaders_told_at.is_(None), _answer.leaders_told_at < _answer.changed_at),
    _answer.leaders_told_at.is_not(None) & ~_NAMED_RED,
)
"""The answers the round's leaders have not heard the latest of: red by name since they were
told (or never told), or no longer that after they were told. Few at any time, and indexed on
their own, so the minute's pass reads those and not the whole round."""
Index(
    "ix_checkin_answer_to_tell",
    _answer.round_id,
    sqlite_where=LEADERS_TO_TELL,
    postgresql_where=LEADERS_TO_TELL,
)


class CheckinPairing(SQLModel, table=True):
    """A suggested group of people to introduce after a round (`group_no` numbers the groups)."""

    __tablename__ = "checkin_pairing"

    round_id: int = Field(foreign_key="checkin_round.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(
        foreign_key="member.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    group_no: int


class CheckinPreference(SQLModel, table=True):
    """A member's check-in choices; today only whether they may be paired."""

    __tablename__ = "checkin_preference"

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    no_pairing: bool = Field(default=False)
    updated_at: datetime = utc_column()
