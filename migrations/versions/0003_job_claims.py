"""job claims: which bot process runs a queued or running job, and until when

Revision ID: 0003_job_claims
Revises: 0002_moderation
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_job_claims"
down_revision = "0002_moderation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Jobs left unclaimed by earlier versions are free: the first process to look takes them over.
    op.add_column("job", sa.Column("claimed_by", sa.String(length=100), nullable=True))
    op.add_column("job", sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
