""".env.example, which the README points operators to, lists every setting with a comment and its default."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from bot.settings import BotSettings
from generation.settings import GenerationSettings
from moderation.database import DatabaseSettings
from moderation.settings import ModerationSettings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"
SETTINGS: list[type[BaseSettings]] = [BotSettings, GenerationSettings, ModerationSettings, DatabaseSettings]
_ASSIGNMENT = re.compile(r"([A-Z][A-Z0-9_]*)=")


def _variables(cls: type[BaseSettings]) -> set[str]:
    prefix = str(cls.model_config.get("env_prefix", ""))
    return {f"{prefix}{name}".upper() for name in cls.model_fields}


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in os.environ:
        if name.startswith(("DISCORD_", "GENERATION_", "MODERATION_", "DATABASE_")):
            monkeypatch.delenv(name)


def test_every_setting_is_listed_once_under_a_comment_and_nothing_else() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    listed = [match[1] for line in lines if (match := _ASSIGNMENT.match(line))]
    assert len(listed) == len(set(listed))
    assert set(listed) == set().union(*map(_variables, SETTINGS))
    for number, line in enumerate(lines):
        if _ASSIGNMENT.match(line):
            assert lines[number - 1].startswith("# "), f"{line} has no comment above it"


@pytest.mark.parametrize("cls", SETTINGS, ids=lambda cls: cls.__name__)
def test_the_values_listed_are_the_defaults(cls: type[BaseSettings]) -> None:
    # A copied .env.example must behave as no .env at all: its values are what the code defaults to.
    assert cls(_env_file=EXAMPLE) == cls(_env_file=None)
