"""Alembic migrations of the bot's database, run programmatically (`imagine-bot migrate`, and at start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

HERE = Path(__file__).resolve().parent


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at this folder and at `url`, with no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    # Stored as an attribute, not an option: a URL may hold a password and % signs.
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` up to `revision` (blocking; call it in a thread from async code)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
