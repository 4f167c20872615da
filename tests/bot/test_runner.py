"""`imagine-bot run` without a token stops with instructions, before anything heavy is loaded; each
process of several owns its shards' guilds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import token_help
from tests.bot.helpers import WELL_FORMED_TOKEN


def test_no_token_exits_with_the_help_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delitem(sys.modules, "bot.client", raising=False)
    with pytest.raises(SystemExit) as caught:
        main(["run"])
    assert caught.value.code == 2
    assert capsys.readouterr().err == token_help() + "\n"
    assert "bot.client" not in sys.modules


def test_placeholder_tokens_count_as_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "changeme")
    with pytest.raises(SystemExit) as caught:
        main(["run"])
    assert caught.value.code == 2
    assert capsys.readouterr().err == token_help() + "\n"


def test_each_process_owns_its_shards_guilds() -> None:
    from bot.settings import BotSettings

    guild_on_shard_1 = (123 << 22) | 5  # (id >> 22) % 2 == 1
    split = BotSettings(token=WELL_FORMED_TOKEN, shard_count=2, shard_ids=(0,))
    assert split.owns_guild(guild_on_shard_1) is False
    assert split.owns_guild(guild_on_shard_1 - (1 << 22)) is True
    assert split.owns_guild(None) is True  # direct messages live on shard 0
    assert BotSettings(token=WELL_FORMED_TOKEN).owns_guild(guild_on_shard_1) is True


async def test_the_configured_gateway_is_used_with_the_shard_count_discord_recommends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without DISCORD_SHARD_COUNT, AutoShardedClient connects where GET /gateway/bot says: a proxy
    named in DISCORD_GATEWAY_URL would be bypassed without a word."""
    import discord

    from bot.app import Settings
    from bot.client import ImagineBot
    from bot.settings import BotSettings

    async def discords_answer(_http: object) -> tuple[int, str, dict[str, int]]:
        return 3, "wss://gateway.discord.gg", {"total": 1000}

    monkeypatch.setattr(discord.http.HTTPClient, "get_bot_gateway", discords_answer)
    proxied = ImagineBot(
        BotSettings(token=WELL_FORMED_TOKEN, gateway_url="ws://gateway-proxy.internal:8080/"), Settings()
    )
    direct = ImagineBot(BotSettings(token=WELL_FORMED_TOKEN), Settings())
    assert await proxied.http.get_bot_gateway() == (3, "ws://gateway-proxy.internal:8080/", {"total": 1000})
    assert (await direct.http.get_bot_gateway())[1] == "wss://gateway.discord.gg"
