"""`imagine-bot copy-database`'s copy itself: the image folder goes on with the copy, and a source
that is not the bot's is left alone."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

import migrations
from generation.errors import ImageFolderTaken
from generation.imagefiles import ImageFiles
from generation.store import JobStore
from migrations.copy import copy_database
from moderation.database import make_engine, make_session_factory


async def _identity(url: str) -> str:
    engine = make_engine(url)
    try:
        return await JobStore(make_session_factory(engine)).identity()
    finally:
        await engine.dispose()


async def test_the_image_folder_goes_on_with_the_copy_and_refuses_the_old_database(
    tmp_path: Path, database_url: str
) -> None:
    """Started again on the old database by mistake (a shell without the new DATABASE_URL), the bot
    took the folder as its own and wrote its next jobs over the copy's images of the same numbers."""
    source = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await asyncio.to_thread(migrations.upgrade, source)
    images = ImageFiles(tmp_path / "images")
    images.claim(await _identity(source))

    await copy_database(source, database_url)

    images.claim(await _identity(database_url))  # the copy's
    with pytest.raises(ImageFolderTaken):
        images.claim(await _identity(source))


async def test_a_source_that_holds_none_of_the_bots_tables_is_refused_and_left_as_it_was(
    tmp_path: Path, sqlite_url: str
) -> None:
    other = tmp_path / "notes.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    with pytest.raises(migrations.DatabaseProblem, match="holds none of the bot's tables"):
        await copy_database(f"sqlite+aiosqlite:///{other}", sqlite_url)
    with sqlite3.connect(other) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"note"}


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("sqlite:///data/imagine.db", "copy-database's source URL: sqlite:// is not an async driver"),
        ("data/imagine.db", "copy-database's source URL is not a database URL"),
    ],
)
async def test_a_bad_source_url_is_named_as_the_source(source: str, said: str, sqlite_url: str) -> None:
    # It was blamed on DATABASE_URL, which was right.
    with pytest.raises(migrations.DatabaseProblem) as refused:
        await copy_database(source, sqlite_url)
    assert str(refused.value).startswith(said)
    assert "DATABASE_URL" not in str(refused.value)
