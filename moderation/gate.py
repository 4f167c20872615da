"""The safety gate the generation service calls: prompt screening and image classification in one place."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PIL import Image

from moderation.classifiers import SafetyClassifier, SafetyVerdict
from moderation.errors import ClassificationFailed
from moderation.policy import GuildPolicy
from moderation.screening import PromptScreener, Verdict

log = logging.getLogger(__name__)


class SafetyGate:
    """Bundles the prompt screener and the image classifier for the generation service."""

    def __init__(self, screener: PromptScreener, classifier: SafetyClassifier) -> None:
        self.screener = screener
        self.classifier = classifier

    def check_prompt(
        self, prompt: str, negative_prompt: str, policy: GuildPolicy | None, *, edits_upload: bool = False
    ) -> Verdict:
        """Screen a prompt (fast with rules alone; with semantic screening, run it in a worker thread);
        `edits_upload` for one that edits a member's uploaded picture."""
        return self.screener.screen(prompt, negative_prompt, policy, edits_upload=edits_upload)

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict | None]:
        """Classify images, one entry each; None where classification failed, which must withhold."""
        if not images:
            return []
        try:
            verdicts = self.classifier.classify(images)
        except ClassificationFailed:
            return [None] * len(images)
        except Exception:
            # Fail closed on anything, not only on errors the combined classifier wraps.
            log.exception("safety classification failed for %d images", len(images))
            return [None] * len(images)
        if len(verdicts) != len(images):
            log.error("safety classifier returned %d verdicts for %d images", len(verdicts), len(images))
            return [None] * len(images)
        return list(verdicts)
