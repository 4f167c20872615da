"""Fixtures shared by every test package: the tiny model and real databases."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from generation.demo_model import make_demo_model

POSTGRES_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def demo_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny random-weight SD 1.x pipeline, built once per test session."""
    return make_demo_model(tmp_path_factory.mktemp("models") / "demo")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'imagine.db'}"


async def admin_sql(sql: str, *, database: str | None = None) -> None:
    """Run `sql` as the server's administrator (TEST_POSTGRES_DSN), in `database` when given."""
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, database=database)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database on the machine's server, dropped afterwards."""
    name = f"imagine_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES_ADMIN_DSN} is needed for this test: {exc}")
    host = POSTGRES_ADMIN_DSN.split("@", 1)[1].rsplit("/", 1)[0]
    user = POSTGRES_ADMIN_DSN.split("://", 1)[1].split("@", 1)[0]
    yield f"postgresql+asyncpg://{user}@{host}/{name}"
    asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def postgres_role_url() -> Iterator[str]:
    """A URL of a login role of its own to a database of the role's name, which the administrator owns
    and where the role may not create tables (PostgreSQL 15's default for schema public, made so on
    older servers too); both are dropped afterwards."""
    name = f"imagine_role_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(admin_sql(f'CREATE ROLE "{name}" LOGIN'))
        asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
        asyncio.run(admin_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC", database=name))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES_ADMIN_DSN} is needed for this test: {exc}")
    host = POSTGRES_ADMIN_DSN.split("@", 1)[1].rsplit("/", 1)[0]
    yield f"postgresql+asyncpg://{name}@{host}/{name}"
    asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin_sql(f'DROP ROLE IF EXISTS "{name}"'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test that takes this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'imagine.db'}"
    else:
        yield request.getfixturevalue("postgres_url")
