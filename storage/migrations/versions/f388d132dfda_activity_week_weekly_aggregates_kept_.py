"""activity_week: weekly aggregates kept after retention and erasure

Revision ID: f388d132dfda
Revises: 27e4d715f7ae
Create Date: 2026-11-26 11:39:08.026438
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f388d132dfda"
down_revision: str | None = "27e4d715f7ae"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_week",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("active_members", sa.Integer(), nullable=False),
        sa.Column("carried_messages", sa.Integer(), nullable=False),
        sa.Column("carried_members", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["subject_group.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("activity_week", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_week_group_id"), ["group_id"], unique=False)
        batch_op.create_index("ix_activity_week_network_week", ["network_id", "week"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("activity_week", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_week_network_week")
        batch_op.drop_index(batch_op.f("ix_activity_week_group_id"))

    op.drop_table("activity_week")
