"""Anonymous question tables: questions, the asker's follow-ups, named replies, "me too"
marks, drafts awaiting confirmation, the per-day asking quota, and the network's settings.

No table here holds a member id, name, school id or platform id tied to a question (a
member's hash salt is tied to them, and to no question): the asker
is represented only by a keyed hash (`asker_hash`), me-toos by keyed hashes of the person and
the school, and the opt-in notification address only encrypted (`notify_sealed`). Replies are
the exception on purpose: they are posted under their writer's name, so they carry it.

Full-text search (an SQLite FTS5 table, a PostgreSQL GIN index) is written by hand in the
migration; see `storage.migrate.HAND_WRITTEN`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.tables.columns import foreign_key, utc_column

HASH_LENGTH = 64  # hex SHA-256


class Question(SQLModel, table=True):
    """An anonymous question, numbered within its network ("Anonymous question #12")."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("network_id", "number"),
        Index("ix_question_group", "group_id", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id", index=False)
    group_id: int = foreign_key("subject_group.id", index=False)
    number: int
    text: str = Field(sa_type=Text)
    category: str = Field(max_length=24)
    board: str = Field(default="", max_length=24)
    qualification: str = Field(default="", max_length=80)
    paper: str = Field(default="", max_length=80)
    # HMAC(secret, question id + member id); cleared when the question is resolved.
    asker_hash: str | None = Field(default=None, max_length=HASH_LENGTH)
    # The asker's opt-in address for reply notifications, encrypted; deleted on resolve, on
    # hide, or when `notify_until` passes.
    notify_sealed: str | None = Field(default=None, sa_type=Text)
    notify_until: datetime | None = utc_column(nullable=True)
    resolved_at: datetime | None = utc_column(nullable=True)
    resolution: str = Field(default="", max_length=500)
    hidden_at: datetime | None = utc_column(nullable=True)
    hidden_reason: str = Field(default="", max_length=200)
    alerted_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()


class QuestionFollowup(SQLModel, table=True):
    """Something the anonymous asker added to their question (stored without them)."""

    __tablename__ = "question_followup"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = foreign_key("question.id")
    text: str = Field(sa_type=Text)
    created_at: datetime = utc_column()


class QuestionReply(SQLModel, table=True):
    """A reply to a question, posted under its writer's name (theirs to export and erase)."""

    __tablename__ = "question_reply"

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = foreign_key("question.id")
    member_id: int = foreign_key("member.id")
    text: str = Field(sa_type=Text)
    created_at: datetime = utc_column()


class QuestionMeToo(SQLModel, table=True):
    """One "me too": keyed hashes of who pressed it (to count a person once) and of their
    school (to count schools). Neither can be tested without the server secret.

    On SQLite the table has no rowid, so rows are stored in the order of their (random-looking)
    person hashes, never in the order they were pressed; PostgreSQL's daily upkeep rewrites it
    in that order too (`storage.scrub`)."""

    __tablename__ = "question_metoo"
    __table_args__ = {"sqlite_with_rowid": False}

    question_id: int = Field(foreign_key="question.id", primary_key=True, ondelete="CASCADE")
    person_hash: str = Field(primary_key=True, max_length=HASH_LENGTH)
    school_hash: str = Field(max_length=HASH_LENGTH)


class MemberKey(SQLModel, table=True):
    """A member's random salt for keyed hashes (`storage.member_keys`); goes with the member."""

    __tablename__ = "member_key"

    member_id: int = Field(foreign_key="member.id", primary_key=True, ondelete="CASCADE")
    salt: str = Field(max_length=32)


class QuestionDraft(SQLModel, table=True):
    """A question waiting for its asker to confirm it after seeing similar ones.

    Only a hash of the one-time token given to the asker is kept; the draft is deleted when
    posted, cancelled or an hour old.
    """

    __tablename__ = "question_draft"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = foreign_key("network.id")
    group_id: int = foreign_key("subject_group.id", index=False)
    token_hash: str = Field(max_length=HASH_LENGTH, unique=True)
    text: str = Field(sa_type=Text)
    category: str = Field(max_length=24)
    board: str = Field(default="", max_length=24)
    qualification: str = Field(default="", max_length=80)
    paper: str = Field(default="", max_length=80)
    notify: bool = Field(default=False)
    expires_at: datetime = utc_column()


class QuestionQuota(SQLModel, table=True):
    """How many anonymous questions one (hashed) person asked on one local day; rows of past
    days are deleted."""

    __tablename__ = "question_quota"

    day: date = Field(primary_key=True)
    person_hash: str = Field(primary_key=True, max_length=HASH_LENGTH)
    network_id: int = foreign_key("network.id")
    asked: int = Field(default=0)


class QuestionSettings(SQLModel, table=True):
    """A network's settings for anonymous questions (defaults apply when there is no row)."""

    __tablename__ = "question_settings"

    network_id: int = Field(foreign_key="network.id", primary_key=True, ondelete="CASCADE")
    alert_schools: int = Field(default=3)
    daily_limit: int = Field(default=3)
