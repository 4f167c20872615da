"""`imagine-bot run` without a token stops with instructions, before anything heavy is loaded."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.runner import run_bot
from bot.settings import TOKEN_HELP


def test_no_token_exits_with_the_help_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delitem(sys.modules, "bot.client", raising=False)
    with pytest.raises(SystemExit) as caught:
        run_bot()
    assert caught.value.code == TOKEN_HELP
    assert "bot.client" not in sys.modules


def test_placeholder_tokens_count_as_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "changeme")
    with pytest.raises(SystemExit):
        run_bot()
