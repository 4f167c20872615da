"""Per-guild bans from generating, with optional expiry."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from moderation.audit import AuditAction, AuditLog
from moderation.database import utcnow
from moderation.errors import UserBanned
from moderation.models import UserBanRow

log = logging.getLogger(__name__)

MAX_REASON_CHARS = 500


@dataclass(frozen=True, slots=True)
class Ban:
    """A user's ban in one guild."""

    guild_id: int
    user_id: int
    reason: str
    created_at: datetime
    created_by: int
    expires_at: datetime | None

    def is_active(self, now: datetime) -> bool:
        """Whether the ban still holds at `now`."""
        return self.expires_at is None or self.expires_at > now


def _to_ban(row: UserBanRow) -> Ban:
    return Ban(
        guild_id=row.guild_id,
        user_id=row.user_id,
        reason=row.reason,
        created_at=row.created_at,
        created_by=row.created_by,
        expires_at=row.expires_at,
    )


class BanStore:
    """Bans users in a guild; every ban and unban is written with its audit entry."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], audit: AuditLog | None = None
    ) -> None:
        self._sessions = session_factory
        self._audit = audit or AuditLog(session_factory)

    async def ban(
        self, guild_id: int, user_id: int, *, reason: str, expires_at: datetime | None, actor_id: int
    ) -> Ban:
        """Ban a user, or replace an existing ban's reason and expiry; `expires_at=None` never expires."""
        reason = reason.strip()
        if len(reason) > MAX_REASON_CHARS:
            raise ValueError(f"a ban reason is at most {MAX_REASON_CHARS} characters")
        if expires_at is not None:
            if expires_at.tzinfo is None:
                raise ValueError("expires_at must be timezone-aware")
            if expires_at <= utcnow():
                raise ValueError("expires_at is in the past")
        for attempt in range(2):
            try:
                async with self._sessions() as session, session.begin():
                    row = await session.get(UserBanRow, (guild_id, user_id), with_for_update=True)
                    if row is None:
                        row = UserBanRow(guild_id=guild_id, user_id=user_id)
                        session.add(row)
                    row.reason, row.expires_at = reason, expires_at
                    row.created_at, row.created_by = utcnow(), actor_id
                    self._audit.stage(
                        session,
                        guild_id=guild_id,
                        actor_id=actor_id,
                        action=AuditAction.USER_BANNED,
                        target_user_id=user_id,
                        detail={
                            "reason": reason,
                            "expires_at": expires_at.isoformat() if expires_at else None,
                        },
                    )
                    ban = _to_ban(row)
                log.info("guild %d: user %d banned by %d", guild_id, user_id, actor_id)
                return ban
            except IntegrityError:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def unban(self, guild_id: int, user_id: int, *, actor_id: int) -> bool:
        """Lift a user's ban; False when there was none."""
        async with self._sessions() as session, session.begin():
            row = await session.get(UserBanRow, (guild_id, user_id), with_for_update=True)
            if row is None:
                return False
            await session.delete(row)
            if not _to_ban(row).is_active(utcnow()):
                return False  # it ran out by itself: nothing is lifted, nothing to audit
            self._audit.stage(
                session,
                guild_id=guild_id,
                actor_id=actor_id,
                action=AuditAction.USER_UNBANNED,
                target_user_id=user_id,
            )
        log.info("guild %d: user %d unbanned by %d", guild_id, user_id, actor_id)
        return True

    async def active_ban(self, guild_id: int, user_id: int) -> Ban | None:
        """The user's ban in the guild if it still holds; expired bans are inactive."""
        async with self._sessions() as session:
            row = await session.get(UserBanRow, (guild_id, user_id))
            if row is None:
                return None
            ban = _to_ban(row)
            return ban if ban.is_active(utcnow()) else None

    async def active_bans(self, guild_id: int) -> list[Ban]:
        """Every ban that still holds in the guild, newest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(UserBanRow)
                .where(
                    UserBanRow.guild_id == guild_id,
                    or_(UserBanRow.expires_at.is_(None), UserBanRow.expires_at > utcnow()),
                )
                .order_by(UserBanRow.created_at.desc())
            )
            return [_to_ban(row) for row in rows]

    async def check(self, guild_id: int, user_id: int) -> None:
        """Raise `UserBanned` when the user is banned in the guild."""
        ban = await self.active_ban(guild_id, user_id)
        if ban is not None:
            raise UserBanned(ban.reason, ban.expires_at)
