"""The real ImagineBot against the fake Discord, with the tiny model, SQLite and a test classifier."""

from __future__ import annotations

import asyncio
import io
import re
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fakediscord import FakeDiscord, InteractionRecord, RecordedRequest, run_client, running_fake_discord
from PIL import Image

from bot.app import Settings
from bot.client import ImagineBot, point_at
from bot.settings import BotSettings
from generation.models import Job
from generation.settings import PREVIEW_VAE_FOLDER, GenerationSettings, ModelSpec
from moderation.classifiers import SafetyVerdict
from moderation.database import DatabaseSettings
from moderation.licenses import CREATIVEML_OPENRAIL_M
from moderation.settings import ModerationSettings

JSON = dict[str, Any]
EPHEMERAL = 1 << 6
DEFERRED_CHANNEL_MESSAGE = 5
STEPS = 4


@dataclass
class FlaggingClassifier:
    """A deterministic SafetyClassifier: flags every image while `flag_all` is set (random weights never do)."""

    name: str = "test-flagger"
    flag_all: bool = False
    seen: int = 0
    # After this many calls, each call waits for `release`: a running job's first preview shows, and
    # its result waits while a test acts on the running job.
    hold_after: int | None = None
    release: threading.Event = field(default_factory=threading.Event)
    calls: int = 0

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        self.calls += 1
        if self.hold_after is not None and self.calls > self.hold_after:
            assert self.release.wait(60), "the test never released the classifier"
        self.seen += len(images)
        return [
            SafetyVerdict(
                unsafe=self.flag_all, labels=("test_flag",) if self.flag_all else (), classifier=self.name
            )
            for _ in images
        ]


@dataclass
class BotWorld:
    """One fake Discord, one database and image folder; bots can be started (and restarted) on them."""

    fake: FakeDiscord
    folder: Path
    model: Path
    # SQLite in `folder`, or a fresh PostgreSQL database: every scenario runs on both.
    database_url: str
    classifier: FlaggingClassifier = field(default_factory=FlaggingClassifier)
    # Progress previews from the demo model's own tiny autoencoder, as often as they can come.
    previews: bool = False

    def settings(self) -> Settings:
        preview_vae = str(self.model / PREVIEW_VAE_FOLDER) if self.previews else None
        return Settings(
            generation=GenerationSettings(
                models={
                    "demo": ModelSpec(
                        source=str(self.model), width=64, height=64, steps=STEPS, preview_vae=preview_vae
                    )
                },
                preview_interval_s=0.0001,
                default_model="demo",
                image_dir=self.folder / "images",
                gpu_slots=1,
                device="cpu",
                dtype="float32",
                batch_wait_s=0.0,
                store_check_s=0.05,
            ),
            moderation=ModerationSettings(nudenet=False, clip_checker=False, semantic=False),
            database=DatabaseSettings(url=self.database_url),
        )

    def bot_settings(self, **overrides: Any) -> BotSettings:
        values: dict[str, Any] = {
            "token": self.fake.token,
            "api_base": self.fake.api_base,
            "gateway_url": self.fake.gateway_url,
            "cdn_hosts": (self.fake.cdn_host,),
            "cdn_scheme": "http",
            "progress_interval_s": 0.1,
        }
        values.update(overrides)
        return BotSettings(**values)

    @asynccontextmanager
    async def bot(self, *, accept_license: bool = True, **overrides: Any) -> AsyncIterator[ImagineBot]:
        """Start an ImagineBot until it is ready (model loaded, commands synced); close it after."""
        bot_settings = self.bot_settings(**overrides)
        point_at(bot_settings)
        bot = ImagineBot(bot_settings, self.settings(), classifier=self.classifier, guild_ready_timeout=0.1)
        async with run_client(bot, self.fake, ready_timeout=60) as running:
            if accept_license:
                assert self.fake.user is not None
                await running.services.licenses.accept(self.fake.user.id, CREATIVEML_OPENRAIL_M)
            yield running

    # -- what the scenarios look at -------------------------------------------------------------

    @staticmethod
    def original_path(inter: InteractionRecord) -> str:
        return rf"/webhooks/\d+/{re.escape(inter.token)}/messages/@original$"

    async def final_edit(
        self, inter: InteractionRecord, *, within_s: float = 60, after: int = 0
    ) -> RecordedRequest:
        """The edit of the original response that carries the result (its embed)."""
        return await self.fake.wait_for_request(
            "PATCH",
            self.original_path(inter),
            predicate=lambda r: bool((r.json or {}).get("embeds")),
            timeout=within_s,
            after=after,
        )

    async def private_answer(self, inter: InteractionRecord, *, within_s: float = 30) -> RecordedRequest:
        """The follow-up answering an interaction deferred privately (it takes the deferral's place)."""
        return await self.fake.wait_for_request(
            "POST", rf"/webhooks/\d+/{re.escape(inter.token)}$", timeout=within_s
        )

    async def ephemeral_answer(self, inter: InteractionRecord, *, within_s: float = 30) -> str:
        """The text of the private answer to an interaction (a direct response or an ephemeral follow-up)."""
        await inter.wait_for_ack(within_s)
        if inter.callback_type == 4:
            data = inter.callback_data or {}
            assert data.get("flags", 0) & EPHEMERAL, data
            return str(data.get("content", ""))
        request = await self.fake.wait_for_request(
            "POST", rf"/webhooks/\d+/{re.escape(inter.token)}$", timeout=within_s
        )
        assert (request.json or {}).get("flags", 0) & EPHEMERAL, request.json
        return str(request.json.get("content", ""))

    async def direct_message(self, after: int) -> RecordedRequest:
        """The next message the bot sends a member directly, after request number `after`."""
        fake = self.fake
        return await fake.wait_for_request(
            "POST",
            r"/channels/\d+/messages$",
            lambda r: r.status == 200 and fake.channels[int(r.path.split("/")[-2])].is_dm,
            timeout=30,
            after=after,
        )

    @staticmethod
    async def posted(bot: ImagineBot, job_id: int, *, within_s: float = 30) -> Job:
        """The job once the bot has recorded it as posted."""
        deadline = asyncio.get_running_loop().time() + within_s
        while True:
            job = await bot.services.generation.store.get(job_id)
            if job.posted_at is not None:
                return job
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"job {job_id} was not posted within {within_s} s (status {job.status})")
            await asyncio.sleep(0.05)

    @staticmethod
    async def first_job(bot: ImagineBot, user_id: int, *, within_s: float = 30) -> Job:
        """The user's first job, once the bot has stored it."""
        deadline = asyncio.get_running_loop().time() + within_s
        while not (jobs := await bot.services.generation.store.history(user_id)):
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no job of user {user_id} within {within_s} s")
            await asyncio.sleep(0.05)
        return jobs[-1]

    @staticmethod
    def job_id(message: JSON) -> int:
        """The job number in a result message's embed footer ("Job #12 · ...")."""
        footer = message["embeds"][0]["footer"]["text"]
        return int(footer.split("#", 1)[1].split(" ", 1)[0])

    @staticmethod
    def custom_ids(message: JSON) -> list[str]:
        return [
            component["custom_id"]
            for row in message.get("components") or []
            for component in row.get("components") or []
            if "custom_id" in component
        ]

    @staticmethod
    def png_text(data: bytes) -> dict[str, str]:
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG"
            return dict(image.text)  # type: ignore[attr-defined]

    @staticmethod
    def png_bytes(side: int = 48, colour: tuple[int, int, int] = (30, 120, 200)) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (side, side), colour).save(buffer, format="PNG")
        return buffer.getvalue()


# The end-to-end tests run on SQLite, the embedded default; those of one job's way (asked, shown,
# posted, kept over restarts and across processes) run on PostgreSQL as well. Discord's failures
# (test_bot_delivery_failures) meet the same store calls on both. The store's own tests run every
# query on both.
ON_POSTGRES_TOO = {"test_bot_imagine.py", "test_bot_delivery.py"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    kept = [
        item
        for item in items
        if "[postgres" not in item.nodeid
        or Path(str(item.fspath)).name in ON_POSTGRES_TOO
        or "/e2e/" not in Path(str(item.fspath)).as_posix()
    ]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture
async def world(tmp_path: Path, demo_model: Path, database_url: str) -> AsyncIterator[BotWorld]:
    async with running_fake_discord() as fake:
        yield BotWorld(fake=fake, folder=tmp_path, model=demo_model, database_url=database_url)
