"""The moderation package's exceptions: one root, subclasses that carry what a caller needs to answer."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moderation.licenses import ModelLicense


class ModerationError(Exception):
    """Root of every error the moderation package raises on purpose."""


class PromptBlocked(ModerationError):
    """A prompt was refused by a screening rule."""

    def __init__(
        self, rule_id: str, category: str, reason: str, *, hard_floor: bool = False, of_job: int | None = None
    ) -> None:
        super().__init__(f"{rule_id}: {reason}")
        self.rule_id = rule_id
        self.category = category
        # A sentence a user understands; the bot shows it as is.
        self.reason = reason
        # True for rules that no server policy can relax (minors, real people, personal data).
        self.hard_floor = hard_floor
        # The job whose prompt it is, for a rerun, upscale or variation: nobody typed it just now.
        self.of_job = of_job


class ClassifierUnavailable(ModerationError):
    """No image safety classifier could be loaded; the bot and the CLI refuse to start."""


class ClassificationFailed(ModerationError):
    """A safety classifier raised while classifying a batch; the batch must be withheld."""

    def __init__(self, classifier: str, cause: BaseException) -> None:
        super().__init__(f"safety classifier {classifier!r} failed: {cause!r}")
        self.classifier = classifier


class SemanticUnavailable(ModerationError):
    """The optional semantic screener was asked for but its model could not be loaded."""


class InvalidPolicy(ModerationError):
    """A guild policy setting was refused; `reason` says why in words a moderator can act on."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


class LicenseNotAccepted(ModerationError):
    """The user has not accepted the current version of the model's license."""

    def __init__(self, license: ModelLicense) -> None:
        super().__init__(f"license {license.id} version {license.version} not accepted")
        self.license = license


class UserBanned(ModerationError):
    """The user is banned from generating in this guild."""

    def __init__(self, reason: str, expires_at: datetime | None) -> None:
        until = f" until {expires_at.isoformat()}" if expires_at else ""
        super().__init__(f"banned{until}: {reason}")
        self.reason = reason
        self.expires_at = expires_at
