"""platform_delivery: platform delivery ids (Slack's event_id) already handled, so that a
retry reaching another replica is handled once

Revision ID: 2abc003077d5
Revises: 07cf430d5fe8
Create Date: 2026-11-26 15:12:41.440065
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "2abc003077d5"
down_revision: str | None = "07cf430d5fe8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "platform_delivery",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("delivery_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("seen_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "delivery_id"),
    )
    with op.batch_alter_table("platform_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_delivery_seen_at"), ["seen_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("platform_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_delivery_seen_at"))
    op.drop_table("platform_delivery")
