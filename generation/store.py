"""The job store: every job and every status change goes through here, and so survives restarts."""

from __future__ import annotations

import os
import secrets
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from generation.errors import JobNotFound
from generation.models import Erasure, ImageVerdict, Job, JobImage, JobStatus, StoreIdentity
from generation.params import GenerationParams, JobKind, steps_run
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
    from_upload: bool = False
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


@dataclass(frozen=True)
class Claim:
    """One bot process's hold on the jobs it queued or took over.

    The process renews it while it holds them and releases it when it closes; a claim not renewed
    within `duration` (its process died) lapses, and another process takes the jobs over. Claims
    lapse by the store's clock (`JobStore.clock`), so the hosts' own clocks need not agree.
    """

    duration: timedelta
    holder: str = field(
        default_factory=lambda: f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
    )

    def until(self, now: datetime) -> datetime:
        return now + self.duration


@dataclass(frozen=True)
class Renewal:
    """What renewing a claim found about the jobs a process holds."""

    held: set[int]
    # Deleted or erased meanwhile (by any process sharing the store): stop them, show nothing more.
    deleted: set[int]
    # Finished by another process (cancelled through it, or run there after it took the job over
    # while this one's claim had lapsed), or claimed by one: stop them, record nothing.
    lost: set[int]


_UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)
# Jobs with neither a channel nor an interaction were made by `imagine-bot generate`: they are left
# to the process that made them, which alone can show their result.
_FROM_DISCORD = or_(Job.channel_id.is_not(None), Job.interaction_token.is_not(None))
# Finished with a result to show that has not been posted yet.
_UNPOSTED = (
    Job.status.in_([JobStatus.DONE, JobStatus.FAILED]),
    Job.posted_at.is_(None),
    Job.undeliverable_at.is_(None),
    Job.deleted_at.is_(None),
    _FROM_DISCORD,
)


def _free_to_take(now: datetime) -> ColumnElement[bool]:
    return or_(Job.claimed_by.is_(None), Job.claimed_until < now)


def job_cost(params: GenerationParams, kind: JobKind) -> int:
    """Scheduling cost: steps actually run x pixels x images (img2img skips the first steps)."""
    steps = steps_run(params.steps, params.strength, img2img=kind.uses_init_image)
    return steps * params.pixels * params.count


class JobStore:
    """Async access to `job` and `job_image`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def identity(self) -> str:
        """The name of this database (see `StoreIdentity`). The migration that makes the table names
        the database; one whose tables were made otherwise (a test's `create_all`) is named here."""
        async with self._sessions() as session:
            found = (
                await session.execute(select(StoreIdentity.id).order_by(StoreIdentity.created_at))
            ).scalars()
            if (name := found.first()) is not None:
                return name
        async with self._sessions.begin() as session:
            session.add(StoreIdentity(id=str(uuid.uuid4())))
        return await self.identity()

    async def clock(self) -> datetime:
        """The time by which claims are made and lapse.

        PostgreSQL's clock, which every process on every host reads alike: a host whose clock ran
        ahead would otherwise take over jobs that a live process holds, and one behind would keep
        a dead process's jobs waiting. A SQLite file is shared only by processes on one machine,
        which share its clock.
        """
        async with self._sessions() as session:
            if session.get_bind().dialect.name != "postgresql":
                return utcnow()
            now: datetime = (await session.execute(select(func.now()))).scalar_one()
            return now

    async def create(
        self,
        new: NewJob,
        claim: Claim | None = None,
        *,
        save_init: Callable[[int], Awaitable[str]] | None = None,
    ) -> Job:
        """Store a job as queued (held by `claim`'s process) and return it with its id.

        `save_init` stores the job's starting image once its id is known, and returns its path, in the
        same transaction: the database failing in between must not leave a job queued without its
        image, to be taken over and failed later though its member was told it was not made. If the
        job is not stored, the caller removes the image.
        """
        return await self._insert(
            new,
            save_init=save_init,
            status=JobStatus.QUEUED,
            claimed_by=claim.holder if claim else None,
            claimed_until=claim.until(await self.clock()) if claim else None,
        )

    async def create_blocked(
        self, new: NewJob, reason: str, *, along: Callable[[AsyncSession, int], object] | None = None
    ) -> Job:
        """Record a job that screening refused, so `/history` and moderators can see it.

        Stored finished from the start: a queued row, even for a moment, could be taken over and run.
        `along` adds other rows, given the job's id, to the same transaction (the prompt kept for
        moderators' review): the job is on record with them or not at all.
        """
        now = utcnow()
        return await self._insert(new, along=along, status=JobStatus.BLOCKED, error=reason, finished_at=now)

    async def _insert(
        self,
        new: NewJob,
        *,
        save_init: Callable[[int], Awaitable[str]] | None = None,
        along: Callable[[AsyncSession, int], object] | None = None,
        **state: Any,
    ) -> Job:
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
            from_upload=new.from_upload,
            cost=job_cost(new.params, new.kind),
            created_at=utcnow(),
            interaction_token=new.interaction_token,
            interaction_expires_at=new.interaction_expires_at,
            images=[],
            **state,
        )
        async with self._sessions() as session, session.begin():
            session.add(job)
            if save_init is not None or along is not None:
                await session.flush()  # the id names the image's folder and the rows along
            if save_init is not None:
                job.init_image_path = await save_init(job.id)
            if along is not None:
                along(session, job.id)
        # Returned as written, not read back: a read failing once the job is stored would tell its
        # member it was not, and a retry would make it twice.
        return job

    async def get(self, job_id: int) -> Job:
        async with self._sessions() as session:
            job = await session.get(Job, job_id)
            if job is None:
                raise JobNotFound(job_id)
            return job

    async def set_reply_message(self, job_id: int, message_id: int) -> None:
        await self._update(job_id, reply_message_id=message_id)

    async def mark_running(self, job_ids: Sequence[int]) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Job)
                .where(Job.id.in_(job_ids), Job.status == JobStatus.QUEUED)
                .values(status=JobStatus.RUNNING, started_at=utcnow())
            )

    async def finish(
        self,
        job_id: int,
        status: JobStatus,
        *,
        images: Sequence[ImageRecord] = (),
        error: str | None = None,
        params: GenerationParams | None = None,
        along: Callable[[AsyncSession], object] | None = None,
    ) -> Job:
        """Write the outcome and the images in one transaction; a finished job is never reopened.

        `params` replaces the job's parameters as kept (a refused prompt, its personal data left
        out). `along` adds other rows to that transaction (the audit entries of images withheld),
        written only with this outcome: not for a job finished otherwise meanwhile, nor for one erased.
        """
        async with self._sessions() as session, session.begin():
            job = await session.get(Job, job_id, with_for_update=True)
            if job is None:
                raise JobNotFound(job_id)
            if not job.status.finished:
                if along is not None:
                    along(session)
                job.status = status
                job.error = error
                job.finished_at = utcnow()
                if params is not None:
                    job.params = params.to_json()
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
        """Jobs queued or running, oldest first, whoever holds them."""
        async with self._sessions() as session:
            rows = await session.scalars(select(Job).where(Job.status.in_(_UNFINISHED)).order_by(Job.id))
            return list(rows)

    async def take_over(self, claim: Claim, owns_guild: Callable[[int | None], bool]) -> list[Job]:
        """Claim the unfinished jobs of `owns_guild`'s guilds that no live process holds (released
        by a process that closed, or whose claim lapsed); running ones go back to queued. Oldest first.

        Jobs made by `imagine-bot generate` are left to the process that made them. Jobs deleted
        meanwhile are taken too, for the caller to finish.
        """
        now = await self.clock()
        unclaimed = (Job.status.in_(_UNFINISHED), _free_to_take(now), _FROM_DISCORD)
        return await self._claim(claim, now, owns_guild, unclaimed, status=JobStatus.QUEUED, started_at=None)

    async def _claim(
        self,
        claim: Claim,
        now: datetime,
        owns_guild: Callable[[int | None], bool],
        conditions: Sequence[ColumnElement[bool]],
        **values: Any,
    ) -> list[Job]:
        """Claim (from `now`, the store's clock) the jobs of `owns_guild`'s guilds that meet
        `conditions`, setting `values` too; the ones this call took, oldest first."""
        async with self._sessions() as session:
            rows = await session.execute(select(Job.id, Job.guild_id).where(*conditions).order_by(Job.id))
            wanted = [job_id for job_id, guild_id in rows.all() if owns_guild(guild_id)]
        taken: list[int] = []
        until = claim.until(now)
        for start in range(0, len(wanted), _IDS_PER_QUERY):
            chunk = wanted[start : start + _IDS_PER_QUERY]
            async with self._sessions() as session, session.begin():
                # The conditions again: a process taking the same jobs at the same moment gets none.
                result = await session.execute(
                    update(Job)
                    .where(Job.id.in_(chunk), *conditions)
                    .values(claimed_by=claim.holder, claimed_until=until, **values)
                    .returning(Job.id)
                )
                taken.extend(result.scalars())
        if not taken:
            return []
        async with self._sessions() as session:
            jobs = await session.scalars(select(Job).where(Job.id.in_(taken)).order_by(Job.id))
            return list(jobs)

    async def renew(self, claim: Claim, job_ids: Sequence[int], *, extend: bool = True) -> Renewal:
        """Extend `claim` over these jobs (the ones its process holds), and say which of them were
        deleted meanwhile, and which were finished or claimed by another process.

        A job whose claim lapsed but that nobody else took or finished is held again. With `extend`
        false nothing is written: the jobs are only looked at (a claim need not be extended at
        every look, and on SQLite every write takes the whole database's lock).
        """
        if not extend:
            return await self._look_at(claim, job_ids)
        now = await self.clock()
        until = claim.until(now)
        held: set[int] = set()
        present: set[int] = set()
        for start in range(0, len(job_ids), _IDS_PER_QUERY):
            chunk = job_ids[start : start + _IDS_PER_QUERY]
            async with self._sessions() as session, session.begin():
                result = await session.execute(
                    update(Job)
                    .where(
                        Job.id.in_(chunk),
                        Job.deleted_at.is_(None),
                        Job.status.in_(_UNFINISHED),
                        or_(Job.claimed_by == claim.holder, _free_to_take(now)),
                    )
                    .values(claimed_by=claim.holder, claimed_until=until)
                    .returning(Job.id)
                )
                held.update(result.scalars())
                rows = await session.scalars(
                    select(Job.id).where(Job.id.in_(chunk), Job.deleted_at.is_(None))
                )
                present.update(rows)
        return Renewal(held=held, deleted=set(job_ids) - present, lost=present - held)

    async def _look_at(self, claim: Claim, job_ids: Sequence[int]) -> Renewal:
        held: set[int] = set()
        present: set[int] = set()
        async with self._sessions() as session:
            for start in range(0, len(job_ids), _IDS_PER_QUERY):
                rows = await session.execute(
                    select(Job.id, Job.claimed_by, Job.status).where(
                        Job.id.in_(job_ids[start : start + _IDS_PER_QUERY]), Job.deleted_at.is_(None)
                    )
                )
                for job_id, holder, status in rows.all():
                    present.add(job_id)
                    if holder == claim.holder and status in _UNFINISHED:
                        held.add(job_id)
        return Renewal(held=held, deleted=set(job_ids) - present, lost=present - held)

    async def keep_results(self, claim: Claim, job_ids: Sequence[int]) -> None:
        """Extend `claim` over these unposted results, which its process is still trying to post,
        so that no other process takes them over meanwhile (see `take_over_unposted`)."""
        until = claim.until(await self.clock())
        for start in range(0, len(job_ids), _IDS_PER_QUERY):
            async with self._sessions() as session, session.begin():
                await session.execute(
                    update(Job)
                    .where(
                        Job.id.in_(job_ids[start : start + _IDS_PER_QUERY]),
                        Job.claimed_by == claim.holder,
                        *_UNPOSTED,
                    )
                    .values(claimed_until=until)
                )

    async def release(self, claim: Claim) -> int:
        """Let go of the unfinished jobs and unposted results `claim` holds (its process is closing):
        another process, or this one's successor, takes them over at once. Returns how many."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Job)
                .where(Job.claimed_by == claim.holder, or_(Job.status.in_(_UNFINISHED), and_(*_UNPOSTED)))
                .values(claimed_by=None, claimed_until=None)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def held_elsewhere(self, claim: Claim, owns_guild: Callable[[int | None], bool]) -> int:
        """How many unfinished jobs of `owns_guild`'s guilds another process's live claim holds."""
        now = await self.clock()
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Job.guild_id).where(
                    Job.status.in_(_UNFINISHED),
                    Job.claimed_by != claim.holder,
                    Job.claimed_until >= now,
                    _FROM_DISCORD,
                )
            )
            return sum(1 for guild_id in rows if owns_guild(guild_id))

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
                    Job.status.in_(_UNFINISHED),
                )
                .limit(1)
            )

    async def unfinished_started_from(self, job_id: int) -> list[int]:
        """The queued or running jobs started from one of this job's pictures: upscales, variations,
        and reruns of its img2img (a text rerun starts from no picture)."""
        async with self._sessions() as session:
            return list(
                await session.scalars(
                    select(Job.id).where(
                        Job.parent_job_id == job_id,
                        Job.kind != JobKind.TXT2IMG,
                        Job.status.in_(_UNFINISHED),
                    )
                )
            )

    async def unposted(self) -> list[Job]:
        """Finished jobs whose result was never posted (the process died in between).

        Jobs with neither a channel nor an interaction (made by `imagine-bot generate`) have nowhere
        to be posted and are left out.
        """
        async with self._sessions() as session:
            rows = await session.scalars(select(Job).where(*_UNPOSTED).order_by(Job.id))
            return list(rows)

    async def take_over_unposted(
        self, claim: Claim, owns_guild: Callable[[int | None], bool], *, from_anyone: bool = False
    ) -> list[Job]:
        """Claim the unposted results of `owns_guild`'s guilds that no live process is posting (it
        closed or died before it could), for this process to post. Oldest first.

        `from_anyone` (at start) takes them whoever holds them: a process that died a moment ago
        still holds its last results.
        """
        now = await self.clock()
        conditions = _UNPOSTED if from_anyone else (*_UNPOSTED, _free_to_take(now))
        return await self._claim(claim, now, owns_guild, conditions)

    async def mark_posted(self, job_id: int, message_id: int | None) -> bool:
        """Record that the result is posted; False if it already was (so the caller does not repost)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(Job)
                .where(Job.id == job_id, Job.posted_at.is_(None))
                .values(posted_at=utcnow(), message_id=message_id)
            )
            return bool(getattr(result, "rowcount", 0))

    async def mark_undeliverable(self, job_id: int) -> None:
        """Record that Discord refused the result for good: no process tries to post it again."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Job)
                .where(Job.id == job_id, Job.posted_at.is_(None))
                .values(undeliverable_at=utcnow(), claimed_by=None, claimed_until=None)
            )

    async def purge_blocked(self, before: datetime) -> int:
        """Delete the records of refused prompts made before `before`: their text is kept only as
        long as moderators' review of blocked prompts (see `AuditLog.purge_expired`)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(Job).where(Job.status == JobStatus.BLOCKED, Job.created_at < before)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    async def with_images_finished_before(
        self, before: datetime, *, limit: int = _IDS_PER_QUERY
    ) -> list[int]:
        """Jobs finished before `before` that still have images on disk (results, or the picture an
        img2img job started from, kept even when every result was withheld), oldest first."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Job.id)
                .where(
                    Job.finished_at < before,
                    or_(
                        Job.init_image_path.is_not(None),
                        Job.id.in_(select(JobImage.job_id).where(JobImage.path.is_not(None))),
                    ),
                )
                .order_by(Job.finished_at)
                .limit(limit)
            )
            return list(rows)

    async def forget_images(self, job_ids: Sequence[int]) -> None:
        """Record that these jobs' image files are gone (see `ImageFiles.delete_job`)."""
        async with self._sessions() as session, session.begin():
            await session.execute(update(JobImage).where(JobImage.job_id.in_(job_ids)).values(path=None))
            await session.execute(update(Job).where(Job.id.in_(job_ids)).values(init_image_path=None))

    async def existing(self, job_ids: Sequence[int]) -> set[int]:
        """Which of these jobs are in the store."""
        found: set[int] = set()
        async with self._sessions() as session:
            for start in range(0, len(job_ids), _IDS_PER_QUERY):
                chunk = job_ids[start : start + _IDS_PER_QUERY]
                found.update(await session.scalars(select(Job.id).where(Job.id.in_(chunk))))
        return found

    async def mark_deleted(self, job_id: int) -> None:
        await self._update(job_id, deleted_at=utcnow())

    async def posted_as(self, message_id: int) -> Job | None:
        """The job whose result is message `message_id`, if any."""
        async with self._sessions() as session:
            return await session.scalar(select(Job).where(Job.message_id == message_id).limit(1))

    async def waiting_of(self, user_id: int, guild_id: int | None, *, limit: int = 25) -> list[Job]:
        """A member's queued and running jobs in one guild (or in direct messages, for None), newest
        first."""
        where = Job.guild_id == guild_id if guild_id is not None else Job.guild_id.is_(None)
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Job)
                .where(Job.user_id == user_id, where, Job.status.in_(_UNFINISHED))
                .order_by(Job.id.desc())
                .limit(limit)
            )
            return list(rows)

    async def history(self, user_id: int, *, guild_id: int | None = None, limit: int = 10) -> list[Job]:
        async with self._sessions() as session:
            query = select(Job).where(Job.user_id == user_id)
            if guild_id is not None:
                query = query.where(Job.guild_id == guild_id)
            rows = await session.scalars(query.order_by(Job.id.desc()).limit(limit))
            return list(rows)

    async def forget_copied_images(
        self, user_id: int, *, guild_id: int | None = None
    ) -> tuple[list[str], list[int]]:
        """Forget the copies of a user's pictures that other members' jobs hold as their starting
        image, everywhere or in one guild; returns the files to delete, and those jobs that are not
        finished (what they would post would show the picture: they are to stop).

        Another member's upscale or variation of the user's result stores a copy of that result, and
        their rerun of the user's img2img job a copy of the upload; a rerun of any of those, another
        copy. Once the user is erased, no one else's job keeps them. (A rerun of the user's own upscale
        or variation copies its starting image, which may have been someone else's: it goes too, the
        safe side.) Their results stay theirs; a rerun, upscale or variation of such a job still works
        from its results, and a rerun of it says its starting image is no longer stored.
        """
        erased = select(Job.id).where(Job.user_id == user_id)
        if guild_id is not None:
            erased = erased.where(Job.guild_id == guild_id)
        paths: list[str] = []
        unfinished: list[int] = []
        async with self._sessions() as session, session.begin():
            frontier = list(await session.scalars(erased))
            # Any job started from the user's own jobs copied their pictures; past those, only a
            # rerun copies the same picture again (an upscale or variation starts from its own result).
            started_from_erased = True
            while frontier:
                copies: list[Job] = []
                for start in range(0, len(frontier), _IDS_PER_QUERY):
                    query = select(Job).where(
                        Job.parent_job_id.in_(frontier[start : start + _IDS_PER_QUERY]),
                        Job.kind != JobKind.TXT2IMG,
                        Job.user_id != user_id,
                    )
                    if not started_from_erased:
                        query = query.where(Job.parent_image_index.is_(None))
                    copies += await session.scalars(query)
                for job in copies:
                    if job.init_image_path is not None:
                        paths.append(job.init_image_path)
                        job.init_image_path = None
                        if not job.status.finished:
                            unfinished.append(job.id)
                frontier = [job.id for job in copies]
                started_from_erased = False
        return paths, unfinished

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

    # -- erasures ------------------------------------------------------------------------------------

    async def erasure_mark(self) -> int:
        """The newest erasure on record: those recorded after a request's mark came after it began."""
        async with self._sessions() as session:
            newest = await session.scalar(select(func.max(Erasure.id)))
            return newest or 0

    async def record_erasure(self, user_id: int, *, guild_id: int | None = None) -> None:
        """Note that a user's data is being erased, everywhere or in one guild.

        Committed before their records are deleted: a request another process stores meanwhile is
        then either seen by the deletion, or sees this note once stored (`erased_since`) and goes.
        """
        async with self._sessions() as session, session.begin():
            session.add(Erasure(user_id=user_id, guild_id=guild_id, erased_at=utcnow()))

    async def erased_since(self, mark: int, user_id: int, guild_id: int | None) -> set[int | None]:
        """The scopes (a guild, or None for everywhere) in which the user's data was erased after
        `mark`, among those covering `guild_id`."""
        async with self._sessions() as session:
            scopes = await session.scalars(
                select(Erasure.guild_id).where(
                    Erasure.id > mark,
                    Erasure.user_id == user_id,
                    or_(Erasure.guild_id.is_(None), Erasure.guild_id == guild_id),
                )
            )
            return set(scopes)

    async def forget_erasures(self, before: datetime) -> int:
        """Delete the erasure notes older than `before`; returns how many."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(Erasure).where(Erasure.erased_at < before))
            return int(getattr(result, "rowcount", 0) or 0)

    async def _update(self, job_id: int, **values: Any) -> None:
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(Job).where(Job.id == job_id).values(**values))
            if not getattr(result, "rowcount", 0):
                raise JobNotFound(job_id)
