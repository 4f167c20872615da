"""Plain objects for tests of the bot layer: jobs as the store returns them, without a database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, PngImagePlugin

from generation.models import ImageVerdict, Job, JobImage, JobStatus
from generation.params import GenerationParams, JobKind, Sampler
from moderation.outcome import ImageAction

# Of a bot token's form (the bot's id, a timestamp, a signature): only Discord could refuse it.
WELL_FORMED_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def make_job(
    *,
    job_id: int = 42,
    status: JobStatus = JobStatus.DONE,
    actions: tuple[ImageAction, ...] = (ImageAction.POST,),
    folder: Path | None = None,
    prompt: str = "a lighthouse at dusk",
    negative: str = "",
    kind: JobKind = JobKind.TXT2IMG,
    size: tuple[int, int] = (64, 64),
    reasons: tuple[str | None, ...] | None = None,
    error: str | None = None,
) -> Job:
    """A finished job with one image per action (written to `folder` as PNGs when given; without a
    folder, the images that were kept name files that do not exist)."""
    seeds = tuple(100 + i for i in range(len(actions)))
    params = GenerationParams(
        prompt=prompt,
        model="demo",
        negative_prompt=negative,
        width=size[0],
        height=size[1],
        steps=4,
        guidance=7.5,
        sampler=Sampler.EULER_A,
        seeds=seeds,
    )
    job = Job(
        id=job_id,
        guild_id=1,
        channel_id=2,
        user_id=3,
        kind=kind,
        model="demo",
        params=params.to_json(),
        status=status,
        error=error,
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    images = []
    for index, action in enumerate(actions):
        path = None
        if action is not ImageAction.WITHHOLD:
            path = (folder or Path("/nonexistent")) / f"{job_id}-{index}.png"
        if folder is not None and path is not None:
            info = PngImagePlugin.PngInfo()
            info.add_text("parameters", prompt)
            Image.effect_noise(size, 64).convert("RGB").save(path, pnginfo=info)
        images.append(
            JobImage(
                index=index,
                seed=seeds[index],
                path=str(path) if path else None,
                verdict=ImageVerdict.UNSAFE if action is not ImageAction.POST else ImageVerdict.SAFE,
                action=action,
                labels=[],
                reason=(reasons[index] if reasons else None),
            )
        )
    job.images = images
    return job
