"""Errors of the generation package; the bot turns each into wording for people in one place."""

from __future__ import annotations


class GenerationError(Exception):
    """Root of every error raised by `generation`."""


class InvalidParameters(GenerationError):
    """A parameter is out of range; `field` names what to change."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class InvalidImage(GenerationError):
    """An init image could not be used (not an image, too large, a decompression bomb...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SourceUnavailable(GenerationError):
    """The image a follow-up (upscale, variation) starts from can't be used: the job was deleted,
    that image was withheld, or it is too large to upscale. Nothing the member typed is at fault."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AlreadyOnItsWay(GenerationError):
    """The same follow-up (an upscale of one image, which gives the same picture every time) is
    already queued or running for this member."""

    def __init__(self, job_id: int, what: str) -> None:
        super().__init__(f"{what} is already on its way as job #{job_id}")
        self.job_id = job_id


class ImageRejected(GenerationError):
    """The init image did not pass the safety classifier, or the classifier failed on it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ImageFolderTaken(GenerationError):
    """GENERATION_IMAGE_DIR holds the images of another database than the one the bot is started on."""

    def __init__(self, folder: str, theirs: str, ours: str) -> None:
        super().__init__(f"{folder} holds the images of database {theirs}, not of this one ({ours})")
        self.folder = folder
        self.theirs = theirs
        self.ours = ours


class ModelUnavailable(GenerationError):
    """The model could not be loaded, or the named model is not in the registry; `model` names the
    model that would not load, where one did."""

    def __init__(self, message: str, model: str | None = None) -> None:
        super().__init__(message)
        self.model = model


class QueueFull(GenerationError):
    """A queue cap was hit; `scope` is "user", "guild" or "global" and `limit` the cap."""

    def __init__(self, scope: str, limit: int) -> None:
        super().__init__(f"{scope} queue limit of {limit} reached")
        self.scope = scope
        self.limit = limit


class JobNotFound(GenerationError):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"job {job_id} not found")
        self.job_id = job_id


class NotAllowed(GenerationError):
    """The user may not do this to that job (cancel or delete someone else's)."""


class ImagesNotStored(GenerationError):
    """A job's images could not be written to the image folder (full, read-only): the job fails."""


class RequestErased(GenerationError):
    """The member's data was erased (/forget-me, or /mod purge in that server) while this request
    was being checked: nothing of it is kept, as nothing asked for before an erasure may outlive it."""


class JobCancelled(GenerationError):
    """Raised inside a pipeline call to stop it early."""


class JobTimedOut(GenerationError):
    def __init__(self, seconds: float, *, started: bool = True) -> None:
        if started:
            message = f"the job took longer than {_duration(seconds)}"
        else:
            message = (
                f"the image generator did not start the job within {_duration(seconds)}; try again later"
            )
        super().__init__(message)
        self.seconds = seconds


class BackendError(GenerationError):
    """The backend failed to run a batch (GPU error, replica lost...)."""


class OutOfMemory(BackendError):
    """The device ran out of memory for a batch of this size."""


class BackendUnavailable(BackendError):
    """Nothing is there to run batches on (the Ray cluster or every replica is gone): a batch sent
    meanwhile was lost with it, through no fault of its jobs, which wait for the backend to come back.
    `waited_s` is set once they have waited as long as they may, and fail."""

    def __init__(self, message: str, *, waited_s: float | None = None) -> None:
        super().__init__(message)
        self.waited_s = waited_s


class DeviceFailed(BackendError):
    """The GPU failed in a way that leaves it unusable until its process restarts (an illegal
    memory access, a device-side assert): every later batch on it would fail too."""


# Failures whose words were written for the member whose job failed. Any other failure is recorded in
# a plain sentence, its details (a traceback's text, a path, a device name) left to the log.
_TOLD_AS_IS = (
    InvalidParameters,
    InvalidImage,
    SourceUnavailable,
    ImageRejected,
    ImagesNotStored,
    JobTimedOut,
    OutOfMemory,
)


def _duration(seconds: float) -> str:
    """A limit as members read it: '15 min', '600 s', '0.3 s' (not '0 s' for a fraction of one)."""
    if seconds >= 120:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.2g} s"


def failure_reason(error: BaseException | None) -> str:
    """What a failed job's record says of `error`: members read it under their job and in `/history`."""
    if isinstance(error, _TOLD_AS_IS):
        return str(error)
    if isinstance(error, DeviceFailed):
        return "the GPU failed and the bot must be restarted; its operator can see why in the log"
    if isinstance(error, BackendUnavailable) and error.waited_s is not None:
        shown = _duration(error.waited_s)
        return f"the image generator was unavailable for over {shown}, and the job waited no longer; try again later"
    if isinstance(error, ModelUnavailable):
        if error.model is not None:
            return f"the model {error.model!r} could not be loaded; the bot's operator can see why in the log"
        return "the model could not be loaded"
    return "the image generator failed"
