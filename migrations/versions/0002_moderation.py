"""moderation: guild_policy, user_ban, license_acceptance, audit_entry, blocked_prompt

Revision ID: 0002_moderation
Revises: 0001_jobs
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_moderation"
down_revision = "0001_jobs"
branch_labels = None
depends_on = None

# SQLite auto-increments only a column declared exactly INTEGER PRIMARY KEY.
_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "guild_policy",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("guild_id", name="pk_guild_policy"),
    )
    op.create_table(
        "user_ban",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name="pk_user_ban"),
    )
    op.create_table(
        "license_acceptance",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("license_id", sa.String(length=64), nullable=False),
        sa.Column("license_version", sa.String(length=32), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "license_id", "license_version", name="pk_license_acceptance"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target_user_id", sa.BigInteger(), nullable=True),
        sa.Column("rule_id", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_created_at", "audit_entry", ["created_at"])
    op.create_index("ix_audit_entry_target_user_id", "audit_entry", ["target_user_id"])
    op.create_index("ix_audit_entry_guild_id_created_at", "audit_entry", ["guild_id", "created_at"])
    op.create_table(
        "blocked_prompt",
        sa.Column("id", _ROW_ID, autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("negative_prompt", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_blocked_prompt"),
    )
    op.create_index("ix_blocked_prompt_guild_id", "blocked_prompt", ["guild_id"])
    op.create_index("ix_blocked_prompt_user_id", "blocked_prompt", ["user_id"])
    op.create_index("ix_blocked_prompt_created_at", "blocked_prompt", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_blocked_prompt_created_at", table_name="blocked_prompt")
    op.drop_index("ix_blocked_prompt_user_id", table_name="blocked_prompt")
    op.drop_index("ix_blocked_prompt_guild_id", table_name="blocked_prompt")
    op.drop_table("blocked_prompt")
    op.drop_index("ix_audit_entry_guild_id_created_at", table_name="audit_entry")
    op.drop_index("ix_audit_entry_target_user_id", table_name="audit_entry")
    op.drop_index("ix_audit_entry_created_at", table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_table("license_acceptance")
    op.drop_table("user_ban")
    op.drop_table("guild_policy")
