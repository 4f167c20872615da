"""job from upload: made from a member's uploaded picture, or from an image that was

Revision ID: 0010_job_from_upload
Revises: 0009_job_ids_never_reused
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_job_from_upload"
down_revision = "0009_job_ids_never_reused"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("job", sa.Column("from_upload", sa.Boolean(), nullable=False, server_default=sa.false()))
    # The jobs made so far: every img2img job, and every rerun, variation or upscale down from one.
    op.execute(
        "WITH RECURSIVE from_upload(id) AS ("
        " SELECT id FROM job WHERE kind = 'img2img'"
        " UNION SELECT job.id FROM job JOIN from_upload ON job.parent_job_id = from_upload.id"
        ") UPDATE job SET from_upload = true WHERE id IN (SELECT id FROM from_upload)"
    )


def downgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.drop_column("from_upload")
