"""The moderation log channel without Discord: order, independence of servers, a stalled channel."""

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


class Channel:
    """A log channel that records what reaches it; its first posts may be slow, or never get through."""

    def __init__(self, delays: list[float] | None = None) -> None:
        self.sent: list[str] = []
        self.delays = delays or []

    async def send(self, text: str, **_: Any) -> None:
        if self.delays:
            await asyncio.sleep(self.delays.pop(0))
        self.sent.append(text)


def log_for(channels: dict[int, Channel]) -> ModerationLogChannel:
    """A log whose server N logs to channel N."""

    async def policy(guild_id: int) -> GuildPolicy:
        return GuildPolicy(log_channel_id=guild_id)

    bot = SimpleNamespace(
        services=SimpleNamespace(policies=SimpleNamespace(get=policy)),
        get_partial_messageable=lambda channel_id: channels[channel_id],
    )
    return ModerationLogChannel(bot)  # type: ignore[arg-type]


def refused(guild_id: int, user_id: int) -> AuditEntry:
    return AuditEntry(
        id=user_id,
        guild_id=guild_id,
        actor_id=None,
        action=AuditAction.PROMPT_BLOCKED,
        target_user_id=user_id,
        rule_id="floor.pii",
        detail={"category": "pii"},
        created_at=datetime.now(UTC),
    )


async def test_a_servers_entries_reach_its_channel_in_order_and_a_slow_one_holds_no_other_up() -> None:
    slow, quick = Channel(delays=[0.2]), Channel()
    log = log_for({1: slow, 2: quick})
    for user in (10, 11, 12):
        log.on_recorded(refused(1, user))
    log.on_recorded(refused(2, 20))
    await asyncio.sleep(0.1)
    assert quick.sent and not slow.sent  # the other server's line did not wait for the slow channel
    await log.close()
    lines = [line for text in slow.sent for line in text.splitlines()]
    assert [line.split("→ ")[1][:4] for line in lines] == ["<@10", "<@11", "<@12"]


async def test_a_burst_of_entries_is_posted_in_a_few_messages_not_one_each() -> None:
    """A member sending refused prompt after refused prompt made one message each in the log channel,
    which Discord lets take about one a second: minutes of posts, holding up every later entry."""
    channel = Channel(delays=[0.2])
    log = log_for({1: channel})
    log.on_recorded(refused(1, 10))
    await asyncio.sleep(0.05)  # its post is on its way
    for user in range(100, 200):
        log.on_recorded(refused(1, user))
    await log.close()
    assert len(channel.sent) == 2  # the first; then the next twenty and how many more
    assert channel.sent[0].count("\n") == 0 and "<@10>" in channel.sent[0]
    lines = channel.sent[1].splitlines()
    assert len(lines) == modlog.MOST_LINES_AT_ONCE + 1 and "<@100>" in lines[0]
    assert "80 more entries" in lines[-1] and "/mod log" in lines[-1]
    log.on_recorded(refused(1, 11))  # once all is posted, an entry goes out on its own again
    await log.close()
    assert "<@11>" in channel.sent[-1]


async def test_a_stalled_log_channel_does_not_hold_up_the_shutdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modlog, "CLOSE_GRACE_S", 0.1)
    log = log_for({1: Channel(delays=[3600])})
    log.on_recorded(refused(1, 10))
    log.on_recorded(refused(1, 11))
    await asyncio.sleep(0)
    await asyncio.wait_for(log.close(), 5)
