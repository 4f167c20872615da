"""What happens to a generated image once it has been classified: post, spoiler, or withhold."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from moderation.classifiers import SafetyVerdict
from moderation.policy import GuildPolicy, NsfwMode


class ImageAction(StrEnum):
    """The action the bot takes with one image."""

    POST = "post"
    SPOILER = "spoiler"
    WITHHOLD = "withhold"


@dataclass(frozen=True, slots=True)
class ImageOutcome:
    """The action and, unless the image is simply posted, a sentence saying why."""

    action: ImageAction
    reason: str | None


def decide_image_outcome(
    verdict: SafetyVerdict | None,
    policy: GuildPolicy,
    *,
    channel_age_restricted: bool,
    from_upload: bool = False,
) -> ImageOutcome:
    """Decide one image's fate; `verdict=None` means classification failed, which always withholds.

    `from_upload`: the image was made from a member's uploaded picture (or from an image that was),
    which may show a real person; flagged, it is withheld whatever the server allows.
    """
    if verdict is None:
        return ImageOutcome(
            ImageAction.WITHHOLD, "The safety check could not run, so the image was withheld."
        )
    if not verdict.unsafe:
        return ImageOutcome(ImageAction.POST, None)
    if from_upload:
        return ImageOutcome(
            ImageAction.WITHHOLD,
            "The safety check flagged this image. Images made from an uploaded picture are never shown "
            "when flagged: it may show a real person.",
        )
    if policy.nsfw_mode is NsfwMode.AGE_RESTRICTED:
        if channel_age_restricted:
            return ImageOutcome(ImageAction.SPOILER, "The safety check flagged this image as sensitive.")
        return ImageOutcome(
            ImageAction.WITHHOLD,
            "The safety check flagged this image; this server shows such images only in age-restricted "
            "channels.",
        )
    return ImageOutcome(
        ImageAction.WITHHOLD, "The safety check flagged this image as unsafe, so it was withheld."
    )
