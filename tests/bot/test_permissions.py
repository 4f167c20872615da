"""Moderators, allowed channels, ban durations; Discord objects are spec_set mocks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest

from bot.custom_ids import Action
from bot.errors import BadDuration, NotHere, NotModerator
from bot.jobflow import JobFlow, reaction_action, where_of
from bot.permissions import check_channel, check_dm, is_moderator, parse_duration
from moderation.policy import GuildPolicy

MOD_ROLE = 555


def test_is_moderator() -> None:
    policy = GuildPolicy(moderator_role_id=MOD_ROLE)
    assert is_moderator(manage_guild=True, role_ids=set(), policy=GuildPolicy())
    assert is_moderator(manage_guild=False, role_ids={1, MOD_ROLE}, policy=policy)
    assert not is_moderator(manage_guild=False, role_ids={1}, policy=policy)
    assert not is_moderator(manage_guild=False, role_ids={MOD_ROLE}, policy=GuildPolicy())


def test_check_channel() -> None:
    check_channel(GuildPolicy(), 10)
    policy = GuildPolicy(allowed_channel_ids=[10, 11])
    check_channel(policy, 10)
    check_channel(policy, 99, parent_id=11)  # a thread of an allowed channel
    with pytest.raises(NotHere, match="<#10>, <#11>"):
        check_channel(policy, 12)


def test_check_dm() -> None:
    check_dm(True)
    with pytest.raises(NotHere, match="direct messages"):
        check_dm(False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("12h", timedelta(hours=12)),
        ("7 days", timedelta(days=7)),
        ("2W", timedelta(weeks=2)),
        ("5000000m", timedelta(minutes=5_000_000)),
        ("0000000000000001d", timedelta(days=1)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "0d", "-1h", "5y", "99999w", "3"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(BadDuration):
        parse_duration(text)


def test_a_ban_longer_than_allowed_is_called_too_long_not_malformed() -> None:
    from bot.wording import describe_error

    with pytest.raises(BadDuration) as caught:
        parse_duration("600w")
    assert caught.value.too_long
    # However many digits (past six they were called malformed, past 4300 they crashed int()).
    for absurd in ("9999999d", "1" + "0" * 5000 + "m"):
        with pytest.raises(BadDuration) as caught:
            parse_duration(absurd)
        assert caught.value.too_long
    assert "longer than a ban may be" in describe_error(caught.value)
    with pytest.raises(BadDuration) as caught:
        parse_duration("soon")
    assert not caught.value.too_long


def test_reaction_emoji_with_or_without_variation_selector() -> None:
    assert reaction_action("⬆️") is Action.UPSCALE
    assert reaction_action("⬆") is Action.UPSCALE
    assert reaction_action("🔁") is Action.RERUN
    assert reaction_action("❌") is Action.DELETE
    assert reaction_action("👍") is None


def test_where_of_reads_the_age_restricted_flag() -> None:
    channel = MagicMock(spec_set=discord.TextChannel)
    channel.is_nsfw.return_value = True
    where = where_of(channel, guild_id=1, channel_id=2)
    assert where.age_restricted and where.guild_id == 1 and where.channel_id == 2
    thread = MagicMock(spec_set=discord.Thread)
    thread.is_nsfw.return_value = False
    thread.parent_id = 7
    assert where_of(thread, guild_id=1, channel_id=3).parent_id == 7
    assert not where_of(None, guild_id=None, channel_id=None).age_restricted


def _flow(policy: GuildPolicy) -> JobFlow:
    services = MagicMock()
    services.policies.get = AsyncMock(return_value=policy)
    return JobFlow(MagicMock(), services, MagicMock(), MagicMock(), MagicMock())


def _interaction(
    *, manage_guild: bool = False, administrator: bool = False, roles: tuple[int, ...] = ()
) -> Any:
    member = MagicMock(spec_set=discord.Member)
    member.roles = [MagicMock(spec_set=discord.Role, id=role) for role in roles]
    interaction = MagicMock(spec_set=discord.Interaction)
    interaction.guild_id = 1
    interaction.user = member
    interaction.permissions = discord.Permissions(manage_guild=manage_guild, administrator=administrator)
    return interaction


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, False),
        ({"manage_guild": True}, True),
        ({"administrator": True}, True),
        ({"roles": (MOD_ROLE,)}, True),
        ({"roles": (1, 2)}, False),
    ],
)
async def test_flow_is_moderator(kwargs: dict[str, Any], expected: bool) -> None:
    flow = _flow(GuildPolicy(moderator_role_id=MOD_ROLE))
    assert await flow.is_moderator(_interaction(**kwargs)) is expected


async def test_require_moderator_refuses_members() -> None:
    flow = _flow(GuildPolicy())
    with pytest.raises(NotModerator):
        await flow.require_moderator(_interaction(roles=(MOD_ROLE,)))


async def test_nobody_is_a_moderator_in_direct_messages() -> None:
    interaction = _interaction(manage_guild=True)
    interaction.guild_id = None
    assert not await _flow(GuildPolicy()).is_moderator(interaction)
