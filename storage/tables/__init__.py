"""All tables, imported together so `SQLModel.metadata` is complete for Alembic and tests."""

from sqlalchemy import Table
from sqlmodel import SQLModel

from storage.tables.activity import ActivityDay, ActivityWeek
from storage.tables.calendar import CalendarPeriod
from storage.tables.checkins import (
    CheckinAnswer,
    CheckinCadence,
    CheckinPairing,
    CheckinPreference,
    CheckinRound,
)
from storage.tables.deliveries import PlatformDelivery
from storage.tables.digests import DigestSetting
from storage.tables.directory import (
    Identity,
    Member,
    Network,
    School,
    Workspace,
    WorkspaceInvite,
)
from storage.tables.groups import GroupChannel, Membership, SubjectGroup
from storage.tables.meetings import Meeting, MeetingReflection, MeetingRsvp, MeetingSession
from storage.tables.outbox import OutboxMessage
from storage.tables.questions import (
    MemberKey,
    Question,
    QuestionDraft,
    QuestionFollowup,
    QuestionMeToo,
    QuestionQuota,
    QuestionReply,
    QuestionSettings,
)
from storage.tables.slack_installations import SlackInstallation, SlackOAuthState
from storage.tables.timers import Timer

__all__ = [
    "ActivityDay",
    "ActivityWeek",
    "CalendarPeriod",
    "CheckinAnswer",
    "CheckinCadence",
    "CheckinPairing",
    "CheckinPreference",
    "CheckinRound",
    "DigestSetting",
    "GroupChannel",
    "Identity",
    "Meeting",
    "MeetingReflection",
    "MeetingRsvp",
    "MeetingSession",
    "Member",
    "MemberKey",
    "Membership",
    "Network",
    "OutboxMessage",
    "PlatformDelivery",
    "Question",
    "QuestionDraft",
    "QuestionFollowup",
    "QuestionMeToo",
    "QuestionQuota",
    "QuestionReply",
    "QuestionSettings",
    "School",
    "SlackInstallation",
    "SlackOAuthState",
    "SubjectGroup",
    "Timer",
    "Workspace",
    "WorkspaceInvite",
]


def table(name: str) -> Table:
    """The Core `Table` behind a model, for prebuilt statements in the query modules."""
    return SQLModel.metadata.tables[name]


def _never_reuse_ids() -> None:
    """SQLite hands a deleted row's id to the next row unless a table says AUTOINCREMENT.
    Ids end up in idempotency keys and keyed hashes (an erased member's id reused would make
    a newcomer the 'asker' of their anonymous questions), so no surrogate id is ever reused."""
    for each in SQLModel.metadata.tables.values():
        key = list(each.primary_key.columns)
        if len(key) == 1 and key[0].name == "id":
            each.dialect_options["sqlite"]["autoincrement"] = True


_never_reuse_ids()
