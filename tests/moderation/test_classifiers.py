"""Image safety classifiers: NudeNet on real pixels, the CLIP checker's load path, fail-closed combination."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from moderation.classifiers import (
    ClipConceptChecker,
    CombinedClassifier,
    NudeNetClassifier,
    SafetyClassifier,
    SafetyVerdict,
    load_safety_classifiers,
)
from moderation.errors import ClassificationFailed, ClassifierUnavailable
from moderation.gate import SafetyGate
from moderation.screening import PromptScreener
from moderation.settings import ModerationSettings


class FixedClassifier:
    """A deterministic classifier honouring the protocol: flags images whose top-left pixel is pure red."""

    def __init__(self, name: str = "fixed") -> None:
        self.name = name
        self.calls = 0

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        self.calls += 1
        verdicts = []
        for image in images:
            red = image.convert("RGB").getpixel((0, 0)) == (255, 0, 0)
            verdicts.append(SafetyVerdict(unsafe=red, labels=("red",) if red else (), classifier=self.name))
        return verdicts


class BrokenClassifier:
    name = "broken"

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        raise RuntimeError("CUDA out of memory")


class ShortClassifier:
    name = "short"

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        return []


def _settings(**values: object) -> ModerationSettings:
    return ModerationSettings(_env_file=None, **values)  # type: ignore[call-arg]


def _landscape(width: int = 320, height: int = 240) -> Image.Image:
    # Sky, ground and a sun: real pixels with structure, nothing like a body.
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[: height // 2] = (110, 160, 230)
    pixels[height // 2 :] = (60, 130, 50)
    yy, xx = np.ogrid[:height, :width]
    pixels[(yy - height // 4) ** 2 + (xx - width * 3 // 4) ** 2 < (height // 8) ** 2] = (250, 220, 60)
    return Image.fromarray(pixels)


@pytest.fixture(scope="module")
def nudenet() -> NudeNetClassifier:
    return NudeNetClassifier()


def test_nudenet_runs_on_real_pixels(nudenet: NudeNetClassifier) -> None:
    verdicts = nudenet.classify([_landscape()])
    assert verdicts == [SafetyVerdict(unsafe=False, labels=(), classifier="nudenet")]


def test_nudenet_handles_odd_sizes_and_modes(nudenet: NudeNetClassifier) -> None:
    rgba = _landscape(333, 517).convert("RGBA")
    grey = _landscape(64, 48).convert("L")
    palette = _landscape(1000, 7).convert("P")
    tiny = Image.new("RGB", (1, 1), (0, 0, 0))
    wide16 = Image.fromarray(np.arange(64 * 32, dtype=np.uint16).reshape(32, 64) * 30).convert("I;16")
    verdicts = nudenet.classify([rgba, grey, palette, tiny, wide16])
    assert len(verdicts) == 5
    assert all(v.classifier == "nudenet" and not v.unsafe for v in verdicts)


def test_nudenet_threshold_and_labels_decide(
    nudenet: NudeNetClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The detector's output format, as NudeNet returns it; the decision on top of it is ours.
    found = [
        {"class": "FACE_FEMALE", "score": 0.9, "box": [0, 0, 1, 1]},
        {"class": "FEMALE_BREAST_EXPOSED", "score": 0.6, "box": [0, 0, 1, 1]},
        {"class": "BUTTOCKS_EXPOSED", "score": 0.2, "box": [0, 0, 1, 1]},
    ]
    monkeypatch.setattr(nudenet._detector, "detect_batch", lambda arrays, batch_size: [found for _ in arrays])
    [verdict] = nudenet.classify([_landscape()])
    assert verdict.unsafe
    assert verdict.labels == ("FEMALE_BREAST_EXPOSED",)


def test_nudenet_receives_bgr_like_opencv(
    nudenet: NudeNetClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[np.ndarray] = []

    def detect_batch(arrays: list[np.ndarray], batch_size: int) -> list[list[object]]:
        seen.extend(arrays)
        return [[] for _ in arrays]

    monkeypatch.setattr(nudenet._detector, "detect_batch", detect_batch)
    nudenet.classify([Image.new("RGBA", (3, 2), (255, 0, 0, 0))])
    assert seen[0].shape == (2, 3, 3)
    assert seen[0].dtype == np.uint8
    assert tuple(seen[0][0, 0]) == (0, 0, 255)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A diffusers-style folder with a tiny random-weight safety checker and its feature extractor."""
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPConfig

    from moderation.classifiers import _image_processor_class

    root = tmp_path_factory.mktemp("model")
    config = CLIPConfig(
        text_config={
            "hidden_size": 16,
            "intermediate_size": 32,
            "num_attention_heads": 2,
            "num_hidden_layers": 1,
        },
        vision_config={
            "hidden_size": 16,
            "intermediate_size": 32,
            "num_attention_heads": 2,
            "num_hidden_layers": 1,
            "image_size": 32,
            "patch_size": 8,
        },
        projection_dim=8,
    )
    StableDiffusionSafetyChecker(config).save_pretrained(root / "safety_checker")
    processor = _image_processor_class()(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    processor.save_pretrained(root / "feature_extractor")
    return root


def test_clip_checker_loads_from_a_model_folder_and_never_flags_random_weights(tiny_model: Path) -> None:
    checker = ClipConceptChecker.from_model(str(tiny_model), settings=_settings())
    verdicts = checker.classify([_landscape(), _landscape(17, 90).convert("RGBA")])
    assert verdicts == [SafetyVerdict(unsafe=False, labels=(), classifier="clip_concepts")] * 2
    assert checker.classify([]) == []


def test_clip_checker_from_configured_paths(tiny_model: Path) -> None:
    settings = _settings(clip_checker_path=str(tiny_model / "safety_checker"))
    checker = ClipConceptChecker.from_model("/nonexistent/model", settings=settings)
    assert checker.classify([_landscape()])[0].classifier == "clip_concepts"
    # A checker folder passed as the model path works too: the extractor is found beside it.
    direct = ClipConceptChecker.from_model(str(tiny_model / "safety_checker"), settings=_settings())
    assert not direct.classify([_landscape()])[0].unsafe


def test_combined_merges_verdicts_any_unsafe_wins() -> None:
    combined = CombinedClassifier([FixedClassifier("a"), FixedClassifier("b")])
    safe, red = _landscape(8, 8), Image.new("RGB", (8, 8), (255, 0, 0))
    verdicts = combined.classify([safe, red])
    assert [v.unsafe for v in verdicts] == [False, True]
    assert verdicts[1].labels == ("a:red", "b:red")
    assert verdicts[0].classifier == "a+b"
    assert isinstance(combined, SafetyClassifier)


@pytest.mark.parametrize("member", [BrokenClassifier(), ShortClassifier()])
def test_combined_fails_closed_when_a_member_fails(member: SafetyClassifier) -> None:
    first = FixedClassifier()
    combined = CombinedClassifier([first, member])
    with pytest.raises(ClassificationFailed) as caught:
        combined.classify([_landscape(8, 8)])
    assert caught.value.classifier == member.name
    assert first.calls == 1


def test_gate_turns_failures_into_none_for_every_image() -> None:
    gate = SafetyGate(PromptScreener(), CombinedClassifier([FixedClassifier(), BrokenClassifier()]))
    assert gate.classify([_landscape(8, 8), _landscape(8, 8)]) == [None, None]
    working = SafetyGate(PromptScreener(), FixedClassifier())
    [verdict] = working.classify([Image.new("RGB", (4, 4), (255, 0, 0))])
    assert verdict is not None and verdict.unsafe
    assert working.classify([]) == []
    assert not working.check_prompt("nude child", "", None).allowed


def test_load_safety_classifiers_loads_what_is_available(tiny_model: Path) -> None:
    both = load_safety_classifiers(_settings(), model_path=str(tiny_model))
    assert [c.name for c in both.classifiers] == ["clip_concepts", "nudenet"]
    only_nudenet = load_safety_classifiers(_settings(), model_path=None)
    assert [c.name for c in only_nudenet.classifiers] == ["nudenet"]
    assert not only_nudenet.classify([_landscape()])[0].unsafe


def test_load_safety_classifiers_refuses_to_start_without_any(tmp_path: Path) -> None:
    with pytest.raises(ClassifierUnavailable) as caught:
        load_safety_classifiers(_settings(nudenet=False), model_path=str(tmp_path / "missing"))
    message = str(caught.value)
    assert "CLIP concept checker" in message
    assert "MODERATION_NUDENET=false" in message
    with pytest.raises(ClassifierUnavailable):
        load_safety_classifiers(_settings(nudenet=False, clip_checker=False), model_path=None)


def test_checker_folders_that_are_missing_or_wrong_are_named_and_nothing_starts(
    tiny_model: Path, tmp_path: Path
) -> None:
    def refusal(model_path: str | None, **values: object) -> str:
        with pytest.raises(ClassifierUnavailable) as caught:
            load_safety_classifiers(_settings(nudenet=False, **values), model_path=model_path)
        return str(caught.value)

    missing = tmp_path / "checker"
    assert f"MODERATION_CLIP_CHECKER_PATH: {missing} does not exist" in refusal(
        str(tiny_model), clip_checker_path=str(missing)
    )
    missing.mkdir()
    assert "holds no safety checker (no config.json)" in refusal(None, clip_checker_path=str(missing))
    model_without_checker = tmp_path / "model"
    shutil.copytree(tiny_model / "feature_extractor", model_without_checker / "feature_extractor")
    assert f"the model {model_without_checker} has no safety_checker folder" in refusal(
        str(model_without_checker)
    )
    assert "MODERATION_CLIP_FEATURE_EXTRACTOR_PATH: /nowhere holds no feature extractor" in refusal(
        str(tiny_model), clip_feature_extractor_path="/nowhere"
    )


def test_a_checker_folder_set_on_purpose_and_wrong_stops_even_with_nudenet(tiny_model: Path) -> None:
    """A typo in MODERATION_CLIP_CHECKER_PATH was a warning in the log, and the bot ran on NudeNet
    alone: the operator had asked for both."""
    with pytest.raises(ClassifierUnavailable, match="MODERATION_CLIP_CHECKER_PATH: /nowhere does not exist"):
        load_safety_classifiers(_settings(clip_checker_path="/nowhere"), model_path=str(tiny_model))


@pytest.mark.parametrize(
    ("labels", "says"),
    [
        ('["female_breast_exposed", "FACE_F"]', "unknown label(s) FACE_F"),
        ("[]", "at least one label"),
    ],
)
def test_nudenet_labels_that_could_never_flag_an_image_stop_the_start(
    monkeypatch: pytest.MonkeyPatch, labels: str, says: str
) -> None:
    # A misspelt label left a detector that never flagged anything, while the log said it loaded.
    monkeypatch.setenv("MODERATION_NUDENET_LABELS", labels)
    with pytest.raises(ValidationError, match=re.escape(says)):
        _settings()
    monkeypatch.setenv("MODERATION_NUDENET_LABELS", '["female_breast_exposed"]')
    assert _settings().nudenet_labels == ("FEMALE_BREAST_EXPOSED",)


def test_a_semantic_threshold_for_no_category_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATION_SEMANTIC_THRESHOLDS", '{"hat": 0.5}')
    with pytest.raises(ValidationError, match="unknown category hat; the categories are minor_sexual"):
        _settings()
