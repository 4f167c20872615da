"""The bot's own settings refuse values that could never work, naming what to do instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import BotSettings
from generation.settings import GenerationSettings


@pytest.mark.parametrize("ids", ["[-5]", "[0]", f"[{2**64}]"])
def test_a_server_id_that_no_server_has_is_refused(monkeypatch: pytest.MonkeyPatch, ids: str) -> None:
    monkeypatch.setenv("DISCORD_SYNC_GUILD_IDS", ids)
    with pytest.raises(ValidationError, match="is not a server id; copy it from Discord"):
        BotSettings(_env_file=None)  # type: ignore[call-arg]


def test_server_ids_as_discord_gives_them_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_SYNC_GUILD_IDS", "[123456789012345678, 987654321098765432]")
    assert BotSettings(_env_file=None).sync_guild_ids == (123456789012345678, 987654321098765432)  # type: ignore[call-arg]


def test_a_setting_in_the_environment_replaces_the_one_in_dotenv_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A registry exported beside a `.env` that names other models offered both: pydantic-settings
    merges mappings key by key."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        'GENERATION_MODELS={"old": {"source": "org/old-model"}}\n'
        "GENERATION_DEFAULT_MODEL=old\n"
        "GENERATION_GPU_SLOTS=2\n"
    )
    monkeypatch.setenv("GENERATION_MODELS", json.dumps({"new": {"source": "org/new-model"}}))
    monkeypatch.setenv("GENERATION_DEFAULT_MODEL", "new")
    settings = GenerationSettings()
    assert list(settings.models) == ["new"]
    assert settings.gpu_slots == 2  # what the environment leaves unset still comes from .env
