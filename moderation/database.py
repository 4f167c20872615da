"""Database plumbing shared by `moderation` and `generation`: the declarative base and engine factory.

It lives here because `moderation` is the lowest package in the import graph (`generation` may import
it, it imports neither). Nothing here creates an engine at import time; the composition root does.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from pydantic import field_validator
from pydantic_settings import SettingsConfigDict
from sqlalchemy import DateTime, MetaData, String, Text, TypeDecorator, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from moderation.settings import EnvSettings

# Stable constraint names, so Alembic revisions are reviewable and SQLite batch mode can find them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime on every backend (SQLite stores naive values; we re-attach UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use moderation.database.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UserText(TypeDecorator[str]):
    """TEXT that may hold what members typed: PostgreSQL's text refuses NUL characters (SQLite keeps
    them), so every backend stores one as U+FFFD, and a NUL in a prompt or a reason is never an error."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else value.replace("\x00", "\ufffd")


class StrEnumType(TypeDecorator[Any]):
    """A `StrEnum` stored as its plain string value, read back as the enum member."""

    impl = String
    cache_ok = True

    def __init__(self, enum_cls: type[StrEnum], length: int = 16) -> None:
        super().__init__(length)
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_cls(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else self.enum_cls(value)


class Base(DeclarativeBase):
    """Declarative base of every table of the bot."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


# How long a PostgreSQL connection may take to open: a server under load still answers in far less.
POSTGRES_CONNECT_TIMEOUT_S = 10


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine for `url` (sqlite+aiosqlite or postgresql+asyncpg)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets readers go on while the scheduler writes; foreign keys are off by default.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # asyncpg waits 60 s by default for a server that accepts the connection and never answers as
    # PostgreSQL does (another service on the port): the operator would wait a minute for the error.
    connect_args = {"timeout": POSTGRES_CONNECT_TIMEOUT_S, **kwargs.pop("connect_args", {})}
    return create_async_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A session factory whose objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


class DatabaseSettings(EnvSettings):
    """Where the job store, policies and audit log live (DATABASE_URL)."""

    model_config = SettingsConfigDict(env_prefix="DATABASE_")

    url: str = "sqlite+aiosqlite:///data/imagine.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _home_expanded(cls, url: str) -> str:
        # A SQLite file under ~, as a shell would expand it: in .env nothing else does, and SQLite
        # would make a folder named "~" in the working folder.
        scheme, separator, path = url.partition(":///")
        if url.startswith("sqlite") and separator and path.startswith("~"):
            return f"{scheme}{separator}{os.path.expanduser(path)}"
        return url

    @property
    def sqlite_file(self) -> Path | None:
        """The file of a SQLite database (None for PostgreSQL)."""
        if self.url.startswith("sqlite") and ":///" in self.url:
            path = self.url.split(":///", 1)[1]
            if path and path != ":memory:":
                return Path(path)
        return None

    def ensure_sqlite_folder(self) -> None:
        """Create the folder of a SQLite file, so the default works on a fresh checkout."""
        if self.sqlite_file is not None:
            self.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
