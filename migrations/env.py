"""Alembic environment: async engine, URL from the caller or from DatabaseSettings."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

import generation.models  # noqa: F401  (registers the tables on Base.metadata)
import moderation.models  # noqa: F401
from moderation.database import Base, DatabaseSettings, make_engine

config = context.config
target_metadata = Base.metadata
# PostgreSQL advisory lock key ("imagine" in ASCII), held while migrating.
_MIGRATION_LOCK = 0x696D6167696E65


def _url() -> str:
    url = config.attributes.get("url")
    return str(url) if url else DatabaseSettings().url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _configure(connection: Connection) -> None:
    # Batch mode lets ALTERs work on SQLite, which cannot alter most constraints in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)


def _run(connection: Connection) -> None:
    # Bot processes starting together (or the bot and `imagine-bot generate`) migrate one after the
    # other: each reads the revision only once it holds the lock, and the later ones find the work done.
    if connection.dialect.name == "sqlite":
        # Python's sqlite3 runs DDL outside any transaction and Alembic opens none on SQLite, so each
        # ALTER would commit on its own and a process starting beside another saw a half-migrated
        # file. One exclusive transaction makes the upgrade atomic (SQLite's DDL is transactional) and
        # makes the others wait for it (busy_timeout). Alembic runs inside it and leaves the commit to us.
        # Foreign keys are off meanwhile (SQLite ignores the pragma inside a transaction): a batch
        # migration copies a table and drops the old one, and with them on, the drop deleted the rows
        # that point to it (every job's images) and unlinked the rest. They are checked before the commit.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
            _configure(connection)
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                connection.rollback()
                raise RuntimeError(f"the migration would break foreign keys (table, row, parent): {broken}")
            connection.commit()
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        return
    _configure(connection)
    with context.begin_transaction():
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = make_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
