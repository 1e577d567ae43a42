"""check-in answers remember which version the leaders were told of
(checkin_answer.leaders_told_at), so the once-a-minute timer sends the private "asked for help"
notices instead of every red answer; the few answers not yet told indexed on their own

Revision ID: b41c7e2d9f05
Revises: 7d3c51e0a9b4
Create Date: 2026-12-03 15:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "b41c7e2d9f05"
down_revision: str | None = "7d3c51e0a9b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _to_tell(false: str) -> sa.TextClause:
    named_red = f"colour = 'red' AND anonymous IS {false}"
    return sa.text(
        f"{named_red} AND (leaders_told_at IS NULL OR leaders_told_at < changed_at) "
        f"OR leaders_told_at IS NOT NULL AND NOT ({named_red})"
    )


def upgrade() -> None:
    with op.batch_alter_table("checkin_answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("leaders_told_at", storage.types.UTCDateTime(), nullable=True)
        )
    op.create_index(
        "ix_checkin_answer_to_tell",
        "checkin_answer",
        ["round_id"],
        sqlite_where=_to_tell("0"),
        postgresql_where=_to_tell("false"),
    )


def downgrade() -> None:
    op.drop_index("ix_checkin_answer_to_tell", table_name="checkin_answer")
    with op.batch_alter_table("checkin_answer", schema=None) as batch_op:
        batch_op.drop_column("leaders_told_at")
