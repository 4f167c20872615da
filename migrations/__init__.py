"""Alembic migrations of the bot's database, run programmatically (`imagine-bot migrate`, and at start).

Before migrating, `upgrade` checks what an operator can get wrong (the URL, its driver, a server that
cannot be reached, a database migrated by a newer version) and raises `DatabaseProblem` saying what to
fix, instead of letting the error surface from deep inside Alembic and SQLAlchemy.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from inspect import signature
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

import generation.models  # noqa: F401  (registers the tables on Base.metadata)
import moderation.models  # noqa: F401
from moderation.database import Base, make_engine

HERE = Path(__file__).resolve().parent

log = logging.getLogger(__name__)

# The async driver each supported database needs: the bot runs SQLAlchemy's asyncio extension only.
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
NEWER_VERSION_HELP = (
    "a newer version of imagine-bot migrated it: run that version again, or restore a backup of the "
    "database taken before it"
)
URL_EXAMPLES = "sqlite+aiosqlite:///data/imagine.db or postgresql+asyncpg://user:password@host:5432/imagine"
# PostgreSQL's SQLSTATE for "permission denied" and "must be owner of".
_INSUFFICIENT_PRIVILEGE = "42501"
# What a PostgreSQL URL's parameters may name: SQLAlchemy passes them to asyncpg.connect, whose
# arguments differ from libpq's (psql's, and most hosting providers' URLs), and refuses any other.
ASYNCPG_PARAMETERS = frozenset(signature(asyncpg.connect).parameters) | {
    # SQLAlchemy's own.
    "prepared_statement_cache_size",
    "prepared_statement_name_func",
}


class DatabaseProblem(Exception):
    """The database cannot be used as configured; the message says what is wrong and what to do."""


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at this folder and at `url`, with no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    # Stored as an attribute, not an option: a URL may hold a password and % signs.
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head", *, name: str = "DATABASE_URL") -> None:
    """Migrate the database at `url` up to `revision` (blocking; call it in a thread from async code).

    Raises `DatabaseProblem` for a bad URL, an unreachable or missing database, or a database at a
    revision this version does not know; its message names the URL as `name` (where it came from).
    """
    config = alembic_config(url)
    where = describe(check_url(url, name=name))
    with _quiet_alembic():
        current = check(url, name=name)
        target = ScriptDirectory.from_config(config).get_current_head() if revision == "head" else revision
        if current != (target,):
            # The one line worth seeing at start: Alembic's own lines are silenced.
            log.info(
                "migrating the database at %s from %s to revision %s",
                where,
                ", ".join(current) or "nothing (a new database)",
                target,
            )
        try:
            command.upgrade(config, revision)
        except DBAPIError as exc:
            # A role that may create tables, but not alter those another role made.
            if getattr(exc.orig, "sqlstate", None) != _INSUFFICIENT_PRIVILEGE:
                raise
            raise DatabaseProblem(_not_the_owner(check_url(url, name=name), exc, name)) from exc
        except CommandError as exc:
            # check() saw a known revision; this is another process that migrated it meanwhile.
            if "Can't locate revision" not in str(exc):
                raise
            raise DatabaseProblem(f"the database at {where}: {exc}; {NEWER_VERSION_HELP}") from exc


def check(url: str, *, name: str = "DATABASE_URL") -> tuple[str, ...]:
    """Connect to the database at `url` and return the revisions stamped in it (none when it is new).

    Raises `DatabaseProblem` when the URL is wrong, the database cannot be reached or opened, it is
    at a revision this version of the bot does not know, or it holds tables of our names that no
    migration of ours made.
    """
    parsed = check_url(url, name=name)
    with _quiet_alembic():
        current, unrecorded, cannot_create = asyncio.run(_stamped_revisions(parsed, url, name))
    if unrecorded:
        # Migrating would fail on the first CREATE TABLE with a page of SQL; and such tables, made
        # some other way, may not be ours at all.
        raise DatabaseProblem(
            f"the database at {describe(parsed)} already has tables named {', '.join(unrecorded)} but no "
            "record of imagine-bot's migrations (no alembic_version table), so they were made some "
            f"other way: point {name} at a new, empty database, or drop those tables"
        )
    script = ScriptDirectory.from_config(alembic_config(url))
    known = {script_revision.revision for script_revision in script.walk_revisions()}
    for head in current:
        if head not in known:
            raise DatabaseProblem(
                f"the database at {describe(parsed)} is at revision {head!r}, which this version of "
                f"imagine-bot does not know; {NEWER_VERSION_HELP}"
            )
    if cannot_create and current != (script.get_current_head(),):
        # Told before anything loads, rather than as a page of SQL from the first CREATE TABLE.
        raise DatabaseProblem(f"the database at {describe(parsed)}: {cannot_create}")
    return current


def downgrade(url: str, revision: str) -> None:
    with _quiet_alembic():
        command.downgrade(alembic_config(url), revision)


def check_url(url: str, *, name: str = "DATABASE_URL") -> URL:
    """Parse a DATABASE_URL and make sure it names a supported database through its async driver;
    messages call the URL `name`, where it came from."""
    try:
        parsed = make_url(url)
        port = parsed.port
    except (ArgumentError, ValueError):
        # The URL itself is left out of the message: it may hold a password. (A port that is no number
        # is a ValueError from SQLAlchemy.)
        raise DatabaseProblem(f"{name} is not a database URL; use one like {URL_EXAMPLES}") from None
    if port is not None and not 0 < port < 65536:
        raise DatabaseProblem(f"{name}: port {port} is no port (1 to 65535); use one like {URL_EXAMPLES}")
    if parsed.host and "@" in parsed.host:
        # "user:p@ss@host": the URL ends its password at the first "@", and the rest would be shown as
        # the host, part of the password with it.
        raise DatabaseProblem(
            f"{name}: the user name or password holds an '@' (or another of : / ? # [ ]); write each "
            "such character percent-encoded, '@' as %40 (python3 -c \"import urllib.parse; "
            "print(urllib.parse.quote('your password', safe=''))\" prints it so)"
        )
    backend = parsed.get_backend_name()
    # "postgres://" is what many hosting providers hand out; SQLAlchemy knows only "postgresql".
    backend = "postgresql" if backend == "postgres" else backend
    driver = ASYNC_DRIVERS.get(backend)
    if driver is None:
        raise DatabaseProblem(
            f"{name}: {parsed.drivername!r} databases are not supported; use {URL_EXAMPLES}"
        )
    problems = []
    usable = parsed.set(drivername=driver)
    if parsed.drivername != driver:
        problems.append(f"{parsed.drivername}:// is not an async driver, which the bot needs")
    if backend == "postgresql":
        usable, parameter_problems = _for_asyncpg(usable)
        problems += parameter_problems
    if problems:
        suggestion = usable.render_as_string(hide_password=True)
        hidden = " (with your password in place of ***)" if parsed.password else ""
        raise DatabaseProblem(f"{name}: {'; '.join(problems)}: use {suggestion}{hidden}")
    if backend == "postgresql" and not parsed.database and not os.environ.get("PGDATABASE"):
        # asyncpg would connect to the database named after the user ("postgres" often) and the bot
        # would make its tables there, among whatever else that database holds.
        example = parsed.set(database="imagine").render_as_string(hide_password=True)
        raise DatabaseProblem(
            f"{name} names no database: add the bot's own at the end, like {example} "
            "(createdb imagine makes it)"
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        # Each connection would open a database of its own, and every job would be gone at exit.
        raise DatabaseProblem(
            f"{name}: an in-memory SQLite database keeps nothing (jobs must survive restarts); "
            "name a file, like sqlite+aiosqlite:///data/imagine.db"
        )
    return parsed


def _for_asyncpg(url: URL) -> tuple[URL, list[str]]:
    """`url` with its parameters as asyncpg takes them, and what had to change (none when nothing did)."""
    query = dict(url.query)
    problems = []
    if "sslmode" in query:
        query.setdefault("ssl", query.pop("sslmode"))
        problems.append("asyncpg takes ssl= where libpq takes sslmode= (the same values)")
    for name in sorted(set(query) - ASYNCPG_PARAMETERS):
        del query[name]
        # asyncpg reads libpq's certificate and key files from the environment, as libpq does.
        instead = f" (set PG{name.upper()} in the environment instead)" if name.startswith("ssl") else ""
        problems.append(f"asyncpg does not take {name}={instead}")
    return url.set(query=query), problems


def describe(url: URL) -> str:
    """Where a database is, for messages: host:port for a server, the file for SQLite; never a password."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return f"{url.host or 'localhost'}:{url.port or 5432}"


async def _stamped_revisions(
    parsed: URL, url: str, name: str
) -> tuple[tuple[str, ...], list[str], str | None]:
    """The revisions stamped in the database; when there are none, the tables it already has under
    our tables' names (read on one connection: a migration commits the two together); and why the
    bot may not create tables there, if it may not."""
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_stamped_heads)
    except OSError as exc:
        # Refused, unknown host, timed out: asyncpg raises these as they come from the socket.
        raise DatabaseProblem(_unreachable(parsed, os_error_reason(exc), name)) from exc
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == _INSUFFICIENT_PRIVILEGE:
            raise DatabaseProblem(_not_the_owner(parsed, exc, name)) from exc
        # The server answered but refused: no such database, wrong password, unreadable SQLite file.
        raise DatabaseProblem(_unreachable(parsed, str(exc.orig or exc), name)) from exc
    finally:
        await engine.dispose()


def _stamped_heads(connection: Connection) -> tuple[tuple[str, ...], list[str], str | None]:
    heads = tuple(MigrationContext.configure(connection).get_current_heads())
    cannot_create = _create_refusal(connection)
    if heads:
        return heads, [], cannot_create
    ours = sorted(set(inspect(connection).get_table_names()) & set(Base.metadata.tables))
    return heads, ours, cannot_create


def _create_refusal(connection: Connection) -> str | None:
    """Why the connected PostgreSQL role may not create tables where the bot makes them, or None."""
    if connection.dialect.name != "postgresql":
        return None
    role, database, schema, may_create = connection.execute(
        text(
            "SELECT current_user, current_database(), current_schema(), "
            "has_schema_privilege(current_schema(), 'CREATE')"
        )
    ).one()
    if may_create:
        return None
    schema = schema or "public"
    return (
        f"role {role!r} may not create tables in schema {schema} of database {database!r} (since "
        "PostgreSQL 15 only the database's owner may by default): make the role its owner "
        f"(ALTER DATABASE {database} OWNER TO {role}, or createdb --owner {role} for a new one), "
        f"or GRANT CREATE ON SCHEMA {schema} TO {role} in it"
    )


def _not_the_owner(url: URL, exc: DBAPIError, name: str) -> str:
    """The bot's tables are there, made by another PostgreSQL role than the one in DATABASE_URL."""
    return (
        f"the database at {describe(url)}: {exc.orig}: the bot's tables belong to another role; put that "
        f"role in {name}, or make {url.username!r} their owner "
        f"(as a superuser: REASSIGN OWNED BY that_role TO {url.username})"
    )


def _unreachable(url: URL, reason: str, name: str) -> str:
    if url.get_backend_name() == "sqlite":
        return f"cannot open the SQLite database at {describe(url)}: {reason} (check {name})"
    # A port where another service answers (Redis's 6379, say) never completes PostgreSQL's handshake.
    elsewhere = (
        ", or whether another service than PostgreSQL listens on that port" if reason == "timed out" else ""
    )
    return (
        f"cannot reach the database at {describe(url)}: {reason} "
        f"(check {name}, that PostgreSQL runs there and that database {url.database!r} exists{elsewhere})"
    )


def os_error_reason(exc: OSError) -> str:
    """A short reason for a socket error ("Connection refused" rather than asyncpg's wording)."""
    if isinstance(exc, socket.gaierror):
        return exc.strerror or str(exc)
    if isinstance(exc, TimeoutError):
        return "timed out"
    if exc.errno is not None and exc.errno > 0:
        return os.strerror(exc.errno)
    return str(exc)


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Silence Alembic's INFO lines ("Context impl", "Will assume ...", one per step) at normal
    verbosity: `upgrade` logs the one line that matters. With debug logging they all show."""
    alembic_log = logging.getLogger("alembic")
    if alembic_log.getEffectiveLevel() < logging.INFO:
        yield
        return
    previous = alembic_log.level
    alembic_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        alembic_log.setLevel(previous)
