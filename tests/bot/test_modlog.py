"""The moderation log channel without Discord: a stalled channel cannot hold a shutdown up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from bot import modlog
from bot.modlog import ModerationLogChannel
from moderation.audit import AuditAction, AuditEntry
from moderation.policy import GuildPolicy


class StalledChannel:
    """A channel Discord keeps rate-limiting: a post never gets through."""

    async def send(self, _text: str, **_: Any) -> None:
        await asyncio.sleep(3600)


async def test_a_stalled_log_channel_does_not_hold_up_the_shutdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modlog, "CLOSE_GRACE_S", 0.1)

    async def policy(_guild_id: int) -> GuildPolicy:
        return GuildPolicy(log_channel_id=555)

    bot = SimpleNamespace(
        services=SimpleNamespace(policies=SimpleNamespace(get=policy)),
        get_partial_messageable=lambda _channel_id: StalledChannel(),
    )
    channel = ModerationLogChannel(bot)  # type: ignore[arg-type]
    channel.on_recorded(
        AuditEntry(
            id=1,
            guild_id=1,
            actor_id=None,
            action=AuditAction.PROMPT_BLOCKED,
            target_user_id=42,
            rule_id="floor.pii",
            detail={"category": "pii"},
            created_at=datetime.now(UTC),
        )
    )
    await asyncio.sleep(0)
    await asyncio.wait_for(channel.close(), 5)
