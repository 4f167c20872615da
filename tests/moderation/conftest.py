"""Database fixtures of the moderation tests: the moderation tables on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from moderation.database import Base, make_engine, make_session_factory
from moderation.models import MODERATION_TABLES


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory over fresh moderation tables; runs once on SQLite and once on PostgreSQL.

    The tables come from the models, not the migration, so these tests do not depend on revision 0001
    (tests/test_migrations.py checks that the migrations and the models agree).
    """
    engine = make_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: Base.metadata.create_all(sync, tables=list(MODERATION_TABLES)))
    yield make_session_factory(engine)
    await engine.dispose()
