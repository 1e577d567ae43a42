"""check-in counts mark (checkin_round.counts_changed_at), so the once-a-minute timer edits the
round message instead of every answer; membership indexed by group and role, so a group's
leaders are found without reading the whole group

Revision ID: 522ff29ddd13
Revises: 6ad30330c2b5
Create Date: 2026-12-02 14:50:34.633332
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "522ff29ddd13"
down_revision: str | None = "6ad30330c2b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkin_round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("counts_changed_at", storage.types.UTCDateTime(), nullable=True)
        )

    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index("ix_membership_group_role", ["group_id", "role"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index("ix_membership_group_role")

    with op.batch_alter_table("checkin_round", schema=None) as batch_op:
        batch_op.drop_column("counts_changed_at")
