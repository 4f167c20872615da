"""Every migration runs up and down on SQLite and PostgreSQL, and the models match the migrations."""

from __future__ import annotations

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine

import generation.models  # noqa: F401
import migrations
import moderation.models  # noqa: F401
from moderation.database import Base, make_engine


async def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def _columns(url: str, table: str) -> set[str]:
    engine = make_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: {c["name"] for c in inspect(sync).get_columns(table)})
    await engine.dispose()
    return names


async def _diff(url: str) -> list[object]:
    engine = make_engine(url)

    def compare(sync: Connection) -> list[object]:
        context = MigrationContext.configure(sync, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        diff = await connection.run_sync(compare)
    await engine.dispose()
    return diff


def test_migrations_round_trip(database_url: str) -> None:
    migrations.upgrade(database_url)
    assert asyncio.run(_tables(database_url)) == set(Base.metadata.tables)
    assert asyncio.run(_diff(database_url)) == []
    migrations.downgrade(database_url, "base")
    assert asyncio.run(_tables(database_url)) == set()
    # Step by step: each revision also goes down to the one before and up again.
    script = migrations.alembic_config(database_url)
    revisions = [rev.revision for rev in ScriptDirectory.from_config(script).walk_revisions()][::-1]
    for revision in revisions:
        migrations.upgrade(database_url, revision)
        if revision != revisions[0]:
            migrations.downgrade(database_url, "-1")
            migrations.upgrade(database_url, revision)
    assert asyncio.run(_tables(database_url)) == set(Base.metadata.tables)


def test_an_upgrade_that_fails_part_way_leaves_the_database_as_it_was(database_url: str) -> None:
    """An upgrade is one transaction on both databases: a half-done one would leave a file that a later
    start (or a process starting beside it) cannot migrate ("duplicate column name")."""
    migrations.upgrade(database_url, "0002_moderation")

    def fail_in_0004(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "reply_message_id" in statement:
            raise RuntimeError("the disk filled up")

    event.listen(Engine, "before_cursor_execute", fail_in_0004)
    try:
        with pytest.raises(RuntimeError, match="disk filled up"):
            migrations.upgrade(database_url)
    finally:
        event.remove(Engine, "before_cursor_execute", fail_in_0004)
    assert migrations.check(database_url) == ("0002_moderation",)
    assert "claimed_by" not in asyncio.run(_columns(database_url, "job"))  # 0003's work was undone too
    migrations.upgrade(database_url)
    assert asyncio.run(_diff(database_url)) == []


def test_processes_starting_together_each_find_the_database_migrated(database_url: str) -> None:
    """Several bot processes (or the bot and `imagine-bot generate`) start at once on one database."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    migrations.upgrade(database_url, "0002_moderation")  # an upgrade with work left to do
    starting = [
        subprocess.Popen(
            [sys.executable, "-c", f"import migrations; migrations.upgrade({database_url!r})"],
            cwd=root,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    try:
        for process in starting:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err.decode()[-2000:]
    finally:
        for process in starting:  # a failure above leaves the others to be reaped
            process.kill()
            process.communicate()
    script = ScriptDirectory.from_config(migrations.alembic_config(database_url))
    assert migrations.check(database_url) == (script.get_current_head(),)


def test_tables_of_our_names_without_a_migration_record_are_refused_in_one_line(database_url: str) -> None:
    """A database made some other way (another program's `job` table, or tables created without
    `imagine-bot migrate`) is named as such, instead of failing on the first CREATE TABLE."""

    async def make_foreign_table() -> None:
        engine = make_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE job (id INTEGER PRIMARY KEY, title TEXT)"))
            await connection.execute(text("CREATE TABLE invoice (id INTEGER PRIMARY KEY)"))
        await engine.dispose()

    asyncio.run(make_foreign_table())
    with pytest.raises(migrations.DatabaseProblem, match=r"tables named job but no record") as refused:
        migrations.upgrade(database_url)
    assert "new, empty database" in str(refused.value)
    assert asyncio.run(_tables(database_url)) == {"job", "invoice"}  # nothing was touched


def test_a_database_shared_with_tables_of_other_names_is_migrated(database_url: str) -> None:
    async def make_other_table() -> None:
        engine = make_engine(database_url)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE invoice (id INTEGER PRIMARY KEY)"))
        await engine.dispose()

    asyncio.run(make_other_table())
    migrations.upgrade(database_url)
    assert asyncio.run(_tables(database_url)) == set(Base.metadata.tables) | {"invoice"}


def test_rebuilding_the_job_table_keeps_its_images_and_the_links_between_jobs(database_url: str) -> None:
    """SQLite alters a column by copying the table and dropping the old one; with foreign keys on, the
    drop deleted every job's images (ON DELETE CASCADE) and unlinked every upscale from its source."""
    migrations.upgrade(database_url, "0004_job_reply_message")

    async def add_jobs() -> None:
        engine = make_engine(database_url)
        async with engine.begin() as connection:
            for job_id, parent in ((1, None), (2, 1)):
                await connection.execute(
                    text(
                        "INSERT INTO job (id, user_id, kind, model, params, status, cost, created_at, "
                        "channel_age_restricted, parent_job_id) VALUES (:id, 5, 'txt2img', 'demo', '{}', "
                        "'done', 1, '2026-01-01 00:00:00+00:00', false, :parent)"
                    ),
                    {"id": job_id, "parent": parent},
                )
            await connection.execute(
                text(
                    'INSERT INTO job_image (job_id, "index", seed, path, verdict, action, labels) '
                    "VALUES (1, 0, 7, 'images/0000/1/0.png', 'safe', 'post', '[]')"
                )
            )
        await engine.dispose()

    async def read() -> tuple[list[tuple[int, int | None]], list[tuple[int, str]]]:
        engine = make_engine(database_url)
        async with engine.connect() as connection:
            jobs = (await connection.execute(text("SELECT id, parent_job_id FROM job ORDER BY id"))).all()
            images = (await connection.execute(text("SELECT job_id, path FROM job_image"))).all()
        await engine.dispose()
        return [tuple(row) for row in jobs], [tuple(row) for row in images]  # type: ignore[misc]

    asyncio.run(add_jobs())
    migrations.upgrade(database_url)  # 0005 rebuilds `job` on SQLite
    assert asyncio.run(read()) == ([(1, None), (2, 1)], [(1, "images/0000/1/0.png")])


def test_jobs_made_before_from_an_upload_are_found_down_their_whole_line(database_url: str) -> None:
    """0010 marks every img2img job and every follow-up down from one, however deep; nothing else."""
    migrations.upgrade(database_url, "0009_job_ids_never_reused")
    jobs = [  # id, kind, parent
        (1, "img2img", None),
        (2, "variation", 1),
        (3, "upscale", 2),
        (4, "img2img", 3),  # a rerun keeps its kind
        (5, "txt2img", None),
        (6, "variation", 5),
        (7, "upscale", 6),
    ]

    async def add_jobs() -> None:
        engine = make_engine(database_url)
        async with engine.begin() as connection:
            for job_id, kind, parent in jobs:
                await connection.execute(
                    text(
                        "INSERT INTO job (id, user_id, kind, model, params, status, cost, created_at, "
                        "channel_age_restricted, parent_job_id) VALUES (:id, 5, :kind, 'demo', '{}', "
                        "'done', 1, '2026-01-01 00:00:00+00:00', false, :parent)"
                    ),
                    {"id": job_id, "kind": kind, "parent": parent},
                )
        await engine.dispose()

    async def read() -> dict[int, bool]:
        engine = make_engine(database_url)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT id, from_upload FROM job"))).all()
        await engine.dispose()
        return {job_id: bool(flag) for job_id, flag in rows}

    asyncio.run(add_jobs())
    migrations.upgrade(database_url)
    assert asyncio.run(read()) == {1: True, 2: True, 3: True, 4: True, 5: False, 6: False, 7: False}


def test_a_port_where_another_service_answers_is_told_in_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Redis's port in DATABASE_URL: the connection opens and PostgreSQL's handshake never completes;
    asyncpg waited a minute before saying so."""
    import socket

    import moderation.database

    monkeypatch.setattr(moderation.database, "POSTGRES_CONNECT_TIMEOUT_S", 0.5)
    with socket.socket() as listener:  # accepts connections (the backlog), never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(migrations.DatabaseProblem) as refused:
            migrations.check(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/imagine")
    assert "timed out" in str(refused.value)
    assert "another service than PostgreSQL listens on that port" in str(refused.value)
