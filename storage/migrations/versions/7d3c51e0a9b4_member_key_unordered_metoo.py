"""member_key: each member's random salt for keyed hashes (deleted with them, so an erasure
unties their hashes without touching any question row); question_metoo without a rowid on
SQLite, so its rows keep no order of pressing

Members who exist already get an empty salt: their hashes stay the ones computed before.

Revision ID: 7d3c51e0a9b4
Revises: 522ff29ddd13
Create Date: 2026-12-02 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "7d3c51e0a9b4"
down_revision: str | None = "522ff29ddd13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "member_key",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("salt", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.execute("INSERT INTO member_key (member_id, salt) SELECT id, '' FROM member")
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_metoo(with_rowid=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_metoo(with_rowid=True)
    op.drop_table("member_key")


def _rebuild_metoo(*, with_rowid: bool) -> None:
    """SQLite cannot change a table's rowid in place: copy it into a new one."""
    op.create_table(
        "question_metoo_new",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("person_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("school_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("question_id", "person_hash"),
        sqlite_with_rowid=with_rowid,
    )
    op.execute(
        "INSERT INTO question_metoo_new (question_id, person_hash, school_hash) "
        "SELECT question_id, person_hash, school_hash FROM question_metoo ORDER BY person_hash"
    )
    op.drop_table("question_metoo")
    op.rename_table("question_metoo_new", "question_metoo")
