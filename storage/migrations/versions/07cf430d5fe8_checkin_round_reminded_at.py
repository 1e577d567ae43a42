"""checkin_round.reminded_at: when the round's latest reminder went out, so that `checkin
remind` is refused for an hour after it (an hour, not a clock hour)

Revision ID: 07cf430d5fe8
Revises: 132124834716
Create Date: 2026-11-26 13:15:18.072397
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "07cf430d5fe8"
down_revision: str | None = "132124834716"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column: SQLite adds it in place (no table copy).
    with op.batch_alter_table("checkin_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("checkin_round", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
