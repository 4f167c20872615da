"""job reply message: the interaction's own message, for whoever finishes the job after its token ran out

Revision ID: 0004_job_reply_message
Revises: 0003_job_claims
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_job_reply_message"
down_revision = "0003_job_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("job", sa.Column("reply_message_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("reply_message_id")
