"""The job store: every job and every status change goes through here, and so survives restarts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from generation.errors import JobNotFound
from generation.models import ImageVerdict, Job, JobImage, JobStatus
from generation.params import GenerationParams, JobKind
from moderation.database import utcnow
from moderation.outcome import ImageAction

# Ids per IN (...) query: well under every database's limit on bound parameters.
_IDS_PER_QUERY = 500


@dataclass(frozen=True)
class NewJob:
    """What the caller knows about a job before it is stored."""

    user_id: int
    kind: JobKind
    params: GenerationParams
    guild_id: int | None = None
    channel_id: int | None = None
    parent_job_id: int | None = None
    parent_image_index: int | None = None
    init_image_path: str | None = None
    channel_age_restricted: bool = False
    interaction_token: str | None = None
    interaction_expires_at: datetime | None = None


@dataclass(frozen=True)
class ImageRecord:
    index: int
    seed: int
    path: str | None
    verdict: ImageVerdict
    action: ImageAction
    labels: tuple[str, ...] = ()
    reason: str | None = None


def job_cost(params: GenerationParams, kind: JobKind) -> int:
    """Scheduling cost: steps actually run x pixels x images (img2img skips the first steps)."""
    steps = params.steps if not kind.uses_init_image else max(1, int(params.steps * params.strength))
    return steps * params.pixels * params.count


class JobStore:
    """Async access to `job` and `job_image`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, new: NewJob) -> Job:
        """Store a job as queued and return it with its id."""
        job = Job(
            guild_id=new.guild_id,
            channel_id=new.channel_id,
            user_id=new.user_id,
            kind=new.kind,
            parent_job_id=new.parent_job_id,
            parent_image_index=new.parent_image_index,
            model=new.params.model,
            params=new.params.to_json(),
            init_image_path=new.init_image_path,
            channel_age_restricted=new.channel_age_restricted,
            status=JobStatus.QUEUED,
            cost=job_cost(new.params, new.kind),
            created_at=utcnow(),
            interaction_token=new.interaction_token,
            interaction_expires_at=new.interaction_expires_at,
        )
        async with self._sessions() as session, session.begin():
            session.add(job)
        return await self.get(job.id)

    async def create_blocked(self, new: NewJob, reason: str) -> Job:
        """Record a job that screening refused, so `/history` and moderators can see it."""
        job = await self.create(new)
        await self.finish(job.id, JobStatus.BLOCKED, error=reason)
        return await self.get(job.id)

    async def get(self, job_id: int) -> Job:
        async with self._sessions() as session:
            job = await session.get(Job, job_id)
            if job is None:
                raise JobNotFound(job_id)
            return job

    async def set_init_image(self, job_id: int, path: str) -> None:
        await self._update(job_id, init_image_path=path)

    async def mark_running(self, job_ids: Sequence[int]) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Job)
                .where(Job.id.in_(job_ids), Job.status == JobStatus.QUEUED)
                .values(status=JobStatus.RUNNING, started_at=utcnow())
            )

    async def requeue(self, job_id: int) -> None:
        """Put a job that was running back to queued (recovery after a crash, a lost replica)."""
        await self._update(job_id, status=JobStatus.QUEUED, started_at=None)

    async def finish(
        self,
        job_id: int,
        status: JobStatus,
        *,
        images: Sequence[ImageRecord] = (),
        error: str | None = None,
    ) -> Job:
        """Write the outcome and the images in one transaction; a finished job is never reopened."""
        async with self._sessions() as session, session.begin():
            job = await session.get(Job, job_id, with_for_update=True)
            if job is None:
                raise JobNotFound(job_id)
            if not job.status.finished:
                job.status = status
                job.error = error
                job.finished_at = utcnow()
                job.images = [
                    JobImage(
                        index=image.index,
                        seed=image.seed,
                        path=image.path,
                        verdict=image.verdict,
                        action=image.action,
                        labels=list(image.labels),
                        reason=image.reason,
                    )
                    for image in images
                ]
        return await self.get(job_id)

    async def unfinished(self) -> list[Job]:
        """Jobs left queued or running, oldest first: what a restart must resume."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Job).where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])).order_by(Job.id)
            )
            return list(rows)

    async def unfinished_follow_up(
        self, user_id: int, kind: JobKind, parent_job_id: int, parent_image_index: int | None
    ) -> Job | None:
        """The member's queued or running follow-up of this kind of that image, if there is one."""
        async with self._sessions() as session:
            return await session.scalar(
                select(Job)
                .where(
                    Job.user_id == user_id,
                    Job.kind == kind,
                    Job.parent_job_id == parent_job_id,
                    Job.parent_image_index == parent_image_index,
                    Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
                )
                .limit(1)
            )

    async def unposted(self) -> list[Job]:
        """Finished jobs whose result was never posted (the process died in between).

        Jobs with neither a channel nor an interaction (made by `imagine-bot generate`) have nowhere
        to be posted and are left out.
        """
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Job)
                .where(
                    Job.status.in_([JobStatus.DONE, JobStatus.FAILED]),
                    Job.posted_at.is_(None),
                    Job.deleted_at.is_(None),
                    or_(Job.channel_id.is_not(None), Job.interaction_token.is_not(None)),
                )
                .order_by(Job.id)
            )
            return list(rows)

    async def mark_posted(self, job_id: int, message_id: int | None) -> bool:
        """Record that the result is posted; False if it already was (so the caller does not repost)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Job)
                .where(Job.id == job_id, Job.posted_at.is_(None))
                .values(posted_at=utcnow(), message_id=message_id)
            )
            return bool(getattr(result, "rowcount", 0))

    async def withdrawn(self, job_ids: Sequence[int]) -> set[int]:
        """Of these jobs, the ones deleted or erased meanwhile (by any process sharing the store)."""
        remaining: set[int] = set()
        async with self._sessions() as session:
            for start in range(0, len(job_ids), _IDS_PER_QUERY):
                chunk = job_ids[start : start + _IDS_PER_QUERY]
                rows = await session.scalars(
                    select(Job.id).where(Job.id.in_(chunk), Job.deleted_at.is_(None))
                )
                remaining.update(rows)
        return set(job_ids) - remaining

    async def purge_blocked(self, before: datetime) -> int:
        """Delete the records of refused prompts made before `before`: their text is kept only as
        long as moderators' review of blocked prompts (see `AuditLog.purge_expired`)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(Job).where(Job.status == JobStatus.BLOCKED, Job.created_at < before)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def mark_deleted(self, job_id: int) -> None:
        await self._update(job_id, deleted_at=utcnow())

    async def history(self, user_id: int, *, guild_id: int | None = None, limit: int = 10) -> list[Job]:
        async with self._sessions() as session:
            query = select(Job).where(Job.user_id == user_id)
            if guild_id is not None:
                query = query.where(Job.guild_id == guild_id)
            rows = await session.scalars(query.order_by(Job.id.desc()).limit(limit))
            return list(rows)

    async def count_by_status(self) -> dict[JobStatus, int]:
        async with self._sessions() as session:
            rows = await session.execute(select(Job.status, func.count()).group_by(Job.status))
            return {JobStatus(status): count for status, count in rows.all()}

    async def delete_user_jobs(self, user_id: int, *, guild_id: int | None = None) -> list[Job]:
        """Delete a user's jobs, everywhere or in one guild; returns them so their files can go too."""
        query = select(Job).where(Job.user_id == user_id)
        if guild_id is not None:
            query = query.where(Job.guild_id == guild_id)
        async with self._sessions() as session, session.begin():
            jobs = list(await session.scalars(query))
            for job in jobs:
                await session.delete(job)
            return jobs

    async def _update(self, job_id: int, **values: Any) -> None:
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(Job).where(Job.id == job_id).values(**values))
            if not getattr(result, "rowcount", 0):
                raise JobNotFound(job_id)
