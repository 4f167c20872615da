"""job ids never reused: SQLite handed the id of an erased newest job to the next one

Revision ID: 0009_job_ids_never_reused
Revises: 0008_erasure
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0009_job_ids_never_reused"
down_revision = "0008_erasure"
branch_labels = None
depends_on = None

# A job id names the job's buttons in Discord, its image folder, and the job in the running process:
# a second job under the id of an erased one (/forget-me, /mod purge) got the first one's images, and
# the buttons of its old messages. SQLite without AUTOINCREMENT gives the next row the highest id in
# the table plus one; PostgreSQL's sequence never hands a number out twice, and needs nothing.


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("job", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("job", recreate="always"):
            pass
