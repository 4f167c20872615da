"""ORM tables of the moderation package. Datetimes are timezone-aware (UTC) on every backend."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from moderation.database import Base, UserText, utcnow

# Discord ids are 64-bit. SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
_SnowflakeId = BigInteger
_RowId = BigInteger().with_variant(Integer(), "sqlite")


class GuildPolicyRow(Base):
    """A guild's policy as JSON (the fields of `GuildPolicy`); no row means the defaults."""

    __tablename__ = "guild_policy"

    guild_id: Mapped[int] = mapped_column(_SnowflakeId, primary_key=True, autoincrement=False)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    # Bumped on every change; an update that finds another version lost a race and is retried.
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(_SnowflakeId)


class UserBanRow(Base):
    """A user's ban from generating in one guild; lifting it deletes the row (the audit log keeps it)."""

    __tablename__ = "user_ban"

    guild_id: Mapped[int] = mapped_column(_SnowflakeId, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(_SnowflakeId, primary_key=True, autoincrement=False)
    reason: Mapped[str] = mapped_column(UserText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int] = mapped_column(_SnowflakeId)
    expires_at: Mapped[datetime | None]


class LicenseAcceptanceRow(Base):
    """A user's acceptance of one version of a model license."""

    __tablename__ = "license_acceptance"

    user_id: Mapped[int] = mapped_column(_SnowflakeId, primary_key=True, autoincrement=False)
    license_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    license_version: Mapped[str] = mapped_column(String(32), primary_key=True)
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntryRow(Base):
    """One moderation event: a policy change, a ban, a blocked prompt, a withheld image."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_guild_id_created_at", "guild_id", "created_at"),)

    id: Mapped[int] = mapped_column(_RowId, primary_key=True, autoincrement=True)
    # None for events outside a guild (direct messages).
    guild_id: Mapped[int | None] = mapped_column(_SnowflakeId)
    # None when the actor is the bot itself or the actor's data was deleted on request.
    actor_id: Mapped[int | None] = mapped_column(_SnowflakeId)
    action: Mapped[str] = mapped_column(String(32))
    target_user_id: Mapped[int | None] = mapped_column(_SnowflakeId, index=True)
    rule_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[Any] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class BlockedPromptRow(Base):
    """A blocked prompt, kept for moderator review until the retention period ends."""

    __tablename__ = "blocked_prompt"

    id: Mapped[int] = mapped_column(_RowId, primary_key=True, autoincrement=True)
    guild_id: Mapped[int | None] = mapped_column(_SnowflakeId, index=True)
    user_id: Mapped[int] = mapped_column(_SnowflakeId, index=True)
    prompt: Mapped[str] = mapped_column(UserText)
    negative_prompt: Mapped[str] = mapped_column(UserText)
    rule_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(UserText)
    # The generation job recorded for the refusal, if any; no foreign key, as moderation owns no jobs.
    job_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


MODERATION_TABLES = (
    GuildPolicyRow.__table__,
    UserBanRow.__table__,
    LicenseAcceptanceRow.__table__,
    AuditEntryRow.__table__,
    BlockedPromptRow.__table__,
)
