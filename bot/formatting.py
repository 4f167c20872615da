"""What a job looks like in Discord: its embed, its files (kept under the upload limit) and its buttons."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import discord
from PIL import ExifTags, Image

from bot import wording
from bot.custom_ids import Action
from generation.models import Job, JobImage, JobStatus
from generation.params import JobKind, upscalable
from moderation.outcome import ImageAction

# Discord's smallest per-file upload limit; used when no interaction told us the real one.
DEFAULT_FILESIZE_LIMIT = 10 * 1024 * 1024
EMBED_COLOUR = discord.Colour.blurple()
# Re-encodings tried, in order, when the PNG is over the limit: (format, quality, scale).
_FALLBACKS = (
    ("WEBP", 90, 1.0),
    ("JPEG", 88, 1.0),
    ("JPEG", 75, 1.0),
    ("JPEG", 75, 0.5),
    ("JPEG", 70, 0.25),
)


@dataclass(frozen=True)
class ImageUpload:
    """One image ready to attach: bytes, a file name, whether it goes behind a spoiler."""

    data: bytes
    filename: str
    spoiler: bool

    def to_file(self) -> discord.File:
        # A discord.File is consumed by one request; make a fresh one for every attempt.
        return discord.File(io.BytesIO(self.data), filename=self.filename, spoiler=self.spoiler)


def exif_from_png_text(text: dict[str, str]) -> Image.Exif:
    """The PNG's text chunks as EXIF, which WebP and JPEG carry: what made the image stays with it.

    The generation parameters go where other Stable Diffusion tools put them (UserComment, as
    UTF-16 under the EXIF "UNICODE" marker), the disclaimer and license into ImageDescription.
    """
    exif = Image.Exif()
    if "Software" in text:
        exif[ExifTags.Base.Software] = text["Software"]
    description = " ".join(text[key] for key in ("Disclaimer", "License") if key in text)
    if description:
        exif[ExifTags.Base.ImageDescription] = description
    if "parameters" in text:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.UserComment] = b"UNICODE\0" + text["parameters"].encode(
            "utf-16-be"
        )
    return exif


def fit_image(png: bytes, limit: int) -> tuple[bytes, str] | None:
    """The PNG itself if it fits in `limit` bytes, else a smaller re-encoding (metadata kept), else None."""
    if len(png) <= limit:
        return png, "png"
    with Image.open(io.BytesIO(png)) as original:
        exif = exif_from_png_text(dict(getattr(original, "text", {})))
        image = original.convert("RGB")
    for fmt, quality, scale in _FALLBACKS:
        candidate = image
        if scale != 1.0:
            size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
            candidate = image.resize(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        candidate.save(buffer, format=fmt, quality=quality, exif=exif)
        if buffer.tell() <= limit:
            return buffer.getvalue(), fmt.lower().replace("jpeg", "jpg")
    return None


def image_uploads(job: Job, limit: int, *, spoilers_shown: bool = True) -> list[ImageUpload]:
    """The job's postable images as uploads (withheld ones and ones that cannot fit are left out, and
    spoilered ones unless `spoilers_shown`)."""
    uploads = []
    for image in postable_images(job, spoilers_shown=spoilers_shown):
        assert image.path is not None
        path = Path(image.path)
        if not path.is_file():
            continue
        fitted = fit_image(path.read_bytes(), limit)
        if fitted is None:
            continue
        data, extension = fitted
        uploads.append(
            ImageUpload(
                data=data,
                filename=f"job{job.id}-{image.index + 1}-seed{image.seed}.{extension}",
                spoiler=image.action is ImageAction.SPOILER,
            )
        )
    return uploads


def postable_images(job: Job, *, spoilers_shown: bool = True) -> list[JobImage]:
    return [
        image
        for image in job.images
        if image.path
        and image.action is not ImageAction.WITHHOLD
        and (spoilers_shown or image.action is not ImageAction.SPOILER)
    ]


def job_embed(job: Job, license_name: str, *, spoilers_shown: bool = True) -> discord.Embed:
    """Prompt, seeds, model, steps, sampler, size and license of a job.

    The seed of an image not shown here is left out too: with the prompt and settings beside it, it
    would let anyone make that image again."""
    params = job.generation_params
    # A refused prompt is its owner's alone; a job blocked while it waited in the queue (a moderator
    # banned a term meanwhile) still ends in the channel's message, without its prompt.
    refused = job.status is JobStatus.BLOCKED
    title = None if refused else wording.shorten(params.prompt, 250)
    embed = discord.Embed(title=title, colour=EMBED_COLOUR)
    if params.negative_prompt and not refused:
        # A field's value renders markdown, masked links included (a title renders none of those).
        embed.add_field(name="Negative", value=wording.as_typed(params.negative_prompt, 1000), inline=False)
    shown = (ImageAction.POST, ImageAction.SPOILER) if spoilers_shown else (ImageAction.POST,)
    seeds = ", ".join(
        str(image.seed) if image.action in shown else "withheld" for image in job.images
    ) or ", ".join(str(seed) for seed in params.seeds)
    embed.add_field(name="Seeds" if params.count > 1 else "Seed", value=seeds)
    embed.add_field(name="Model", value=params.model)
    embed.add_field(name="Size", value=f"{params.width}×{params.height}")
    embed.add_field(name="Steps", value=str(params.steps))
    embed.add_field(name="Sampler", value=params.sampler.label)
    embed.add_field(name="CFG", value=f"{params.guidance:g}")
    if job.kind is not JobKind.TXT2IMG:
        embed.add_field(name="Strength", value=f"{params.strength:g}")
    embed.add_field(name="License", value=license_name)
    parent = f" · from job #{job.parent_job_id}" if job.parent_job_id is not None else ""
    embed.set_footer(text=f"{result_footer(job.id)} {job.kind.value}{parent} · AI-generated")
    return embed


def result_footer(job_id: int) -> str:
    """How the footer of a job's result embed begins."""
    return f"Job #{job_id} ·"


def result_view(
    job: Job, *, spoilers_shown: bool = True, max_pixels: int | None = None
) -> discord.ui.View | None:
    """Buttons under a finished job: upscale and vary each posted image, rerun, delete.

    `max_pixels` is the server's limit on an image's pixels as it is now, when known.
    """
    # Imported here: bot.buttons needs the client's types, which need this module.
    from bot.buttons import job_button

    if job.deleted_at is not None or job.status not in (JobStatus.DONE, JobStatus.FAILED):
        return None
    view = discord.ui.View(timeout=None)
    if job.status is JobStatus.DONE:
        # No U buttons where every click would be refused: an upscale's upscale past MAX_SIDE, or
        # past the server's limit (a 768x768 result upscaled is over the default 1024x1024). A limit
        # changed later is met by the click's answer, which says why.
        params = job.generation_params
        if upscalable(params.width, params.height, max_pixels):
            for image in postable_images(job, spoilers_shown=spoilers_shown):
                view.add_item(job_button(Action.UPSCALE, job.id, image.index, row=0))
        for image in postable_images(job, spoilers_shown=spoilers_shown):
            view.add_item(job_button(Action.VARY, job.id, image.index, row=1))
    view.add_item(job_button(Action.RERUN, job.id, row=2))
    view.add_item(job_button(Action.DELETE, job.id, row=2))
    return view


def pending_view(job_id: int) -> discord.ui.View:
    """A Cancel button under a queued or running job."""
    from bot.buttons import job_button

    view = discord.ui.View(timeout=None)
    view.add_item(job_button(Action.CANCEL, job_id))
    return view


def result_content(job: Job, *, posted: int, spoilers_shown: bool = True) -> str:
    return wording.finished_line(job, posted=posted, total=len(job.images), spoilers_shown=spoilers_shown)


__all__ = [
    "DEFAULT_FILESIZE_LIMIT",
    "ImageUpload",
    "fit_image",
    "image_uploads",
    "job_embed",
    "pending_view",
    "result_content",
    "result_footer",
    "result_view",
]
