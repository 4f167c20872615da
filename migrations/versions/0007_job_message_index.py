"""job message index: a reaction names only its message, and the job is found by it

Revision ID: 0007_job_message_index
Revises: 0006_job_undeliverable
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0007_job_message_index"
down_revision = "0006_job_undeliverable"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_job_message_id", "job", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_job_message_id", table_name="job")
