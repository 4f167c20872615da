"""Image safety classifiers: a small protocol, two implementations, and their combination.

Every output image passes `CombinedClassifier`; any classifier saying "unsafe" wins, and any classifier
failing makes the whole batch fail, so that the caller withholds it (fail closed). Classification is
synchronous and CPU/GPU bound: callers run it in a worker thread, never on the event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from PIL import Image

from moderation.errors import ClassificationFailed, ClassifierUnavailable
from moderation.hub import load_cache_first
from moderation.settings import DEFAULT_NUDENET_LABELS, ModerationSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SafetyVerdict:
    """One image's classification."""

    unsafe: bool
    labels: tuple[str, ...] = ()
    classifier: str = ""


@runtime_checkable
class SafetyClassifier(Protocol):
    """Classifies images as safe or unsafe, one verdict per image, in order."""

    name: str

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        """Classify `images`; synchronous, so callers run it in a worker thread."""
        ...


def _rgb(image: Image.Image) -> Image.Image:
    # Alpha is dropped rather than composited: transparent pixels keep their colour, so nothing can hide
    # under a transparent layer. Palette, greyscale and 16-bit images become 8-bit RGB.
    return image if image.mode == "RGB" else image.convert("RGB")


class ClipConceptChecker:
    """The CLIP concept checker shipped with Stable Diffusion 1.x (diffusers' StableDiffusionSafetyChecker).

    It compares an image's CLIP embedding with 17 concept embeddings (3 "special care") and their
    thresholds from the weights. Random-weight checkers never flag anything.
    """

    name = "clip_concepts"

    def __init__(
        self,
        checker_path: str | Path,
        feature_extractor_path: str | Path,
        *,
        subfolder: str | None = None,
        feature_extractor_subfolder: str | None = None,
        device: str = "cpu",
        dtype: Any = None,
    ) -> None:
        # Imported here so that screening prompts never pays for importing torch.
        import torch
        from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker

        self._torch = torch
        self._device = torch.device(device)
        self._dtype = dtype or torch.float32
        extra: dict[str, Any] = {"subfolder": subfolder} if subfolder else {}
        checker: Any = load_cache_first(
            StableDiffusionSafetyChecker.from_pretrained, str(checker_path), torch_dtype=self._dtype, **extra
        )
        self._checker = checker.to(self._device).eval()
        extra = {"subfolder": feature_extractor_subfolder} if feature_extractor_subfolder else {}
        self._processor = load_cache_first(
            _image_processor_class().from_pretrained, str(feature_extractor_path), **extra
        )

    @classmethod
    def from_model(
        cls, model_path: str, *, settings: ModerationSettings, device: str = "cpu", dtype: Any = None
    ) -> ClipConceptChecker:
        """Load from a diffusers model (folder or hub id), a checker folder, or the folders the settings name.

        The feature extractor is looked for next to the checker: in the same folder, or in a sibling
        `feature_extractor` folder, as in a diffusers model.
        """
        checker_dir = Path(settings.clip_checker_path or model_path)
        if settings.clip_checker_path is None and (checker_dir / "safety_checker").is_dir():
            checker_dir = checker_dir / "safety_checker"
        if settings.clip_checker_path is None and not checker_dir.is_dir():
            # A hub id: both parts come from the local hub cache, as subfolders of the model.
            extractor = settings.clip_feature_extractor_path
            return cls(
                model_path,
                extractor or model_path,
                subfolder="safety_checker",
                feature_extractor_subfolder=None if extractor else "feature_extractor",
                device=device,
                dtype=dtype,
            )
        if settings.clip_feature_extractor_path:
            extractor_dir = Path(settings.clip_feature_extractor_path)
        elif (checker_dir / "preprocessor_config.json").is_file():
            extractor_dir = checker_dir
        else:
            extractor_dir = checker_dir.parent / "feature_extractor"
        return cls(checker_dir, extractor_dir, device=device, dtype=dtype)

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        """Run the checker's forward pass on `images`."""
        if not images:
            return []
        pixels = self._processor(images=[_rgb(i) for i in images], return_tensors="pt").pixel_values
        pixels = pixels.to(self._device, self._dtype)
        # The checker blacks out flagged images in place; it gets placeholders, as only the flags matter.
        placeholders = [np.zeros((1, 1, 3), dtype=np.float32) for _ in images]
        with self._torch.inference_mode():
            _, flags = self._checker(clip_input=pixels, images=placeholders)
        return [
            SafetyVerdict(unsafe=bool(flag), labels=("nsfw_concept",) if flag else (), classifier=self.name)
            for flag in flags
        ]


def _image_processor_class() -> Any:
    # transformers 5 names the PIL implementation separately and warns when CLIPImageProcessor falls back
    # to it for lack of torchvision; asking for it by name is the same processor without the warning.
    import transformers

    return getattr(transformers, "CLIPImageProcessorPil", None) or transformers.CLIPImageProcessor


class NudeNetClassifier:
    """NudeNet's ONNX detector (shipped inside the `nudenet` wheel), flagging exposed body parts.

    Licence note: NudeNet is AGPL-3.0. It is an optional extra (`imagine-bot[nudenet]`); an operator
    who installs it takes on the AGPL's terms for the combined service.
    """

    name = "nudenet"

    def __init__(self, *, threshold: float = 0.45, labels: Sequence[str] = DEFAULT_NUDENET_LABELS) -> None:
        from nudenet import NudeDetector

        self._detector = NudeDetector()
        self._threshold = threshold
        self._labels = frozenset(labels)

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        """Detect body parts; an image is unsafe when a listed label scores at least the threshold."""
        if not images:
            return []
        # NudeNet reads arrays the way OpenCV loads files: 8-bit BGR.
        arrays = [np.ascontiguousarray(np.asarray(_rgb(i))[:, :, ::-1]) for i in images]
        detections = self._detector.detect_batch(arrays, batch_size=len(arrays))
        verdicts = []
        for found in detections:
            labels = sorted(
                {d["class"] for d in found if d["class"] in self._labels and d["score"] >= self._threshold}
            )
            verdicts.append(SafetyVerdict(unsafe=bool(labels), labels=tuple(labels), classifier=self.name))
        return verdicts


class CombinedClassifier:
    """Runs every classifier; any unsafe verdict wins and any failure fails the batch."""

    def __init__(self, classifiers: Sequence[SafetyClassifier]) -> None:
        if not classifiers:
            raise ClassifierUnavailable("a combined classifier needs at least one classifier")
        self.classifiers = tuple(classifiers)
        self.name = "+".join(c.name for c in self.classifiers)

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        """Classify with every member; raises `ClassificationFailed` if any member fails."""
        if not images:
            return []
        unsafe = [False] * len(images)
        labels: list[list[str]] = [[] for _ in images]
        for classifier in self.classifiers:
            try:
                verdicts = classifier.classify(images)
            except Exception as exc:
                log.exception("safety classifier %s failed on a batch of %d", classifier.name, len(images))
                raise ClassificationFailed(classifier.name, exc) from exc
            if len(verdicts) != len(images):
                raise ClassificationFailed(
                    classifier.name, ValueError(f"{len(verdicts)} verdicts for {len(images)} images")
                )
            for i, verdict in enumerate(verdicts):
                unsafe[i] = unsafe[i] or verdict.unsafe
                labels[i].extend(f"{classifier.name}:{label}" for label in verdict.labels)
        return [
            SafetyVerdict(unsafe=u, labels=tuple(dict.fromkeys(ls)), classifier=self.name)
            for u, ls in zip(unsafe, labels, strict=True)
        ]


def _holds_checker(folder: Path) -> bool:
    """A checker folder, or a model folder with one inside (as `ClipConceptChecker.from_model` reads)."""
    return (folder / "config.json").is_file() or (folder / "safety_checker" / "config.json").is_file()


def _configured_folders_problem(settings: ModerationSettings) -> str | None:
    """What is wrong with the folders the operator named for the CLIP checker, said before loading (a
    path that is not there would otherwise be taken for a Hugging Face id and refused as one)."""
    checker_setting = settings.clip_checker_path
    if checker_setting is not None:
        checker = Path(checker_setting).expanduser()
        if not checker.exists():
            return f"MODERATION_CLIP_CHECKER_PATH: {checker_setting} does not exist"
        if not _holds_checker(checker):
            return (
                f"MODERATION_CLIP_CHECKER_PATH: {checker_setting} holds no safety checker (no config.json); "
                "name the safety_checker folder of a Stable Diffusion 1.x model"
            )
    extractor = settings.clip_feature_extractor_path
    if extractor is not None and not (Path(extractor).expanduser() / "preprocessor_config.json").is_file():
        return (
            f"MODERATION_CLIP_FEATURE_EXTRACTOR_PATH: {extractor} holds no feature extractor "
            "(no preprocessor_config.json); name the feature_extractor folder of a Stable Diffusion 1.x model"
        )
    return None


def _model_folder_problem(settings: ModerationSettings, model_path: str | None) -> str | None:
    """Why the model's own folder cannot give the CLIP checker, when no folder is configured for it."""
    if settings.clip_checker_path is None and model_path is not None:
        folder = Path(model_path)
        if folder.is_dir() and not _holds_checker(folder):
            return (
                f"the model {model_path} has no safety_checker folder; set MODERATION_CLIP_CHECKER_PATH to "
                "the safety_checker folder of a Stable Diffusion 1.x model (its feature_extractor beside it)"
            )
    return None


def load_safety_classifiers(
    settings: ModerationSettings, *, model_path: str | None, device: str = "cpu", dtype: Any = None
) -> CombinedClassifier:
    """Load every configured classifier that can load; raise `ClassifierUnavailable` when none does."""
    loaded: list[SafetyClassifier] = []
    problems: list[str] = []
    # 1. The CLIP concept checker from the model's weights (or a configured folder).
    if not settings.clip_checker:
        problems.append("CLIP concept checker: disabled (MODERATION_CLIP_CHECKER=false)")
    elif model_path is None and settings.clip_checker_path is None:
        problems.append("CLIP concept checker: no model path and no MODERATION_CLIP_CHECKER_PATH")
    elif problem := _configured_folders_problem(settings):
        # Named on purpose and wrong: the operator meant this checker to run, and the bot must not go on
        # without it because another classifier happens to load.
        raise ClassifierUnavailable(f"the CLIP concept checker cannot load: {problem}")
    elif problem := _model_folder_problem(settings, model_path):
        problems.append(f"CLIP concept checker: {problem}")
    else:
        try:
            loaded.append(
                ClipConceptChecker.from_model(model_path or "", settings=settings, device=device, dtype=dtype)
            )
        except Exception as exc:
            problems.append(
                f"CLIP concept checker: {exc}; the model needs its safety_checker and feature_extractor "
                "folders, or set MODERATION_CLIP_CHECKER_PATH to an SD 1.x safety_checker folder"
            )
    # 2. NudeNet, when its extra is installed.
    if not settings.nudenet:
        problems.append("NudeNet: disabled (MODERATION_NUDENET=false)")
    else:
        try:
            loaded.append(
                NudeNetClassifier(threshold=settings.nudenet_threshold, labels=settings.nudenet_labels)
            )
        except ImportError:
            problems.append("NudeNet: not installed; pip install 'imagine-bot[nudenet]' (AGPL-3.0)")
        except Exception as exc:
            problems.append(f"NudeNet: {exc!r}")
    for problem in problems:
        log.warning("safety classifier not loaded: %s", problem)
    if not loaded:
        raise ClassifierUnavailable(
            "no image safety classifier could be loaded, and the bot does not run without one:\n  "
            + "\n  ".join(problems)
        )
    log.info("safety classifiers loaded: %s", ", ".join(c.name for c in loaded))
    return CombinedClassifier(loaded)
