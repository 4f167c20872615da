"""Fixtures shared by every test package: the tiny model and real databases."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from generation.demo_model import make_demo_model

POSTGRES_ADMIN_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def demo_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny random-weight SD 1.x pipeline, built once per test session."""
    return make_demo_model(tmp_path_factory.mktemp("models") / "demo")


@dataclass
class LoopbackHub:
    """A Hugging Face Hub on loopback that has nothing: 404 to every request, each one recorded."""

    endpoint: str
    requests: list[str] = field(default_factory=list)


def point_the_hub_at(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """Send what would go to the Hugging Face Hub to `endpoint`: its address, and what took the address
    at import (the file URLs downloads build, the client that asks for a model's revision)."""
    from huggingface_hub import constants, hf_api

    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    monkeypatch.setattr(hf_api.api, "endpoint", endpoint)
    monkeypatch.setattr(
        constants, "HUGGINGFACE_CO_URL_TEMPLATE", endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    )


# Nothing listens on port 1 of loopback: a Hub there refuses every connection.
UNREACHABLE_HUB = "http://127.0.0.1:1"


@pytest.fixture
def unreachable_hub(monkeypatch: pytest.MonkeyPatch) -> str:
    """The Hub out of reach, as on a machine without the internet (but refusing at once)."""
    point_the_hub_at(monkeypatch, UNREACHABLE_HUB)
    return UNREACHABLE_HUB


@pytest.fixture
def loopback_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackHub]:
    """The Hub the code under test asks instead of the real one: within reach, but without any model
    (a test needing one puts it in `hub_cache`)."""

    class NothingHere(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            hub.requests.append(f"{self.command} {self.path}")
            self.send_response(404)
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, format: str, *args: Any) -> None:
            pass  # not on stderr, where the commands' own lines are read

    with ThreadingHTTPServer(("127.0.0.1", 0), NothingHere) as server:
        hub = LoopbackHub(f"http://127.0.0.1:{server.server_address[1]}")
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        point_the_hub_at(monkeypatch, hub.endpoint)
        try:
            yield hub
        finally:
            server.shutdown()
            serving.join()


# The Hugging Face ids under which `hub_cache` holds the tiny model and its preview decoder.
CACHED_HUB_ID = "someorg/tiny-sd"
CACHED_PREVIEW_HUB_ID = "someorg/tiny-taesd"


@pytest.fixture
def hub_cache(tmp_path: Path, demo_model: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Hugging Face cache (HF_HUB_CACHE) of its own holding the tiny model as CACHED_HUB_ID and its
    preview decoder as CACHED_PREVIEW_HUB_ID, laid out as a download leaves them: a snapshot folder
    per commit, and refs/main naming the commit."""
    from huggingface_hub import constants

    cache = tmp_path / "hub-cache"
    commit = "0123456789abcdef0123456789abcdef01234567"
    for repo_id, folder in ((CACHED_HUB_ID, demo_model), (CACHED_PREVIEW_HUB_ID, demo_model / "preview_vae")):
        repo = cache / f"models--{repo_id.replace('/', '--')}"
        shutil.copytree(folder, repo / "snapshots" / commit)
        (repo / "refs").mkdir()
        (repo / "refs" / "main").write_text(commit)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    return cache


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
