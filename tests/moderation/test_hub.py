"""Weights named by a Hugging Face id load from the local cache first, and a download the Hub cannot
answer fails at once, saying why, instead of retrying for half a minute."""

from __future__ import annotations

from pathlib import Path

import pytest
from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
from huggingface_hub import constants

from moderation.classifiers import ClipConceptChecker, load_safety_classifiers
from moderation.errors import ClassifierUnavailable
from moderation.hub import hub_out_of_reach, load_cache_first
from moderation.settings import ModerationSettings
from tests.conftest import CACHED_HUB_ID, LoopbackHub


def _settings(**values: object) -> ModerationSettings:
    return ModerationSettings(_env_file=None, nudenet=False, **values)  # type: ignore[call-arg]


def test_a_cached_id_loads_its_safety_checker_without_asking_the_hub(
    hub_cache: Path, loopback_hub: LoopbackHub
) -> None:
    checker = ClipConceptChecker.from_model(CACHED_HUB_ID, settings=_settings())
    assert checker.classify([]) == []
    # Asked first, the Hub would be asked for every file, the processor_config.json that Stable
    # Diffusion repositories do not have among them. (huggingface_hub may fetch a registry of its own.)
    assert [r for r in loopback_hub.requests if CACHED_HUB_ID in r] == []


def test_a_cached_id_loads_with_the_hub_out_of_reach(hub_cache: Path, unreachable_hub: str) -> None:
    classifier = load_safety_classifiers(_settings(), model_path=CACHED_HUB_ID)
    assert classifier.name == "clip_concepts"


def test_an_id_not_in_the_cache_with_the_hub_out_of_reach_is_refused_at_once_saying_why(
    hub_cache: Path, unreachable_hub: str
) -> None:
    assert hub_out_of_reach() is not None
    with pytest.raises(ClassifierUnavailable) as refused:
        load_safety_classifiers(_settings(), model_path="otherorg/sd")
    # Said by the look at the Hub, not by a download that retried and gave up.
    assert (
        f"CLIP concept checker: otherorg/sd is not in the Hugging Face cache ({hub_cache}) and the Hub "
        f"cannot be reached at {unreachable_hub}: "
    ) in str(refused.value)
    assert "Connection refused" in str(refused.value)


def test_an_id_not_in_the_cache_is_downloaded_from_a_hub_that_answers(
    hub_cache: Path, loopback_hub: LoopbackHub
) -> None:
    assert hub_out_of_reach() is None
    with pytest.raises(OSError) as missing:
        load_cache_first(
            StableDiffusionSafetyChecker.from_pretrained, "otherorg/sd", subfolder="safety_checker"
        )
    # The Hub's own answer (it has no such repository), after asking it for the file.
    assert "not in the Hugging Face cache" not in str(missing.value)
    assert any("/otherorg/sd/resolve/main/safety_checker/config.json" in r for r in loopback_hub.requests)


def test_a_folder_and_offline_mode_load_as_they_always_did(
    demo_model: Path, hub_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[dict[str, object]] = []

    def load(source: str, **kwargs: object) -> str:
        asked.append(kwargs)
        return source

    assert load_cache_first(load, str(demo_model / "safety_checker"), subfolder=None) == str(
        demo_model / "safety_checker"
    )
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert load_cache_first(load, "otherorg/sd") == "otherorg/sd"
    # Neither is second-guessed: one call each, as asked.
    assert asked == [{"subfolder": None}, {}]
