"""job undeliverable: Discord refused a result for good (the channel is gone, or the bot may not post there)

Revision ID: 0006_job_undeliverable
Revises: 0005_unbounded_paths
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_job_undeliverable"
down_revision = "0005_unbounded_paths"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("job", sa.Column("undeliverable_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("undeliverable_at")
