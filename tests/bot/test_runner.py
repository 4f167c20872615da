"""`imagine-bot run` without a token stops with instructions, before anything heavy is loaded; each
process of several owns its shards' guilds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import TOKEN_HELP


def test_no_token_exits_with_the_help_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delitem(sys.modules, "bot.client", raising=False)
    with pytest.raises(SystemExit) as caught:
        main(["run"])
    assert caught.value.code == TOKEN_HELP
    assert "bot.client" not in sys.modules


def test_placeholder_tokens_count_as_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "changeme")
    with pytest.raises(SystemExit) as caught:
        main(["run"])
    assert caught.value.code == TOKEN_HELP


def test_each_process_owns_its_shards_guilds() -> None:
    from bot.settings import BotSettings

    guild_on_shard_1 = (123 << 22) | 5  # (id >> 22) % 2 == 1
    split = BotSettings(token="t" * 30, shard_count=2, shard_ids=(0,))
    assert split.owns_guild(guild_on_shard_1) is False
    assert split.owns_guild(guild_on_shard_1 - (1 << 22)) is True
    assert split.owns_guild(None) is True  # direct messages live on shard 0
    assert BotSettings(token="t" * 30).owns_guild(guild_on_shard_1) is True
