"""Generation service fixtures: the tiny model, a real database and a scripted classifier."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

from bot.app import Services, Settings, build_services
from generation.settings import GenerationSettings, ModelSpec
from moderation.classifiers import SafetyVerdict
from moderation.database import DatabaseSettings
from moderation.settings import ModerationSettings


@dataclass
class ScriptedClassifier:
    """A deterministic SafetyClassifier: flags or fails on demand (random weights never flag)."""

    name: str = "scripted"
    flag: bool = False
    fail: bool = False
    calls: int = 0
    sizes: list[int] = field(default_factory=list)

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        self.calls += 1
        self.sizes.append(len(images))
        if self.fail:
            raise RuntimeError("classifier crashed")
        labels = ("scripted_unsafe",) if self.flag else ()
        return [SafetyVerdict(unsafe=self.flag, labels=labels, classifier=self.name) for _ in images]


@dataclass
class HeldClassifier(ScriptedClassifier):
    """A ScriptedClassifier that sets `classifying` and waits for `release` (at most 10 s) before it
    answers: the test acts while images are being judged."""

    classifying: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        self.classifying.set()
        self.release.wait(10)
        return super().classify(images)


def tiny_settings(model: Path, folder: Path, database_url: str, **generation: object) -> Settings:
    return Settings(
        generation=GenerationSettings(
            models={"demo": ModelSpec(source=str(model), width=64, height=64, steps=3)},
            default_model="demo",
            device="cpu",
            image_dir=folder / "images",
            batch_wait_s=0.02,
            **generation,  # type: ignore[arg-type]
        ),
        moderation=ModerationSettings(nudenet=False, clip_checker=False, semantic=False),
        database=DatabaseSettings(url=database_url),
    )


@pytest.fixture
def classifier() -> ScriptedClassifier:
    return ScriptedClassifier()


@pytest.fixture
async def services(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> AsyncIterator[Services]:
    built = await build_services(tiny_settings(demo_model, tmp_path, sqlite_url), classifier=classifier)
    await built.generation.start()
    yield built
    await built.close()
