"""Revision 0002 creates exactly the moderation tables as the models declare them, and drops them again."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Connection

from moderation.database import NAMING_CONVENTION, make_engine
from moderation.models import MODERATION_TABLES

REVISION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0002_moderation.py"


def _revision() -> ModuleType:
    spec = importlib.util.spec_from_file_location("revision_0002", REVISION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _moderation_metadata() -> MetaData:
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    for table in MODERATION_TABLES:
        table.to_metadata(metadata)
    return metadata


async def test_revision_matches_the_models_and_downgrades(database_url: str) -> None:
    revision = _revision()
    assert (revision.revision, revision.down_revision) == ("0002_moderation", "0001_jobs")

    def run(sync: Connection, step: str) -> None:
        context = MigrationContext.configure(sync)
        with Operations.context(context):
            getattr(revision, step)()

    def diff(sync: Connection) -> list[object]:
        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return list(compare_metadata(context, _moderation_metadata()))

    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run, "upgrade")
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            assert names == {t.name for t in MODERATION_TABLES}
            assert await connection.run_sync(diff) == []
        async with engine.begin() as connection:
            await connection.run_sync(run, "downgrade")
        async with engine.connect() as connection:
            assert await connection.run_sync(lambda sync: inspect(sync).get_table_names()) == []
    finally:
        await engine.dispose()
