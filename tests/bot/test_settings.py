"""The bot's own settings refuse values that could never work, naming what to do instead."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import BotSettings


@pytest.mark.parametrize("ids", ["[-5]", "[0]", f"[{2**64}]"])
def test_a_server_id_that_no_server_has_is_refused(monkeypatch: pytest.MonkeyPatch, ids: str) -> None:
    monkeypatch.setenv("DISCORD_SYNC_GUILD_IDS", ids)
    with pytest.raises(ValidationError, match="is not a server id; copy it from Discord"):
        BotSettings(_env_file=None)  # type: ignore[call-arg]


def test_server_ids_as_discord_gives_them_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_SYNC_GUILD_IDS", "[123456789012345678, 987654321098765432]")
    assert BotSettings(_env_file=None).sync_guild_ids == (123456789012345678, 987654321098765432)  # type: ignore[call-arg]
