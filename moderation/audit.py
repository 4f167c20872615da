"""The moderation audit log, blocked prompts kept for review, and deletion of a user's data on request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, CursorResult, delete, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from moderation.database import utcnow
from moderation.models import AuditEntryRow, BlockedPromptRow, LicenseAcceptanceRow
from moderation.pii import redact_pii

if TYPE_CHECKING:
    from moderation.screening import Verdict

log = logging.getLogger(__name__)


class AuditAction(StrEnum):
    """What an audit entry records."""

    POLICY_SET = "policy_set"
    POLICY_RESET = "policy_reset"
    TERMS_ADDED = "terms_added"
    TERMS_REMOVED = "terms_removed"
    PATTERNS_ADDED = "patterns_added"
    PATTERNS_REMOVED = "patterns_removed"
    USER_BANNED = "user_banned"
    USER_UNBANNED = "user_unbanned"
    PROMPT_BLOCKED = "prompt_blocked"
    IMAGE_WITHHELD = "image_withheld"
    IMAGE_SPOILERED = "image_spoilered"
    JOB_DELETED = "job_deleted"
    USER_PURGED = "user_purged"
    JOB_CANCELLED = "job_cancelled"


# Decisions the bot makes itself (their entries have no actor); every other action is a moderator's.
BOT_DECISIONS = frozenset(
    {AuditAction.PROMPT_BLOCKED, AuditAction.IMAGE_WITHHELD, AuditAction.IMAGE_SPOILERED}
)
# A purge of a moderator's data in a guild leaves who made these on record.
MODERATOR_DECISIONS = frozenset(set(AuditAction) - BOT_DECISIONS)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit log entry as read back."""

    id: int
    guild_id: int | None
    actor_id: int | None
    action: AuditAction
    target_user_id: int | None
    rule_id: str | None
    detail: str | dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditNote:
    """An entry to write along with another change (see `AuditLog.stage`)."""

    guild_id: int | None
    actor_id: int | None
    action: AuditAction
    target_user_id: int | None = None
    rule_id: str | None = None
    detail: str | dict[str, Any] = ""


@dataclass(frozen=True, slots=True)
class BlockedPrompt:
    """A blocked prompt kept for moderator review (until its retention runs out)."""

    user_id: int
    prompt: str
    negative_prompt: str
    rule_id: str
    category: str
    reason: str
    job_id: int | None
    created_at: datetime


def _entry(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        guild_id=row.guild_id,
        actor_id=row.actor_id,
        action=AuditAction(row.action),
        target_user_id=row.target_user_id,
        rule_id=row.rule_id,
        detail=row.detail,
        created_at=row.created_at,
    )


def rowcount(result: Any) -> int:
    """The number of rows a DELETE or UPDATE touched."""
    # DELETE and UPDATE return a CursorResult; its row count is what the statement touched.
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


class AuditLog:
    """Reads and writes the audit log and the blocked-prompt review queue."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory
        # Told of every entry `record` wrote (the bot posts some to the server's log channel). Entries
        # staged in another store's session are announced by their caller (`announce`), once that
        # session has committed.
        self.on_recorded: Callable[[AuditEntry], None] | None = None

    def stage(
        self,
        session: AsyncSession,
        *,
        guild_id: int | None,
        actor_id: int | None,
        action: AuditAction,
        target_user_id: int | None = None,
        rule_id: str | None = None,
        detail: str | dict[str, Any] = "",
    ) -> AuditEntryRow:
        """Add an entry to another store's `session`, so that it commits with the change it records."""
        row = AuditEntryRow(
            guild_id=guild_id,
            actor_id=actor_id,
            action=action.value,
            target_user_id=target_user_id,
            rule_id=rule_id,
            detail=detail,
            created_at=utcnow(),
        )
        session.add(row)
        return row

    def announce(self, row: AuditEntryRow) -> None:
        """Tell `on_recorded` of an entry written (a staged one, after its session committed)."""
        if self.on_recorded is None:
            return
        try:
            self.on_recorded(_entry(row))
        except Exception:
            # Telling others is a courtesy; the entry is written whatever happens to it.
            log.exception("announcing audit entry %s failed", row.id)

    async def record(
        self,
        *,
        guild_id: int | None,
        actor_id: int | None,
        action: AuditAction,
        target_user_id: int | None = None,
        rule_id: str | None = None,
        detail: str | dict[str, Any] = "",
    ) -> None:
        """Write one audit entry."""
        async with self._sessions() as session, session.begin():
            row = self.stage(
                session,
                guild_id=guild_id,
                actor_id=actor_id,
                action=action,
                target_user_id=target_user_id,
                rule_id=rule_id,
                detail=detail,
            )
        self.announce(row)

    async def recent(self, guild_id: int, limit: int = 20) -> list[AuditEntry]:
        """The guild's latest audit entries, newest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(AuditEntryRow)
                .where(AuditEntryRow.guild_id == guild_id)
                .order_by(AuditEntryRow.created_at.desc(), AuditEntryRow.id.desc())
                .limit(limit)
            )
            return [_entry(row) for row in rows]

    def stage_blocked_prompt(
        self,
        session: AsyncSession,
        guild_id: int | None,
        user_id: int,
        prompt: str,
        negative: str,
        verdict: Verdict,
        *,
        job_id: int | None = None,
    ) -> AuditEntryRow:
        """Keep a blocked prompt for moderator review, its personal data redacted, and note the block
        in the audit log, in `session`: the blocked job's own, so that the job and its review copy are
        on record together or not at all. The caller announces the returned entry once that session
        has committed."""
        if verdict.allowed or verdict.rule_id is None:
            raise ValueError("only blocked verdicts are recorded")
        session.add(
            BlockedPromptRow(
                guild_id=guild_id,
                user_id=user_id,
                # A prompt refused for a phone number must not keep it for the retention period,
                # nor show it to every moderator; what was asked around it is what they review.
                prompt=redact_pii(prompt),
                negative_prompt=redact_pii(negative),
                rule_id=verdict.rule_id,
                category=verdict.category or "",
                reason=verdict.reason or "",
                job_id=job_id,
                created_at=utcnow(),
            )
        )
        # The prompt itself stays in blocked_prompt, which is purged; the audit entry only says why.
        return self.stage(
            session,
            guild_id=guild_id,
            actor_id=None,
            action=AuditAction.PROMPT_BLOCKED,
            target_user_id=user_id,
            rule_id=verdict.rule_id,
            detail={"category": verdict.category, "hard_floor": verdict.hard_floor, "job": job_id},
        )

    async def blocked_prompts(self, guild_id: int, limit: int = 20) -> list[BlockedPrompt]:
        """The guild's latest blocked prompts for review, newest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(BlockedPromptRow)
                .where(BlockedPromptRow.guild_id == guild_id)
                .order_by(BlockedPromptRow.created_at.desc(), BlockedPromptRow.id.desc())
                .limit(limit)
            )
            return [
                BlockedPrompt(
                    user_id=row.user_id,
                    # Redacted again: rows written before redaction was done on writing keep the data.
                    prompt=redact_pii(row.prompt),
                    negative_prompt=redact_pii(row.negative_prompt),
                    rule_id=row.rule_id,
                    category=row.category,
                    reason=row.reason,
                    job_id=row.job_id,
                    created_at=row.created_at,
                )
                for row in rows
            ]

    async def purge_expired(self, retention_days: int) -> int:
        """Delete blocked prompts older than `retention_days`; return how many went."""
        cutoff = utcnow() - timedelta(days=retention_days)
        async with self._sessions() as session, session.begin():
            count = rowcount(
                await session.execute(delete(BlockedPromptRow).where(BlockedPromptRow.created_at < cutoff))
            )
        log.info("purged %d blocked prompts older than %d days", count, retention_days)
        return count

    async def delete_user_data(self, user_id: int, *, guild_id: int | None = None) -> int:
        """Erase what is kept about a user: acceptances and blocked prompts go, audit rows lose the id.

        With `guild_id` (a server's moderator purging a member) only that server's records are touched
        and license acceptances, which are not the server's, stay; nor does the purge erase who made
        that server's moderation decisions (a moderator purging themself would wipe their trail).
        Bans stay either way: they are the guild's moderation record, not data the user gave us.
        Returns the rows deleted or redacted.
        """
        in_guild_prompts: ColumnElement[bool] = BlockedPromptRow.user_id == user_id
        in_guild_audit: ColumnElement[bool] = true()
        as_actor: ColumnElement[bool] = true()
        if guild_id is not None:
            in_guild_prompts = in_guild_prompts & (BlockedPromptRow.guild_id == guild_id)
            in_guild_audit = AuditEntryRow.guild_id == guild_id
            as_actor = AuditEntryRow.action.not_in([action.value for action in MODERATOR_DECISIONS])
        statements = [
            delete(BlockedPromptRow).where(in_guild_prompts),
            update(AuditEntryRow)
            .where(AuditEntryRow.target_user_id == user_id, in_guild_audit)
            .values(target_user_id=None),
            update(AuditEntryRow)
            .where(AuditEntryRow.actor_id == user_id, in_guild_audit, as_actor)
            .values(actor_id=None),
        ]
        if guild_id is None:
            statements.append(delete(LicenseAcceptanceRow).where(LicenseAcceptanceRow.user_id == user_id))
        count = 0
        async with self._sessions() as session, session.begin():
            for statement in statements:
                count += rowcount(await session.execute(statement))
        log.info("deleted or redacted %d rows of user data", count)
        return count
