"""unbounded model names and image paths: PostgreSQL enforces a VARCHAR's length, SQLite never did

Revision ID: 0005_unbounded_paths
Revises: 0004_job_reply_message
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_unbounded_paths"
down_revision = "0004_job_reply_message"
branch_labels = None
depends_on = None

# job.model holds a local folder or Hugging Face id from `imagine-bot generate --model`; the paths
# sit under GENERATION_IMAGE_DIR, as long as the operator made it.
_COLUMNS = (
    ("job", "model", 200, False),
    ("job", "init_image_path", 500, True),
    ("job_image", "path", 500, True),
)


def upgrade() -> None:
    for table, column, length, nullable in _COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, existing_type=sa.String(length=length), type_=sa.Text(), existing_nullable=nullable
            )


def downgrade() -> None:
    # Values longer than the old limits would not fit: they are cut, as the old columns could not hold them.
    for table, column, length, nullable in _COLUMNS:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f'UPDATE {table} SET "{column}" = left("{column}", {length})')
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                column, existing_type=sa.Text(), type_=sa.String(length=length), existing_nullable=nullable
            )
