"""job store: job and job_image

Revision ID: 0001_jobs
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_jobs"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_job_id", sa.Integer(), nullable=True),
        sa.Column("parent_image_index", sa.Integer(), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("init_image_path", sa.String(length=500), nullable=True),
        sa.Column("channel_age_restricted", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("interaction_token", sa.Text(), nullable=True),
        sa.Column("interaction_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_job_id"], ["job.id"], name="fk_job_parent_job_id_job", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_job"),
    )
    op.create_index("ix_job_status", "job", ["status"])
    op.create_index("ix_job_user_id_created_at", "job", ["user_id", "created_at"])
    op.create_index("ix_job_guild_id_status", "job", ["guild_id", "status"])
    op.create_table(
        "job_image",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name="fk_job_image_job_id_job", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_job_image"),
    )
    op.create_index("uq_job_image_job_id_index", "job_image", ["job_id", "index"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_job_image_job_id_index", table_name="job_image")
    op.drop_table("job_image")
    op.drop_index("ix_job_guild_id_status", table_name="job")
    op.drop_index("ix_job_user_id_created_at", table_name="job")
    op.drop_index("ix_job_status", table_name="job")
    op.drop_table("job")
