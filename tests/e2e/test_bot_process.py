"""`imagine-bot run` as the operator runs it: a process of its own, stopped by a signal."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakediscord import FakeDiscord, running_fake_discord
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import migrations
from generation.models import Job, JobStatus
from generation.params import GenerationParams, JobKind
from generation.store import JobStore, NewJob
from moderation.database import make_engine, make_session_factory
from moderation.licenses import CREATIVEML_OPENRAIL_M, LicenseStore

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


async def until(condition, what: str, within_s: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + within_s
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
async def test_a_signal_closes_the_bot_and_hands_its_running_job_to_the_next_start(
    tmp_path: Path, demo_model: Path, stop: signal.Signals
) -> None:
    """docker stop, systemd and Kubernetes send SIGTERM: the bot closes as on Ctrl-C, stopping the job
    it runs and releasing its claim, so the next process takes the job over at once."""
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'imagine.db'}"
    await asyncio.to_thread(migrations.upgrade, database_url)
    engine = make_engine(database_url)
    try:
        await _stop_a_running_bot(tmp_path, demo_model, database_url, make_session_factory(engine), stop)
    finally:
        await engine.dispose()


async def _stop_a_running_bot(
    tmp_path: Path,
    demo_model: Path,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    stop: signal.Signals,
) -> None:
    async with running_fake_discord() as fake:
        assert fake.user is not None
        await LicenseStore(sessions).accept(fake.user.id, CREATIVEML_OPENRAIL_M)
        async with running_bot(fake, tmp_path, demo_model, database_url) as bot:

            async def ready() -> bool:
                assert bot.returncode is None, (tmp_path / "bot.log").read_text()
                return fake.connected and bool(fake.global_commands)

            await until(ready, "the bot did not start")
            # A job long enough to be running when the signal comes, of steps short enough that it
            # stops soon after (the tiny model on a CPU takes ~0.3 s a step at 128x128, ~30 s at 512).
            options = {"prompt": "a lighthouse", "width": 128, "height": 128, "steps": 50}
            await fake.send_interaction("imagine", options)

            async def running() -> bool:
                async with sessions() as session:
                    job = await session.scalar(select(Job))
                return job is not None and job.status is JobStatus.RUNNING

            await until(running, "the job did not start")
            bot.send_signal(stop)
            status = await asyncio.wait_for(bot.wait(), 60)
        output = (tmp_path / "bot.log").read_text()
        assert status == 0, output
        assert "released 1 unfinished jobs" in output, output
        async with sessions() as session:
            job = await session.scalar(select(Job))
        assert job is not None and job.claimed_by is None and not job.status.finished


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, tmp_path: Path, demo_model: Path, database_url: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`imagine-bot run` against the fake Discord, its output in bot.log; killed if it outlives the test."""
    model = {"demo": {"source": str(demo_model), "width": 64, "height": 64, "steps": 4}}
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DATABASE_URL": database_url,
        "GENERATION_MODELS": json.dumps(model),
        "GENERATION_DEFAULT_MODEL": "demo",
        "GENERATION_DEVICE": "cpu",
        "GENERATION_IMAGE_DIR": str(tmp_path / "images"),
        "MODERATION_NUDENET": "false",
    }
    with (tmp_path / "bot.log").open("wb") as log:
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, cwd=tmp_path, stdout=log, stderr=log
        )
        try:
            yield bot
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()


async def test_a_sigterm_while_the_bot_starts_closes_it_quietly_leaving_the_jobs_it_found(
    tmp_path: Path, demo_model: Path
) -> None:
    """Stopped while it was still starting (registering its commands; a first start downloads the
    model for minutes), the bot closed beside a start that went on: it ended with a traceback and
    status 1 ("Session is closed"), and what it had built by then was never closed."""
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'imagine.db'}"
    await asyncio.to_thread(migrations.upgrade, database_url)
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    try:
        async with running_fake_discord() as fake:
            assert fake.user is not None and fake.guild is not None
            params = GenerationParams(prompt="x", model="demo", width=64, height=64, steps=3, seeds=(1,))
            waiting = await JobStore(sessions).create(
                NewJob(user_id=fake.user.id, kind=JobKind.TXT2IMG, params=params, guild_id=fake.guild.id)
            )
            release = fake.stall("PUT", r"/applications/\d+/commands$")
            async with running_bot(fake, tmp_path, demo_model, database_url) as bot:

                async def registering() -> bool:
                    assert bot.returncode is None, (tmp_path / "bot.log").read_text()
                    return bool(fake.requests_matching("PUT", r"/applications/\d+/commands$"))

                await until(registering, "the bot did not register its commands")
                bot.send_signal(signal.SIGTERM)
                await asyncio.sleep(1)
                release.set()
                status = await asyncio.wait_for(bot.wait(), 60)
            output = (tmp_path / "bot.log").read_text()
            assert status == 0, output
            assert "Traceback" not in output, output
            job = await JobStore(sessions).get(waiting.id)
            assert job.status is JobStatus.QUEUED and job.claimed_by is None
    finally:
        await engine.dispose()
