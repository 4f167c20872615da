"""Copying the bot's database into another (`imagine-bot copy-database`), as when moving from the
SQLite file of one machine to PostgreSQL.

Both databases are migrated to the newest revision first, so the rows fit the same tables on both
sides; a source that holds none of the bot's tables is refused rather than given them. The target
must hold nothing of the bot's yet: rows are copied with their ids, which jobs, images and buttons
refer to (and the image folder names its job folders by), so they cannot be merged into rows already
numbered. Everything is copied in one transaction on the target: a copy cut short leaves it empty, to
be copied again.

The copy takes the source's name (see `StoreIdentity`), which the image folder records, and the source
is given a new one once the copy is committed: the folder goes on with the copy, and the old database,
started on it again by mistake (a shell without the new DATABASE_URL), stops at start instead of
writing its next jobs over the copy's images of the same numbers.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Integer, Table, delete, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

import migrations
from generation.models import StoreIdentity
from moderation.database import Base, make_engine

log = logging.getLogger(__name__)

# Rows read and written at a time: a big SQLite file is copied without holding it all in memory.
CHUNK_ROWS = 1000
# How messages name the database copied from (the command's argument, not a setting).
SOURCE = "copy-database's source URL"


@dataclass(frozen=True)
class CopyReport:
    """What was copied: rows per table, in the order they were written."""

    rows: dict[str, int]


async def copy_database(source_url: str, target_url: str) -> CopyReport:
    """Copy every row of the bot's tables from the database at `source_url` into the one at
    `target_url`; raise `migrations.DatabaseProblem` when either cannot be used, the two are one, or
    the target already holds the bot's data."""
    source, target = migrations.check_url(source_url, name=SOURCE), migrations.check_url(target_url)
    if source.render_as_string(hide_password=False) == target.render_as_string(hide_password=False):
        raise migrations.DatabaseProblem("copy-database: the source is DATABASE_URL itself; name another one")
    sqlite_file = Path(source.database or "") if source.get_backend_name() == "sqlite" else None
    if sqlite_file is not None and not await asyncio.to_thread(sqlite_file.is_file):
        # Migrating it would make an empty one, and the copy would copy nothing.
        raise migrations.DatabaseProblem(f"copy-database: there is no SQLite database at {source.database}")
    if not await asyncio.to_thread(migrations.check, source_url, name=SOURCE):
        # Stamped with no revision of ours: a new database (a mistyped file name made one) or another
        # program's. Migrating would fill it with empty tables of the bot's, and copy nothing.
        raise migrations.DatabaseProblem(
            f"copy-database: the database at {migrations.describe(source)} holds none of the bot's tables; "
            "name the database the bot ran on"
        )
    await asyncio.to_thread(migrations.upgrade, source_url, name=SOURCE)
    await asyncio.to_thread(migrations.upgrade, target_url)
    tables = list(Base.metadata.sorted_tables)
    source_engine, target_engine = make_engine(source_url), make_engine(target_url)
    try:
        async with source_engine.connect() as reading, target_engine.begin() as writing:
            if held := await _rows_held(writing, tables):
                raise migrations.DatabaseProblem(
                    f"copy-database: the database at {migrations.describe(target)} holds data already "
                    f"({held}); copy into a new, empty database"
                )
            # The target's own name goes: the image folder knows the source's, and keeps it.
            await writing.execute(delete(StoreIdentity))
            rows = {table.name: await _copy_table(reading, writing, table) for table in tables}
            if writing.dialect.name == "postgresql":
                for table in tables:
                    await _restart_numbering(writing, table)
        # Committed: the source's name, and with it the image folder, is the copy's now.
        try:
            async with source_engine.begin() as renaming:
                await renaming.execute(delete(StoreIdentity))
                await renaming.execute(insert(StoreIdentity).values(id=str(uuid.uuid4())))
        except (SQLAlchemyError, OSError) as exc:
            log.warning(
                "the copy is made, but the database at %s could not be renamed (%s): do not start the bot "
                "on it again with this image folder, which now belongs to the copy",
                migrations.describe(source),
                exc,
            )
    finally:
        await source_engine.dispose()
        await target_engine.dispose()
    return CopyReport(rows)


async def _rows_held(connection: AsyncConnection, tables: list[Table]) -> str:
    """The tables of the bot's that hold rows ("12 job, 3 guild_policy"), its own name left aside."""
    held = []
    for table in tables:
        if table.name == StoreIdentity.__tablename__:
            continue
        count = (await connection.execute(select(func.count()).select_from(table))).scalar_one()
        if count:
            held.append(f"{count} {table.name}")
    return ", ".join(held)


async def _copy_table(reading: AsyncConnection, writing: AsyncConnection, table: Table) -> int:
    # In key order: a job's parent (a rerun's, an upscale's) is written before the job.
    result = await reading.stream(select(table).order_by(*table.primary_key.columns))
    copied = 0
    async for chunk in result.mappings().partitions(CHUNK_ROWS):
        await writing.execute(table.insert(), [dict(row) for row in chunk])
        copied += len(chunk)
    return copied


async def _restart_numbering(writing: AsyncConnection, table: Table) -> None:
    """Move PostgreSQL's id sequence past the copied ids: rows inserted with their ids do not advance
    it, and the next job would be given id 1 again."""
    keys = list(table.primary_key.columns)
    if len(keys) != 1 or not isinstance(keys[0].type, Integer) or keys[0].autoincrement is False:
        return
    column = keys[0].name
    await writing.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence(:table, :column), "
            f"COALESCE((SELECT MAX({column}) FROM {table.name}), 1), "
            f"(SELECT MAX({column}) IS NOT NULL FROM {table.name}))"
        ),
        {"table": table.name, "column": column},
    )
