"""erasure: a member's erasure, kept briefly so that requests other processes were still checking
then store nothing

Revision ID: 0008_erasure
Revises: 0007_job_message_index
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_erasure"
down_revision = "0007_job_message_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_erasure"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_erasure_user_id", "erasure", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_erasure_user_id", table_name="erasure")
    op.drop_table("erasure")
