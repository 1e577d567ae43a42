"""Meeting tables: a meeting (one-off or a series), its sessions (each occurrence, with its own
state), who said they would come to each session, and the reflections written afterwards.

Sessions are stored, not computed on the fly: each has its own RSVPs, reminders, moves,
cancellations and reflections, and the `.ics` file is built from them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key, utc_column


class Meeting(SQLModel, table=True):
    """What a group leader scheduled: title, rule, place, reminders.

    `uid` is the calendar UID (stable for the meeting's life); `sequence` is the calendar
    SEQUENCE, increased whenever a session moves or is cancelled. `freq` is "once", "weekly"
    (every `interval` weeks) or "monthly" (on the `nth` weekday of the first session's date,
    -1 for the last). `reminders` lists offsets before the start in minutes, e.g. "1440,60".
    """

    __tablename__ = "meeting"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    group_id: int = foreign_key("subject_group.id")
    uid: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=100)
    timezone: str = Field(max_length=64)
    freq: str = Field(max_length=16)
    interval: int = Field(default=1)
    nth: int | None = Field(default=None)
    duration_minutes: int
    place: str = Field(default="", max_length=200)
    link: str = Field(default="", max_length=300)
    reminders: str = Field(default="", max_length=100)
    sequence: int = Field(default=0)
    created_by: int | None = foreign_key("member.id", nullable=True, cascade=False)
    created_at: datetime = utc_column()
    cancelled_at: datetime | None = utc_column(nullable=True)


class MeetingSession(SQLModel, table=True):
    """One occurrence of a meeting.

    `original_start` never changes (it is the calendar RECURRENCE-ID); `starts_at` moves with
    the session. `status` is "scheduled", "cancelled" or "skipped" (a holiday, named in
    `note`). `revision` counts moves and is part of the keys of the session's reminders, so a
    moved session's reminders are new work rather than repeats of the old.
    """

    __tablename__ = "meeting_session"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        Index("ix_meeting_session_starts", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = foreign_key("meeting.id")
    number: int
    original_start: datetime = utc_column()
    starts_at: datetime = utc_column()
    ends_at: datetime = utc_column()
    status: str = Field(default="scheduled", max_length=16)
    note: str = Field(default="", max_length=60)
    revision: int = Field(default=0)


class MeetingRsvp(SQLModel, table=True):
    """A member's answer for one session: "going", "maybe" or "no"."""

    __tablename__ = "meeting_rsvp"

    session_id: int = Field(foreign_key="meeting_session.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(
        foreign_key="member.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    answer: str = Field(max_length=8)
    answered_at: datetime = utc_column()


class MeetingReflection(SQLModel, table=True):
    """What a member took from a session, and whether they attended.

    `shared` marks the reflection as a highlight the network may see (digests, summaries).
    """

    __tablename__ = "meeting_reflection"

    session_id: int = Field(foreign_key="meeting_session.id", primary_key=True, ondelete="CASCADE")
    member_id: int = Field(
        foreign_key="member.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    achieved: str = Field(default="", max_length=1000)
    benefit: str = Field(default="", max_length=1000)
    next_step: str = Field(default="", max_length=1000)
    shared: bool = Field(default=False)
    attended: bool = Field(default=False)
    written_at: datetime = utc_column()
