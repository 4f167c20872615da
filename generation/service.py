"""The generation service: the one entry point the bot and the CLI use for every job.

The way of one job (see DESIGN.md): policy and bans -> license acceptance -> parameter checks ->
prompt screening -> init image safety -> caps -> stored as queued -> fair queue -> batched pipeline
call under a GPU slot -> every image classified (fail closed) -> stored -> observer posts it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import NoReturn, Protocol

from PIL import Image
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from generation.backends import Backend
from generation.engine import BatchItem, BatchKey, fit_to_grid
from generation.errors import (
    AlreadyOnItsWay,
    BackendError,
    GenerationError,
    ImageRejected,
    ImagesNotStored,
    InvalidParameters,
    JobCancelled,
    JobNotFound,
    ModelUnavailable,
    NotAllowed,
    RequestErased,
    SourceUnavailable,
    failure_reason,
)
from generation.fairqueue import Caps, FairQueue, GuildKey, Position, QueueEntry
from generation.imagefiles import ImageFiles, decode_image, png_metadata, preview_sheet
from generation.metrics import Metrics
from generation.models import ImageVerdict, Job, JobStatus
from generation.params import (
    CFG_OFF_AT,
    GenerationParams,
    JobKind,
    Limits,
    check_params,
    nearest_compiled_size,
    size_for_aspect,
)
from generation.scheduler import JobOutcome, ScheduledJob, Scheduler
from generation.settings import GenerationSettings
from generation.store import Claim, ImageRecord, JobStore, NewJob, job_cost
from moderation.audit import AuditAction, AuditLog, AuditNote
from moderation.bans import BanStore
from moderation.errors import PromptBlocked
from moderation.gate import SafetyGate
from moderation.licenses import LICENSES, LicenseStore, ModelLicense
from moderation.models import AuditEntryRow
from moderation.outcome import ImageAction, decide_image_outcome
from moderation.pii import redact_pii
from moderation.policy import GuildPolicy, PolicyStore
from moderation.screening import Verdict

log = logging.getLogger(__name__)

# The database failing for a while (connection lost, failover, a locked SQLite file).
STORE_FAILURES = (SQLAlchemyError, OSError)
# Why another member's upscale or variation stopped when its starting picture's owner was erased.
STARTING_IMAGE_ERASED = "its starting image was erased at its owner's request"
# Why a job waiting stopped when its server's moderators lowered a limit it is over.
LIMITS_CHANGED = "this server's limits were lowered while it waited"
# Why a job waiting stopped when its server's moderators limited the bot to other channels.
CHANNEL_CLOSED = "this server's moderators no longer allow images in that channel"
# Why an upscale or variation stopped when the job it started from was deleted.
STARTING_IMAGE_DELETED = "the job its starting image came from was deleted"
# How long a closing service waits for the store watch to finish its current look.
STORE_WATCH_STOP_S = 5.0
# A finished job the database could not take is recorded again after these delays.
RECORD_RETRY_DELAYS_S = (2.0, 5.0, 15.0, 60.0, 300.0)


@dataclass(frozen=True)
class JobRequest:
    """A member's request, as parsed and validated at the edge."""

    user_id: int
    params: GenerationParams
    kind: JobKind = JobKind.TXT2IMG
    guild_id: int | None = None
    channel_id: int | None = None
    channel_age_restricted: bool = False
    init_image: bytes | Image.Image | None = None
    parent_job_id: int | None = None
    parent_image_index: int | None = None
    interaction_token: str | None = None
    interaction_expires_at: datetime | None = None
    # A follow-up of a job made from an uploaded picture (set by the service from its source job);
    # an img2img request is made from one anyway.
    of_upload: bool = False

    @property
    def from_upload(self) -> bool:
        """Made from a member's uploaded picture, or from an image that was (see `Job.from_upload`)."""
        return self.kind is JobKind.IMG2IMG or self.of_upload


@dataclass(eq=False)
class _Checking:
    """A request being checked (screened, its image classified) before anything of it is stored."""

    user_id: int
    guild_id: int | None
    # Its member's data was erased meanwhile (everywhere, or in its guild): nothing of it is stored.
    erased: bool = False
    # The newest erasure on record when it began: one recorded later, through any bot process sharing
    # the store, came while it was checked (see `GenerationService._erased_meanwhile`).
    erasure_mark: int = 0


@dataclass(frozen=True)
class Submitted:
    job: Job
    position: Position | None
    eta_s: float | None


class JobObserver(Protocol):
    """What the bot implements to show a job's life in Discord."""

    async def job_queued(self, job: Job, position: Position | None, eta_s: float | None) -> None: ...

    def job_progress(self, job_id: int, step: int, total: int) -> None: ...

    async def job_preview(self, job_id: int, step: int, total: int, image: bytes) -> None:
        """A rough look at the running job (JPEG), already classified safe.

        It may arrive after `job_finished` (it was being classified meanwhile): ignore it then.
        """

    async def job_finished(self, job: Job) -> None: ...

    async def job_withdrawn(self, job_id: int) -> None:
        """The job was deleted or erased through another bot process sharing the store, which also
        replaced its message: stop showing it (it will not finish here)."""

    def delivering(self) -> Iterable[int]:
        """Jobs whose results it is still trying to post: this process keeps its claim on them."""
        return ()

    async def job_handed_over(self, job_id: int) -> None:
        """Another bot process finished the job (cancelled it) or took it over (this one could not
        renew its claim while the store was away): stop showing it; that process shows it now."""

    def channel_age_restricted(self, job: Job) -> bool | None:
        """Whether the job's channel is age-restricted now (a moderator may have changed it while the
        job waited); None when it cannot tell, and the flag read when the job was made stands."""
        return None


def _steps_for_strength(steps: int, strength: float) -> int:
    """Enough steps that img2img at `strength` still runs at least one (few-step jobs upscaled)."""
    return max(steps, math.ceil(1 / strength))


def _picture_source(request: JobRequest) -> int | None:
    """The job whose picture a request starts from (an upscale, a variation, an img2img rerun)."""
    return request.parent_job_id if request.kind is not JobKind.TXT2IMG else None


def _raise_if_erased(checking: _Checking) -> None:
    if checking.erased:
        raise RequestErased(
            "your data was erased while this request was being checked; nothing of it was kept"
        )


def _redacted(params: GenerationParams) -> GenerationParams:
    """A refused request's parameters as kept: without the personal data it may hold."""
    return replace(
        params, prompt=redact_pii(params.prompt), negative_prompt=redact_pii(params.negative_prompt)
    )


def guild_key(guild_id: int | None, user_id: int) -> GuildKey:
    """Direct messages queue per user, as if each DM were a tiny guild."""
    return guild_id if guild_id is not None else ("dm", user_id)


class GenerationService:
    def __init__(
        self,
        *,
        settings: GenerationSettings,
        store: JobStore,
        files: ImageFiles,
        backend: Backend,
        gate: SafetyGate,
        policies: PolicyStore,
        licenses: LicenseStore,
        bans: BanStore,
        audit: AuditLog,
        metrics: Metrics,
    ) -> None:
        self.settings = settings
        self.store = store
        self.files = files
        # Set once the image folder is known to be this database's (see `ImageFiles.claim`); until then
        # no folder in it is judged left behind.
        self._folder_claimed = False
        self.backend = backend
        self.gate = gate
        self.policies = policies
        self.licenses = licenses
        self.bans = bans
        self.audit = audit
        self.metrics = metrics
        self.observer: JobObserver | None = None
        _, default_spec = settings.spec(None)
        quantum = default_spec.steps * default_spec.width * default_spec.height
        self.scheduler = Scheduler(
            backend,
            FairQueue(quantum=quantum),
            on_outcome=self._handle_outcome,
            on_started=self.store.mark_running,
            on_previews=self._on_previews,
            metrics=metrics,
            slots=settings.batches_at_once,
            max_batch=settings.max_batch,
            batch_wait_s=settings.batch_wait_s,
            job_timeout_s=settings.job_timeout_s,
            job_start_timeout_s=settings.job_start_timeout_s,
            backend_outage_s=settings.backend_outage_s,
            user_concurrency=self._user_concurrency,
        )
        self._concurrency: dict[int, int] = {}
        # Jobs whose preview is being classified or shown: newer previews are dropped meanwhile.
        self._previewing: set[int] = set()
        self._preview_tasks: set[asyncio.Task[None]] = set()
        # Running jobs deleted or erased: a preview that was being classified is not shown.
        self._no_previews: set[int] = set()
        self._closing = False
        # This process's hold on its jobs in the shared store (see `check_store`).
        self.claim = Claim(timedelta(seconds=settings.claim_ttl_s))
        self._owns_guild: Callable[[int | None], bool] = lambda _guild: True
        self._claims_extended_at = -math.inf  # event-loop time of the last extension of the claims
        # Running jobs another process took over: their cancellation here is not recorded.
        self._handed_over: set[int] = set()
        self._store_watch: asyncio.Task[None] | None = None
        # Set when closing: the store watch ends after its current look rather than being cancelled
        # inside it (a session cancelled mid-way is closed later, in a task of SQLAlchemy's own, and
        # its connection is lost if the engine was disposed meanwhile).
        self._stop_watching = asyncio.Event()
        # Taken to store what a request leads to (a job, a blocked prompt, a refused upload's audit
        # entry), and by an erasure: a request either is stored before the erasure, which deletes it,
        # or learns of the erasure and stores nothing. One admission at a time besides: requests
        # arriving together would otherwise all pass the caps before any is in the queue to be counted.
        self._admission = asyncio.Lock()
        # Requests being checked: screening and classifying take a while, in a thread.
        self._checking: set[_Checking] = set()
        # Outcomes waiting for the database to come back (see `_handle_outcome`), by job.
        self._record_tasks: dict[int, asyncio.Task[None]] = {}
        # Jobs whose outcome is being recorded (images classified, then saved), and those of them
        # cancelled meanwhile: they end cancelled, with no image saved.
        self._recording: set[int] = set()
        self._cancelled_while_recording: set[int] = set()
        self._waiters: dict[int, list[asyncio.Future[Job]]] = {}
        # Held while `start` takes over the jobs stopped processes left (see `close`).
        self._recovering = asyncio.Lock()

    # -- lifecycle ----------------------------------------------------------------------------------

    async def start(self, owns_guild: Callable[[int | None], bool] = lambda _guild: True) -> None:
        """Load the model, resume jobs left queued or running, re-deliver unposted results.

        `owns_guild` tells which guilds' jobs this process takes over when several bot processes share
        the store (each owns its shards' guilds); with one process it owns them all.
        """
        self._owns_guild = owns_guild
        await self.claim_image_folder()
        # The bot may be stopped (SIGTERM) while the model loads, which takes minutes on a first start:
        # jobs taken over after `close` would run on the closed backend, and fail, instead of waiting
        # for the next start.
        if not self._closing:
            await self.backend.start()
        async with self._recovering:
            if self._closing:
                return
            await self._recover()
        self.scheduler.start()
        self._store_watch = asyncio.create_task(self._watch_store(), name="store-watch")

    async def claim_image_folder(self) -> None:
        """Take the image folder for this database, or raise ImageFolderTaken (see `ImageFiles.claim`).

        Done first, in a second, by whoever builds the service (and by `start`, if not yet): the folder
        must be this database's before anything is written to it, and an operator who pointed it at
        another database's folder hears so before the bot registers its commands and loads a model.
        """
        if not self._folder_claimed:
            await asyncio.to_thread(self.files.claim, await self.store.identity())
            self._folder_claimed = True

    async def close(self) -> None:
        # Previews stop first (a running batch keeps reporting until the scheduler has stopped),
        # and the tasks still classifying one are cancelled once nothing can start another.
        if self._closing:
            return  # closed already (the bot stops generation before the rest of the services)
        self._closing = True
        # A start taking jobs over right now finishes that first: they are released below with the rest.
        async with self._recovering:
            pass
        if self._store_watch is not None:
            self._stop_watching.set()
            # A look at a database that does not answer may hang: it is cancelled after a while.
            _, hanging = await asyncio.wait({self._store_watch}, timeout=STORE_WATCH_STOP_S)
            for task in hanging:
                task.cancel()
            await asyncio.gather(self._store_watch, return_exceptions=True)
        await self.scheduler.stop()
        for task in list(self._record_tasks.values()):
            task.cancel()  # their jobs are still running in the store: they are run again
        await asyncio.gather(*self._record_tasks.values(), return_exceptions=True)
        # Nothing runs here any more: whoever starts next (a successor, another process) takes the
        # jobs over at once instead of waiting for the claim to lapse.
        try:
            released = await self.store.release(self.claim)
        except STORE_FAILURES as exc:
            log.warning(
                "releasing this process's jobs failed (%r); they are taken over when its claim lapses", exc
            )
        else:
            if released:
                log.info("released %d unfinished jobs for the next bot process to take over", released)
        await self.backend.close()
        for task in list(self._preview_tasks):
            task.cancel()
        await asyncio.gather(*self._preview_tasks, return_exceptions=True)

    async def _recover(self) -> None:
        """Take over the jobs a stopped process left queued or running, and post the results that
        were never posted."""
        await self._take_over()
        waiting = await self.store.held_elsewhere(self.claim, self._owns_guild)
        if waiting:
            log.info(
                "%d unfinished jobs are held by another bot process: they are taken over here when it "
                "stops, or within GENERATION_CLAIM_TTL_S (%g s) if it died",
                waiting,
                self.settings.claim_ttl_s,
            )
        if self.observer is not None:
            for job in await self.store.take_over_unposted(self.claim, self._owns_guild, from_anyone=True):
                await self.observer.job_finished(job)

    async def _take_over(self) -> list[int]:
        """Queue here the unfinished jobs of this process's guilds that no live process holds."""
        here = set(self._held_here())
        resumed = []
        taken = await self.store.take_over(self.claim, self._owns_guild)
        for job in taken:
            if job.id in here:
                continue  # this process's own, whose claim lapsed while the store was away
            if job.deleted_at is not None:  # deleted while no process held it
                await self._finish(job.id, JobStatus.CANCELLED, error="deleted")
                continue
            try:
                if job.model not in self.settings.models:
                    raise ModelUnavailable(f"the model {job.model!r} is no longer offered here")
                policy = await self._policy(job.guild_id)
                self._schedule(job, job.generation_params, self._load_init(job), policy)
                resumed.append(job.id)
            except (OSError, GenerationError) as exc:
                log.warning("job %s could not resume: %r", job.id, exc)
                await self._finish_failed(job.id, f"could not resume after a restart: {failure_reason(exc)}")
                continue
            await self._show_queued(job)
        if resumed:
            log.info("resumed %d jobs left by a bot process that stopped: %s", len(resumed), resumed)
        # Screened again: their server's policy or bans may have changed while nobody held them (a
        # moderator's command reaches only the queue of the process that ran it).
        for guild_id in dict.fromkeys(job.guild_id for job in taken if job.guild_id is not None):
            stopped = await self.recheck_queued(guild_id)
            resumed = [job_id for job_id in resumed if job_id not in stopped]
        return resumed

    def _held_here(self) -> list[int]:
        """The jobs this process holds: queued or running, and those run whose outcome is being
        recorded (not finished in the store yet)."""
        return list(dict.fromkeys([*self.scheduler.held_job_ids(), *self._recording, *self._record_tasks]))

    def _load_init(self, job: Job) -> Image.Image | None:
        if not job.kind.uses_init_image:
            return None
        gone = SourceUnavailable(f"job {job.id}'s starting image is no longer stored")
        if job.init_image_path is None:  # removed with the job's other images (retention)
            raise gone
        try:
            return self.files.load(job.init_image_path)
        except OSError:
            raise gone from None

    # -- submitting ---------------------------------------------------------------------------------

    async def submit(self, request: JobRequest) -> Submitted:
        """Check, screen, store and queue a job; raise a package error saying why it cannot run."""
        checking = _Checking(request.user_id, request.guild_id)
        self._checking.add(checking)
        try:
            checking.erasure_mark = await self.store.erasure_mark()
            return await self._submit(request, checking)
        finally:
            self._checking.discard(checking)

    async def _submit(self, request: JobRequest, checking: _Checking) -> Submitted:
        # 1. Who asks, where: bans, policy, the model's license.
        policy = await self._policy(request.guild_id)
        if request.guild_id is not None:
            await self.bans.check(request.guild_id, request.user_id)
        await self.licenses.require(request.user_id, self.license_for(request.params.model))

        # 2. Parameters, at the size the init image implies.
        init_image: Image.Image | None = None
        params = request.params
        if request.kind.uses_init_image:
            if request.init_image is None:
                raise InvalidParameters("image", f"{request.kind.value} needs an image")
            # Decoding and resizing a phone photo takes a good part of a second: in a thread, or
            # every member's interactions wait (and miss Discord's three seconds) meanwhile.
            init_image = (
                await asyncio.to_thread(decode_image, request.init_image)
                if isinstance(request.init_image, bytes)
                else request.init_image
            )
            if request.kind is JobKind.IMG2IMG and request.parent_job_id is None:
                # A new upload's shape sets the size; a rerun keeps its job's (already fitted) size.
                # Within this server's limit too: with an image the member can give no size to lower.
                spec = self.settings.spec(params.model)[1]
                budget = min(spec.pixel_budget, policy.max_pixels)
                compiled = [
                    size for size in self.settings.compiled_sizes(spec) if size[0] * size[1] <= budget
                ]
                width, height = nearest_compiled_size(
                    init_image.width, init_image.height, compiled
                ) or size_for_aspect(init_image.width, init_image.height, budget)
                if width * height > policy.max_pixels:
                    # Long and thin at a small limit: the short side cannot go under MIN_SIDE.
                    raise InvalidParameters(
                        "image",
                        f"the image is {init_image.width}x{init_image.height}; at that shape the "
                        f"smallest size is {width}x{height}, over this server's limit of "
                        f"{policy.max_pixels:,} pixels; crop it closer to square",
                    )
                params = replace(params, width=width, height=height)
        check_params(params, request.kind, Limits(policy.max_steps, policy.max_pixels, policy.max_count))
        if init_image is not None:
            # After the checks: an upscale past the limits is refused before it is resized.
            init_image = await asyncio.to_thread(fit_to_grid, init_image, params.width, params.height)

        # 3. The prompt: hard floor, license use restrictions, the guild's policy.
        new = NewJob(
            user_id=request.user_id,
            kind=request.kind,
            params=params,
            guild_id=request.guild_id,
            channel_id=request.channel_id,
            parent_job_id=request.parent_job_id,
            parent_image_index=request.parent_image_index,
            channel_age_restricted=request.channel_age_restricted,
            from_upload=request.from_upload,
            interaction_token=request.interaction_token,
            interaction_expires_at=request.interaction_expires_at,
        )
        verdict = await self._screen_prompt(params, policy, edits_upload=request.from_upload)
        if not verdict.allowed:
            await self._refuse(new, verdict, checking)

        # 4. The init image is classified like an output: unsafe or unclassifiable means no job.
        if init_image is not None and request.kind is JobKind.IMG2IMG:
            await self._check_init_image(init_image, new, checking)

        # 5. Caps, then the store, then the queue: a job is stored before it is reported queued.
        async with self._admission:
            _raise_if_erased(checking)
            refused = await self._refused_meanwhile(request, params, policy)
            job = (
                await self._admit(request, new, params, init_image, policy, checking) if not refused else None
            )
        if job is None:
            # Recorded outside the lock, which recording a refusal takes itself.
            assert refused is not None
            await self._refuse(new, refused, checking)
        log.info("job %s queued (guild %s, user %s, kind %s)", job.id, job.guild_id, job.user_id, job.kind)
        position, eta = await self._show_queued(job)
        source_id = _picture_source(request)
        if source_id is not None:
            # Deleted through another bot process between the look in `_admit` and the job's commit,
            # its `delete` did not see this job among those started from the picture: it is stopped as
            # it would have been. (Now that the job is stored, a later deletion always sees it.)
            async with self._admission:
                if await self._deleted(source_id) and not (await self.store.get(job.id)).status.finished:
                    await self._stop_started_from(job.id, STARTING_IMAGE_DELETED)
        return Submitted(job, position, eta)

    async def _refused_meanwhile(
        self, request: JobRequest, params: GenerationParams, policy: GuildPolicy
    ) -> Verdict | None:
        """Bans and the server's policy as they are now (called with `_admission` held): a ban, a banned
        term or a lower limit that came while the request was checked (an attachment classified, a
        slow database) holds for it as for the jobs then waiting, which `stop_member` and
        `recheck_queued` stop under the same lock. Raises for a ban or a limit; the verdict of a
        prompt refused now."""
        if request.guild_id is None:
            return None
        await self.bans.check(request.guild_id, request.user_id)
        now = await self._policy(request.guild_id)
        if now == policy:
            return None
        check_params(params, request.kind, Limits(now.max_steps, now.max_pixels, now.max_count))
        verdict = await self._screen_prompt(params, now, edits_upload=request.from_upload)
        return None if verdict.allowed else verdict

    async def _admit(
        self,
        request: JobRequest,
        new: NewJob,
        params: GenerationParams,
        init_image: Image.Image | None,
        policy: GuildPolicy,
        checking: _Checking,
    ) -> Job:
        """Caps, the store and the queue, for a request that passed every check (`_admission` held)."""
        if request.kind is JobKind.UPSCALE and request.parent_job_id is not None:
            # An upscale is the same picture every time: a second click makes no second job.
            twin = await self.store.unfinished_follow_up(
                request.user_id, JobKind.UPSCALE, request.parent_job_id, request.parent_image_index
            )
            if twin is not None:
                index = (request.parent_image_index or 0) + 1
                raise AlreadyOnItsWay(
                    twin.id, f"your upscale of image {index} of job #{request.parent_job_id}"
                )
        self.scheduler.queue.check_caps(
            guild_key(request.guild_id, request.user_id),
            request.user_id,
            Caps(policy.user_queue_cap, policy.guild_queue_cap, self.settings.global_queue_cap),
            user_running=self.scheduler.running_for_user(request.user_id),
        )
        source_id = _picture_source(request)
        if source_id is not None and await self._deleted(source_id):
            # Deleted while the request was checked: `delete`, which takes `_admission` too, stops
            # only the follow-ups already stored, and a picture deleted (often by a moderator, for
            # what the classifier missed) must not come back upscaled.
            raise SourceUnavailable(f"job {source_id} was deleted")
        job = await self._store_new(new, init_image)
        await self._erased_meanwhile(checking)
        self._schedule(job, params, init_image, policy)
        return job

    async def _deleted(self, job_id: int) -> bool:
        return (await self.store.get(job_id)).deleted_at is not None

    async def _store_new(self, new: NewJob, init_image: Image.Image | None) -> Job:
        """Store a job with its starting image, both or neither (see `JobStore.create`)."""
        if init_image is None:
            return await self.store.create(new, self.claim)
        picture = init_image
        saved_for: list[int] = []

        async def save_init(job_id: int) -> str:
            saved_for.append(job_id)
            return str(await asyncio.to_thread(self.files.save_init, job_id, picture))

        try:
            return await self.store.create(new, self.claim, save_init=save_init)
        except BaseException as exc:
            # The job was not stored (the database failed, or the disk): its image goes too.
            for job_id in saved_for:
                await asyncio.to_thread(self.files.delete_job, job_id)
            if isinstance(exc, OSError):
                # A full or read-only image folder: the member is told so, the disk's words go to the log.
                log.error("storing a new job's starting image failed: %s", exc)
                raise ImagesNotStored(
                    "the bot could not store the attached image; please try again later"
                ) from None
            raise

    async def _show_queued(self, job: Job) -> tuple[Position | None, float | None]:
        """Tell the observer where a job just queued (or taken over) stands."""
        position = self.scheduler.position(job.id)
        eta = self.scheduler.estimate_start_s(position) if position is not None else None
        if self.observer is not None:
            try:
                await self.observer.job_queued(job, position, eta)
            except Exception:
                # The job is stored and queued: telling the member "try again" would make a second one.
                log.exception("showing job %s as queued failed; it goes on", job.id)
        return position, eta

    async def _refuse(self, new: NewJob, verdict: Verdict, checking: _Checking) -> NoReturn:
        """Count and record a prompt refused by `verdict`, then raise `PromptBlocked` saying why."""
        self.metrics.moderation_blocks.labels(stage="prompt", category=verdict.category or "").inc()
        await self._record_blocked(new, verdict, checking)
        verdict.raise_if_blocked()
        raise AssertionError(f"{verdict} refuses nothing")

    async def _record_blocked(self, new: NewJob, verdict: Verdict, checking: _Checking) -> None:
        """Record a blocked prompt: the job in `/history` and the prompt for moderators' review, in
        one transaction (a database failing in between would leave one without the other)."""
        staged: list[AuditEntryRow] = []
        params = new.params

        def review(session: AsyncSession, job_id: int) -> None:
            staged.append(
                self.audit.stage_blocked_prompt(
                    session,
                    new.guild_id,
                    new.user_id,
                    params.prompt,
                    params.negative_prompt,
                    verdict,
                    job_id=job_id,
                )
            )

        # Kept as long as the review copy, and as it: the personal data that refused it left out.
        redacted = _redacted(params)
        async with self._admission:
            _raise_if_erased(checking)
            try:
                await self.store.create_blocked(
                    replace(new, params=redacted), verdict.reason or "blocked", along=review
                )
            except STORE_FAILURES as exc:
                # The prompt is refused all the same, and its member is told why rather than that
                # something went wrong (which invites sending it again).
                log.warning(
                    "recording a blocked prompt (guild %s, user %s) failed (%r); it is refused unrecorded",
                    new.guild_id,
                    new.user_id,
                    exc,
                )
                return
            await self._erased_meanwhile(checking)
        for row in staged:
            self.audit.announce(row)

    async def _check_init_image(self, image: Image.Image, new: NewJob, checking: _Checking) -> None:
        verdicts = await asyncio.to_thread(self.gate.classify, [image])
        verdict = verdicts[0]
        if verdict is None or verdict.unsafe:
            reason = (
                "the safety check of the attached image failed, so it cannot be used"
                if verdict is None
                else "the attached image did not pass the safety check"
            )
            self.metrics.moderation_blocks.labels(stage="input_image", category="unsafe_image").inc()
            async with self._admission:
                _raise_if_erased(checking)
                await self.audit.record(
                    guild_id=new.guild_id,
                    actor_id=None,  # the bot decided; the member is the target
                    action=AuditAction.IMAGE_WITHHELD,
                    target_user_id=new.user_id,
                    rule_id="image.input_unsafe",
                    detail={"labels": list(verdict.labels) if verdict else [], "stage": "input"},
                )
                await self._erased_meanwhile(checking)
            raise ImageRejected(reason)

    async def _screen_prompt(
        self, params: GenerationParams, policy: GuildPolicy, *, edits_upload: bool
    ) -> Verdict:
        """A job's prompt screened under `policy`; `edits_upload` when it is made from an uploaded picture."""
        # In a thread: with semantic screening on, a check runs a sentence model for milliseconds.
        return await asyncio.to_thread(
            functools.partial(self.gate.check_prompt, edits_upload=edits_upload),
            params.prompt,
            params.negative_prompt,
            policy,
        )

    def license_for(self, model: str) -> ModelLicense:
        _, spec = self.settings.spec(model)
        return LICENSES[spec.license]

    async def _policy(self, guild_id: int | None) -> GuildPolicy:
        return await self.policies.get(guild_id) if guild_id is not None else GuildPolicy()

    def _user_concurrency(self, entry: QueueEntry) -> int:
        return self._concurrency.get(entry.job_id, 0)

    def _schedule(
        self, job: Job, params: GenerationParams, init_image: Image.Image | None, policy: GuildPolicy
    ) -> None:
        uses_init = job.kind.uses_init_image
        key = BatchKey(
            model=params.model,
            img2img=uses_init,
            width=params.width,
            height=params.height,
            steps=params.steps,
            guidance=params.guidance,
            sampler=params.sampler,
            strength=params.strength if uses_init else 1.0,
        )
        items = tuple(
            BatchItem(params.prompt, params.negative_prompt, seed, init_image) for seed in params.seeds
        )
        scheduled = ScheduledJob(
            job.id,
            key,
            items,
            on_progress=self._progress_reporter(job.id),
            # Nobody to show previews to (the CLI): the engine is not asked to decode any.
            wants_previews=self.observer is not None,
        )
        self._concurrency[job.id] = policy.user_concurrency
        self.scheduler.submit(
            QueueEntry(
                job_id=job.id,
                guild=guild_key(job.guild_id, job.user_id),
                user_id=job.user_id,
                cost=job_cost(params, job.kind),
                images=params.count,
                batch_key=key,
                payload=scheduled,
            )
        )

    def _progress_reporter(self, job_id: int) -> Callable[[int, int], None]:
        def report(step: int, total: int) -> None:
            if self.observer is not None:
                self.observer.job_progress(job_id, step, total)

        return report

    def _on_previews(
        self, step: int, total: int, per_job: list[tuple[ScheduledJob, list[Image.Image]]]
    ) -> None:
        """A batch's previews: classified together, off the event loop, one batch at a time per job."""
        if self.observer is None or self._closing:
            return
        wanted = [
            (job.job_id, images) for job, images in per_job if images and job.job_id not in self._previewing
        ]
        if not wanted:
            return
        self._previewing.update(job_id for job_id, _ in wanted)
        task = asyncio.create_task(self._show_previews(step, total, wanted))
        self._preview_tasks.add(task)
        task.add_done_callback(self._preview_tasks.discard)

    async def _show_previews(
        self, step: int, total: int, per_job: list[tuple[int, list[Image.Image]]]
    ) -> None:
        """Classify previews like results; show a job's only when every image of it is plainly safe.

        Stricter than results on purpose: a flagged or unclassifiable preview is not shown at all
        (not even spoilered) and the job goes on with text progress; its result is judged on its own.
        """

        async def show(job_id: int, own: list[Image.Image]) -> None:
            try:
                if job_id in self._no_previews or self._closing or self.observer is None:
                    return
                sheet = await asyncio.to_thread(preview_sheet, own)
                await self.observer.job_preview(job_id, step, total, sheet)
            finally:
                self._previewing.discard(job_id)  # this job's next preview may come now

        try:
            images = [image for _, own in per_job for image in own]
            verdicts = await asyncio.to_thread(self.gate.classify, images)
            safe, offset = [], 0
            for job_id, own in per_job:
                mine = verdicts[offset : offset + len(own)]
                offset += len(own)
                if all(verdict is not None and not verdict.unsafe for verdict in mine):
                    safe.append(show(job_id, own))
                else:
                    self.metrics.previews_withheld.inc()
            # Each job's message is edited on its own: one slow edit does not hold the others back.
            for failure in await asyncio.gather(*safe, return_exceptions=True):
                if isinstance(failure, Exception):
                    log.warning("showing a preview failed: %r", failure)
        except Exception:
            log.exception("previews of jobs %s failed", [job_id for job_id, _ in per_job])
        finally:
            self._previewing.difference_update(job_id for job_id, _ in per_job)

    # -- follow-ups from result buttons -------------------------------------------------------------

    async def rerun(self, job_id: int, request: JobRequest) -> Submitted:
        """The same parameters with new seeds, as a job of whoever asked."""
        source = await self.store.get(job_id)
        params = source.generation_params.with_new_seeds()
        init = await asyncio.to_thread(self._load_init, source) if source.kind.uses_init_image else None
        return await self._submit_follow_up(
            source,
            replace(request, params=params, kind=source.kind, init_image=init, parent_job_id=source.id),
        )

    async def upscale(self, job_id: int, index: int, request: JobRequest) -> Submitted:
        """2x: the chosen image, resized to twice its size by `submit`, refined by a low-strength
        img2img pass."""
        source, image = await self._source_image(job_id, index)
        params = source.generation_params
        width, height = params.width * 2, params.height * 2
        strength = self.settings.upscale_strength
        new_params = replace(
            params,
            width=width,
            height=height,
            seeds=(source.images[index].seed,),
            strength=strength,
            steps=_steps_for_strength(params.steps, strength),
        )
        return await self._submit_follow_up(
            source,
            replace(
                request,
                params=new_params,
                kind=JobKind.UPSCALE,
                init_image=image,
                parent_job_id=source.id,
                parent_image_index=index,
            ),
        )

    async def vary(self, job_id: int, index: int, request: JobRequest) -> Submitted:
        """img2img from the chosen image with a new seed."""
        source, image = await self._source_image(job_id, index)
        params = source.generation_params.with_new_seeds()
        strength = self.settings.variation_strength
        new_params = replace(params, strength=strength, steps=_steps_for_strength(params.steps, strength))
        return await self._submit_follow_up(
            source,
            replace(
                request,
                params=new_params,
                kind=JobKind.VARIATION,
                init_image=image,
                parent_job_id=source.id,
                parent_image_index=index,
            ),
        )

    async def _source_image(self, job_id: int, index: int) -> tuple[Job, Image.Image]:
        source = await self.store.get(job_id)
        if source.deleted_at is not None:
            raise SourceUnavailable(f"job {job_id} was deleted")
        images = {image.index: image for image in source.images}
        record = images.get(index)
        if record is None:
            raise SourceUnavailable(f"job {job_id} has no image {index + 1} to use")
        if record.action is ImageAction.WITHHOLD:
            raise SourceUnavailable(f"job {job_id}'s image {index + 1} was withheld by the safety check")
        if record.path is None:  # removed at the end of GENERATION_IMAGE_RETENTION_DAYS
            raise SourceUnavailable(f"job {job_id}'s image {index + 1} is no longer stored")
        try:
            image = await asyncio.to_thread(self.files.load, record.path)
        except OSError:
            raise SourceUnavailable(f"job {job_id}'s image {index + 1} is no longer stored") from None
        return source, image

    async def _submit_follow_up(self, source: Job, request: JobRequest) -> Submitted:
        """Submit a rerun, upscale or variation of `source`, whose settings nobody typed just now."""
        if request.params.model not in self.settings.models:
            # Removed from the registry since (or made by `imagine-bot generate --model`): a name
            # outside it would be fetched from the Hub as a model id.
            raise SourceUnavailable(
                f"job {source.id}'s model {request.params.model!r} is no longer offered here; "
                "make a new one with /imagine"
            )
        request = replace(request, of_upload=source.from_upload)
        params = request.params
        if params.guidance <= CFG_OFF_AT and params.negative_prompt:
            # Stored before such a negative prompt was refused: the model never used it, so the
            # same job without it is what the member saw.
            request = replace(request, params=replace(params, negative_prompt=""))
        try:
            return await self.submit(request)
        except PromptBlocked as exc:
            raise PromptBlocked(
                exc.rule_id, exc.category, exc.reason, hard_floor=exc.hard_floor, of_job=source.id
            ) from None
        except InvalidParameters as exc:
            # The server's limits changed since (fewer steps or images allowed): there is no option
            # of this click to change, so say what happened instead.
            raise SourceUnavailable(
                f"job {source.id}'s settings are past this server's limits now ({exc.reason}); "
                "make a new one with /imagine"
            ) from exc

    # -- cancel, delete, wait -----------------------------------------------------------------------

    async def cancel(self, job_id: int, actor_id: int, *, moderator: bool = False) -> Job:
        job = await self.store.get(job_id)
        if job.user_id != actor_id and not moderator:
            raise NotAllowed("only the job's owner or a moderator can cancel it")
        if job.status.finished or self.stopping(job_id):
            return job  # a second cancel: nothing more to stop, or to audit
        await self._audit_moderator(job, actor_id, AuditAction.JOB_CANCELLED)
        return await self._stop(job_id, JobStatus.CANCELLED, "cancelled") or job

    def stopping(self, job_id: int) -> bool:
        """Whether a job asked to stop has yet to end here: running until its next step, or its
        images being classified (they are not saved). A second cancel has nothing left to do."""
        return self.scheduler.is_stopping(job_id) or job_id in self._cancelled_while_recording

    async def _stop(self, job_id: int, status: JobStatus, error: str) -> Job | None:
        """Stop an unfinished job wherever it is; returns it finished as `status`, or None when it ends
        cancelled later: running here (at its next step), or its images being classified (unsaved)."""
        if self.scheduler.cancel(job_id):
            if self.scheduler.is_running(job_id):
                return None
            return await self._finish(job_id, status, error=error)
        if job_id in self._record_tasks or job_id in self._recording:
            self._cancelled_while_recording.add(job_id)
            return None
        # Another bot process holds it, or none does (it died, or closed a moment ago): finished in
        # the store now, it stops wherever it is held at that process's next look at the store.
        return await self._finish(job_id, status, error=error)

    def withdraw(self, job_ids: Iterable[int]) -> list[int]:
        """Stop jobs that are being deleted or erased: queued ones leave the queue, running ones stop
        at their next step, and previews of them already on their way are not shown.

        Returns the jobs taken out of the queue (the running ones finish through the scheduler).
        """
        dequeued = []
        for job_id in job_ids:
            if not self.scheduler.cancel(job_id):
                continue  # finished, or another bot process runs it
            if self.scheduler.is_running(job_id):
                self._no_previews.add(job_id)
            else:
                self._concurrency.pop(job_id, None)
                dequeued.append(job_id)
        return dequeued

    async def erase_user(self, user_id: int, *, guild_id: int | None = None) -> tuple[list[Job], int]:
        """Delete a user's jobs with their image files and their records, everywhere or in one guild.

        Their requests still being checked store nothing afterwards. Returns the jobs deleted (as they
        were) and how many other records were deleted or redacted.
        """
        for checking in self._checking:
            if checking.user_id == user_id and guild_id in (None, checking.guild_id):
                checking.erased = True
        # For the requests other bot processes are checking: noted before any record goes.
        await self.store.record_erasure(user_id, guild_id=guild_id)
        async with self._admission:
            jobs, rows = await self._erase_records(user_id, guild_id)
        await self._delete_files(jobs)
        return jobs, rows

    async def _erase_records(self, user_id: int, guild_id: int | None) -> tuple[list[Job], int]:
        """`erase_user`'s records (called with `_admission` held): its jobs stop here."""
        # Before the jobs go, which unlinks the jobs that copied their pictures.
        copies, unfinished = await self.store.forget_copied_images(user_id, guild_id=guild_id)
        if copies:
            try:
                await asyncio.to_thread(self.files.delete_files, copies)
            except OSError as exc:
                log.warning("could not delete copies of erased pictures (%r): %s", exc, copies)
        # Other members' upscales and variations of the erased pictures not made yet stop too: the
        # queue holds the picture itself, and what they would post would show it.
        for job_id in unfinished:
            await self._stop_started_from(job_id, STARTING_IMAGE_ERASED)
        jobs = await self.store.delete_user_jobs(user_id, guild_id=guild_id)
        self._count_erased(self.withdraw(job.id for job in jobs if not job.status.finished))
        rows = await self.audit.delete_user_data(user_id, guild_id=guild_id)
        return jobs, rows

    async def _stop_started_from(self, job_id: int, why: str) -> None:
        """Stop a job whose starting image was just erased or deleted, saying `why`; one running now
        ends cancelled at its next step, its previews (of the picture's likeness) unshown."""
        if self.scheduler.is_running(job_id):
            self._no_previews.add(job_id)
        await self._stop(job_id, JobStatus.FAILED, why)

    async def _delete_files(self, jobs: Sequence[Job]) -> None:
        # Every record goes before the files, which take longer: a file that cannot be removed now
        # (or a bot stopped meanwhile) leaves only files, which `remove_orphaned_images` removes.
        for job in jobs:
            try:
                await asyncio.to_thread(self.files.delete_job, job.id)
            except OSError as exc:
                log.warning("could not delete the images of erased job %s (%r); removed later", job.id, exc)

    async def _erased_meanwhile(self, checking: _Checking) -> None:
        """Raise RequestErased, once what the request stored is erased again, if its member was
        erased through another bot process while it was checked (`erase_user` here flags it at once).

        Called with `_admission` held, once the request's records are committed. The erasure noted
        its marker before deleting anything: either its deletion saw these records, or this sees
        its marker. The scope is erased again, as the member asked (their other jobs stored
        meanwhile go too, and stop being shown).
        """
        try:
            scopes = await self.store.erased_since(checking.erasure_mark, checking.user_id, checking.guild_id)
        except STORE_FAILURES as exc:
            # Kept: an erasure racing a database failure is left to the member to ask again.
            log.warning("checking for an erasure of user %s failed (%r)", checking.user_id, exc)
            return
        if not scopes:
            return
        scope = None if None in scopes else checking.guild_id
        jobs, _ = await self._erase_records(checking.user_id, scope)
        if self.observer is not None:
            for job in jobs:
                if not job.status.finished:
                    await self.observer.job_withdrawn(job.id)
        await self._delete_files(jobs)
        checking.erased = True
        _raise_if_erased(checking)

    def _count_erased(self, job_ids: Sequence[int]) -> None:
        """Unfinished jobs erased here end as a deleted one does, cancelled: every job queued is
        counted once in imagine_jobs_total, by the process that held it, record or no record."""
        if job_ids:
            self.metrics.jobs.labels(status=JobStatus.CANCELLED.value).inc(len(job_ids))

    async def drop_guild(self, guild_id: int) -> list[int]:
        """Cancel the guild's jobs queued here: the bot was removed from it, so they could never be
        shown, and they would hold the GPU ahead of other guilds. Running ones finish; Discord's refusal
        of their results is final (see bot/delivery.py)."""
        dropped = self.withdraw([entry.job_id for entry in self.scheduler.queue if entry.guild == guild_id])
        for job_id in dropped:
            await self._finish(job_id, JobStatus.CANCELLED, error="the bot was removed from the server")
        return dropped

    async def stop_member(self, guild_id: int, user_id: int) -> list[int]:
        """Stop a member's jobs of a guild held here, all cancelled: queued ones leave the queue, running
        ones stop at their next step, and made ones being classified end unsaved (a ban).

        A moderator who bans a member mid-generation expects none of their images to be posted after,
        not only none of those still waiting. Returns the jobs stopped. Under `_admission`: a request
        of theirs being checked now is either queued before this looks (and stopped) or sees the ban
        before it is stored (see `_refused_meanwhile`).
        """
        async with self._admission:
            return await self._stop_member(guild_id, user_id)

    async def _stop_member(self, guild_id: int, user_id: int) -> list[int]:
        queued = [e.job_id for e in self.scheduler.queue if e.guild == guild_id and e.user_id == user_id]
        stopped = self.withdraw(queued)
        for job_id in stopped:
            await self._finish(job_id, JobStatus.CANCELLED, error="cancelled")
        # The jobs under way here: a batch or two on the GPU, and those whose images are being judged.
        still_queued = {entry.job_id for entry in self.scheduler.queue}
        for job_id in [job_id for job_id in self._held_here() if job_id not in still_queued]:
            try:
                job = await self.store.get(job_id)
            except JobNotFound:
                continue  # erased meanwhile
            if job.guild_id != guild_id or job.user_id != user_id or job.status.finished:
                continue
            if self.scheduler.is_running(job_id):
                self.withdraw([job_id])  # finished as cancelled by the scheduler at its next step
            elif job_id in self._record_tasks or job_id in self._recording:
                self._cancelled_while_recording.add(job_id)
            else:
                continue  # its outcome was recorded meanwhile
            stopped.append(job_id)
        if stopped:
            log.info("guild %s: %d jobs of a banned member stopped", guild_id, len(stopped))
        return stopped

    async def recheck_queued(
        self, guild_id: int, *, channel_closed: Callable[[int | None], bool] = lambda _channel: False
    ) -> list[int]:
        """Screen the guild's jobs waiting in this process's queue again, under its policy and bans as
        they are now: those refused now leave the queue, blocked (or cancelled, when their member is
        banned; failed, saying so, when over a limit lowered since or in a channel `channel_closed`
        says the policy closed to images), as they would be refused if asked for now.

        Moderators who ban a term or a member expect it to hold from then on, not only for requests
        that come after: the jobs already waiting would still be made and posted. Running jobs finish
        (their images are classified under the policy as it is then), but for a banned member's, which
        `stop_member` stops. Returns the jobs taken out. Under `_admission`, as `stop_member` is.
        """
        async with self._admission:
            return await self._recheck_queued(guild_id, channel_closed)

    async def _recheck_queued(self, guild_id: int, channel_closed: Callable[[int | None], bool]) -> list[int]:
        policy = await self._policy(guild_id)
        stopped: list[int] = []
        for entry in [entry for entry in self.scheduler.queue if entry.guild == guild_id]:
            job = await self.store.get(entry.job_id)
            params = job.generation_params
            if await self.bans.active_ban(guild_id, job.user_id) is not None:
                # Cancelled, not blocked: the result message is public, and a ban is told to its member
                # alone, at their next request.
                if self.withdraw([job.id]):
                    await self._finish(job.id, JobStatus.CANCELLED, error="cancelled")
                    stopped.append(job.id)
                continue
            if channel_closed(job.channel_id):
                # Channels are Discord's: the bot tells which ones the policy's list leaves out (a
                # thread counts as its parent channel).
                if self.withdraw([job.id]):
                    await self._finish(job.id, JobStatus.FAILED, error=CHANNEL_CLOSED)
                    stopped.append(job.id)
                continue
            try:
                # A lower limit holds for the jobs waiting as for new ones (moderators lower max_steps or
                # max_pixels because the GPU cannot keep up).
                check_params(params, job.kind, Limits(policy.max_steps, policy.max_pixels, policy.max_count))
            except InvalidParameters as exc:
                if self.withdraw([job.id]):
                    await self._finish(job.id, JobStatus.FAILED, error=f"{LIMITS_CHANGED}: {exc.reason}")
                    stopped.append(job.id)
                continue
            verdict = await self._screen_prompt(params, policy, edits_upload=job.from_upload)
            # Taken out first: a job the scheduler started meanwhile runs, and is not recorded as blocked.
            if verdict.allowed or not self.withdraw([job.id]):
                continue
            self.metrics.moderation_blocks.labels(stage="prompt", category=verdict.category or "").inc()
            # The review copy goes with the job's end: a database failing in between would leave a job
            # out of the queue but queued in the store, or a review of a job that ran.
            review = functools.partial(
                self.audit.stage_blocked_prompt,
                guild_id=guild_id,
                user_id=job.user_id,
                prompt=params.prompt,
                negative=params.negative_prompt,
                verdict=verdict,
                job_id=job.id,
            )
            await self._finish(
                job.id,
                JobStatus.BLOCKED,
                error=verdict.reason or "blocked",
                params=_redacted(params),
                review=review,
            )
            stopped.append(job.id)
        if stopped:
            log.info("guild %s: %d queued jobs stopped after a moderation change", guild_id, len(stopped))
        return stopped

    async def _watch_store(self) -> None:
        away_since: float | None = None  # when the database stopped answering (loop time)
        loop = asyncio.get_running_loop()
        while True:
            try:
                await asyncio.wait_for(self._stop_watching.wait(), self.settings.store_check_s)
                return
            except TimeoutError:
                pass
            try:
                await self.check_store()
            except STORE_FAILURES as exc:
                # Said once per outage, not every few seconds: jobs go on meanwhile.
                if away_since is None:
                    away_since = loop.time()
                    log.warning(
                        "the database does not answer (%r); jobs go on here, and other bot processes "
                        "may take them over if this lasts past GENERATION_CLAIM_TTL_S (%g s)",
                        exc,
                        self.settings.claim_ttl_s,
                    )
                continue
            except Exception:
                log.exception("checking the shared store failed; trying again shortly")
                continue
            if away_since is not None:
                log.warning("the database answers again after %.0f s", loop.time() - away_since)
                away_since = None

    async def check_store(self) -> None:
        """Renew this process's claim on the jobs it holds, stop those deleted, finished or taken
        over elsewhere meanwhile, and take over jobs and unposted results that no live process holds.

        A member's `/forget-me` reaches the bot process of the guild they typed it in, which deletes
        everything of theirs from the shared store; their jobs in other guilds run in other processes,
        which learn of it here. A process that closes releases its jobs, and one that died stops
        renewing its claim: either way the process owning their guilds takes them over here.
        """
        # Claims are extended a few times per lapse period, not at every look.
        now = asyncio.get_running_loop().time()
        extend = now - self._claims_extended_at >= self.settings.claim_ttl_s / 3
        held = self._held_here()
        if held:
            renewal = await self.store.renew(self.claim, held, extend=extend)
            await self._withdraw_deleted(renewal.deleted)
            await self._hand_over(renewal.lost)
        if extend and self.observer is not None and (posting := list(self.observer.delivering())):
            await self.store.keep_results(self.claim, posting)
        if extend:
            self._claims_extended_at = now
        await self._take_over()
        if self.observer is not None:
            # Results a process could not post before it closed or died (Discord was failing).
            for job in await self.store.take_over_unposted(self.claim, self._owns_guild):
                await self.observer.job_finished(job)

    async def _withdraw_deleted(self, deleted: set[int]) -> None:
        # Jobs withdrawn in this process while the store answered are already taken care of.
        gone = deleted & set(self.scheduler.active_job_ids())
        for job_id in self.withdraw(gone):
            try:
                await self._finish(job_id, JobStatus.CANCELLED, error="deleted")
            except JobNotFound:  # erased: there is nothing left to record it in
                self._count_erased([job_id])
        if self.observer is not None:
            for job_id in gone:
                await self.observer.job_withdrawn(job_id)
        if gone:
            log.info("stopped jobs %s, deleted meanwhile through another process", sorted(gone))

    async def _hand_over(self, lost: set[int]) -> None:
        """Another process finished these jobs (a member cancelled one through it) or took them over
        while this one could not renew its claim (the store was away for longer than
        GENERATION_CLAIM_TTL_S): they stop here, and nothing of them is recorded from here."""
        # A running job handed over already stops at its next step; it is not handed over again.
        lost = (lost & set(self.scheduler.held_job_ids())) - self._handed_over
        for job_id in lost:
            if self.scheduler.cancel(job_id) and self.scheduler.is_running(job_id):
                # It stops at its next step; that is not recorded, and its previews are not shown.
                self._handed_over.add(job_id)
                self._no_previews.add(job_id)
            else:
                self._concurrency.pop(job_id, None)
            if self.observer is not None:
                await self.observer.job_handed_over(job_id)
        if lost:
            log.info(
                "jobs %s were cancelled through or taken over by another bot process; they stop here",
                sorted(lost),
            )

    async def delete(self, job_id: int, actor_id: int, *, moderator: bool = False) -> Job:
        job = await self.store.get(job_id)
        if job.user_id != actor_id and not moderator:
            raise NotAllowed("only the job's owner or a moderator can delete it")
        await asyncio.to_thread(self.files.delete_job, job_id)
        # A deleted job is not worth the GPU, and nothing more of it may be shown: neither may the
        # upscales and variations of it still waiting (a moderator deleting what the classifier missed
        # would see it posted again, bigger), nor those being checked (see `_source_deleted_meanwhile`).
        async with self._admission:
            await self.store.mark_deleted(job_id)
            for dequeued in self.withdraw([job_id]):
                await self._finish(dequeued, JobStatus.CANCELLED, error="deleted")
            for started_from in await self.store.unfinished_started_from(job_id):
                await self._stop_started_from(started_from, STARTING_IMAGE_DELETED)
        await self._audit_moderator(job, actor_id, AuditAction.JOB_DELETED)
        return await self.store.get(job_id)

    async def _audit_moderator(self, job: Job, actor_id: int, action: AuditAction) -> None:
        """Record a moderator acting on a member's job in a server (a member's own is no decision)."""
        if job.guild_id is not None and job.user_id != actor_id:
            await self.audit.record(
                guild_id=job.guild_id,
                actor_id=actor_id,
                action=action,
                target_user_id=job.user_id,
                detail={"job": job.id},
            )

    async def remove_old_images(self, before: datetime) -> int:
        """Delete the image files of jobs finished before `before` (GENERATION_IMAGE_RETENTION_DAYS);
        their records stay, noting the images are gone. Returns how many jobs lost their images."""
        removed = 0
        while job_ids := await self.store.with_images_finished_before(before):
            for job_id in job_ids:
                try:
                    await asyncio.to_thread(self.files.delete_job, job_id)
                except OSError as exc:
                    # Its records forget the images all the same: kept, this job would come first
                    # in every round, and no later job's images would ever be removed.
                    log.warning(
                        "could not remove the images of job %s (%r); remove them by hand", job_id, exc
                    )
            await self.store.forget_images(job_ids)
            removed += len(job_ids)
        if removed:
            log.info("removed the images of %d jobs finished before %s", removed, before.date())
        return removed

    async def remove_orphaned_images(self, before: datetime) -> int:
        """Delete the image folders of jobs no longer in the store, untouched since `before`.

        An erasure (/forget-me, /mod purge) deletes the records first and the files after: a bot
        stopped in between, or a file that could not be removed then, leaves images of a member who
        asked for them to go, which nothing else would ever remove. Newer folders are left alone: a
        job being stored right now has its folder before its record is committed.
        """
        if not self._folder_claimed:
            return 0
        on_disk = await asyncio.to_thread(self.files.job_folders, untouched_since=before.timestamp())
        orphans = sorted(set(on_disk) - await self.store.existing(on_disk))
        removed = 0
        for job_id in orphans:
            try:
                await asyncio.to_thread(self.files.delete_job, job_id)
            except OSError as exc:
                log.warning("could not remove the images of erased job %s (%r)", job_id, exc)
                continue
            removed += 1
        if removed:
            log.info("removed the images of %d jobs no longer on record", removed)
        return removed

    def position(self, job_id: int) -> tuple[Position, float] | None:
        position = self.scheduler.position(job_id)
        if position is None:
            return None
        return position, self.scheduler.estimate_start_s(position)

    async def wait(self, job_id: int) -> Job:
        """Wait until the job is finished (the CLI and tests)."""
        job = await self.store.get(job_id)
        if job.status.finished:
            return job
        future: asyncio.Future[Job] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(job_id, []).append(future)
        return await future

    # -- outcomes -----------------------------------------------------------------------------------

    async def _handle_outcome(self, outcome: JobOutcome) -> None:
        """Classify and store a finished job's images (runs while the GPU slot is still held)."""
        try:
            await self._record_or_drop(outcome)
        except STORE_FAILURES as exc:
            # The database is away for a moment (a failover, a dropped connection): the images are
            # in memory; they are recorded later, without holding the GPU slot meanwhile.
            log.warning(
                "recording job %s failed (%r); trying again in the background", outcome.job.job_id, exc
            )
            job_id = outcome.job.job_id
            task = asyncio.create_task(self._record_later(outcome), name=f"record-{job_id}")
            self._record_tasks[job_id] = task
            task.add_done_callback(lambda _done: self._record_tasks.pop(job_id, None))

    async def _record_later(self, outcome: JobOutcome) -> None:
        job_id = outcome.job.job_id
        for delay in RECORD_RETRY_DELAYS_S:
            await asyncio.sleep(delay)
            try:
                await self._record_or_drop(outcome)
                return
            except STORE_FAILURES as exc:
                log.warning("recording job %s failed again (%r)", job_id, exc)
        # Still in the store as running: the next start runs it again.
        log.error("job %s could not be recorded; it runs again after a restart", job_id)
        for future in self._waiters.pop(job_id, []):
            if not future.done():
                future.set_exception(
                    BackendError(f"job {job_id} could not be recorded; it runs again after a restart")
                )

    async def _record_or_drop(self, outcome: JobOutcome) -> None:
        job_id = outcome.job.job_id
        if job_id in self._handed_over:
            self._handed_over.discard(job_id)
            if isinstance(outcome.error, JobCancelled):
                return  # stopped because another process runs it, not cancelled by anyone
        self._recording.add(job_id)
        try:
            await self._record_outcome(job_id, outcome)
        except JobNotFound:
            # Erased (/forget-me, /mod purge) while it ran: nothing left to record it in, and any
            # image saved meanwhile goes too. Its id stays in `_no_previews`: a preview still being
            # classified must not reach its message.
            self._concurrency.pop(job_id, None)
            self._count_erased([job_id])
            await asyncio.to_thread(self.files.delete_job, job_id)
            log.info("job %s was erased while it ran", job_id)
        else:
            self._no_previews.discard(job_id)
        finally:
            self._recording.discard(job_id)
        self._cancelled_while_recording.discard(job_id)

    async def _record_outcome(self, job_id: int, outcome: JobOutcome) -> None:
        if outcome.error is not None or outcome.images is None:
            if isinstance(outcome.error, JobCancelled):
                await self._finish(job_id, JobStatus.CANCELLED, error="cancelled")
            else:
                log.warning("job %s failed: %s", job_id, outcome.error)
                await self._finish_failed(job_id, failure_reason(outcome.error))
            return
        job = await self.store.get(job_id)
        if job.deleted_at is not None:
            await self._finish(job_id, JobStatus.CANCELLED, error="deleted")
            return
        try:
            records, notes = await self._classify_and_save(job, outcome.images)
        except JobCancelled:
            await self._finish(job_id, JobStatus.CANCELLED, error="cancelled")
            return
        except ImagesNotStored as exc:
            log.error(
                "job %s: %s: %s (GENERATION_IMAGE_DIR: %s)", job_id, exc, exc.__cause__, self.files.root
            )
            await self._finish_failed(job_id, failure_reason(exc))
            return
        # The audit entries commit with the outcome: a member erased while their images were being
        # classified (/forget-me, /mod purge) is not named again in the log after the erasure.
        finished = await self._finish(job_id, JobStatus.DONE, images=records, audit=notes)
        if finished.deleted_at is not None:  # deleted while its images were being saved
            await asyncio.to_thread(self.files.delete_job, job_id)
        elif finished.status is not JobStatus.DONE:
            # Cancelled through another process meanwhile: no record points to the images saved.
            await asyncio.to_thread(self.files.delete_files, [r.path for r in records if r.path])

    async def _classify_and_save(
        self, job: Job, images: Sequence[Image.Image]
    ) -> tuple[list[ImageRecord], list[AuditNote]]:
        """The images' records, and the audit entries of the ones hidden (written with the outcome)."""
        params = job.generation_params
        policy = await self._policy(job.guild_id)
        age_restricted = self.observer.channel_age_restricted(job) if self.observer is not None else None
        if age_restricted is None:
            age_restricted = job.channel_age_restricted
        verdicts = await asyncio.to_thread(self.gate.classify, list(images))
        if job.id in self._cancelled_while_recording:
            raise JobCancelled("cancelled while its images were classified")
        license_name = self.license_for(job.model).name
        records: list[ImageRecord] = []
        # The images hidden (withheld, or spoilered) by the same decision: one audit entry for them all.
        hidden: dict[tuple[AuditAction, str], list[tuple[int, tuple[str, ...]]]] = {}
        for index, (image, verdict, seed) in enumerate(zip(images, verdicts, params.seeds, strict=True)):
            outcome = decide_image_outcome(
                verdict, policy, channel_age_restricted=age_restricted, from_upload=job.from_upload
            )
            action = outcome.action
            path = None
            if action is not ImageAction.WITHHOLD:
                info = png_metadata(
                    params, seed=seed, kind=job.kind, job_id=job.id, license_name=license_name
                )
                try:
                    saved = await asyncio.to_thread(self.files.save_output, job.id, index, image, info)
                except OSError as exc:
                    # The image folder, not the database: no retry mends a full or read-only disk soon.
                    # The job fails, and no record will point to the images saved before this one.
                    saved_before = [record.path for record in records if record.path]
                    try:
                        await asyncio.to_thread(self.files.delete_files, saved_before)
                    except OSError as cleanup:
                        # A disk gone read-only refuses this too. The job fails all the same: an
                        # OSError from here would be taken for the database being away, and retried.
                        log.warning("job %s: could not remove its images saved so far (%r)", job.id, cleanup)
                    raise ImagesNotStored("the bot could not store the images") from exc
                path = str(saved)
            if action is not ImageAction.POST:
                category = "classifier_error" if verdict is None else "unsafe_image"
                self.metrics.moderation_blocks.labels(stage="output_image", category=category).inc()
                decision = (
                    AuditAction.IMAGE_SPOILERED
                    if action is ImageAction.SPOILER
                    else AuditAction.IMAGE_WITHHELD
                )
                rule = "image.output_unsafe" if verdict is not None else "image.classifier_error"
                labels = tuple(verdict.labels) if verdict is not None else ()
                hidden.setdefault((decision, rule), []).append((index, labels))
            records.append(
                ImageRecord(
                    index=index,
                    seed=seed,
                    path=path,
                    verdict=ImageVerdict.ERROR
                    if verdict is None
                    else (ImageVerdict.UNSAFE if verdict.unsafe else ImageVerdict.SAFE),
                    action=action,
                    labels=tuple(verdict.labels) if verdict is not None else (),
                    reason=outcome.reason,
                )
            )
        if job.id in self._cancelled_while_recording:
            # Cancelled while its images were being saved: the member was told it stops, so nothing
            # of it is posted, and what was saved goes.
            await asyncio.to_thread(
                self.files.delete_files, [record.path for record in records if record.path]
            )
            raise JobCancelled("cancelled while its images were saved")
        # Every decision that hides images is on the record (and a job's four withheld images are
        # one line in the log channel, not four).
        notes = [
            AuditNote(
                guild_id=job.guild_id,
                actor_id=None,  # the bot decided; the member is the target
                action=decision,
                target_user_id=job.user_id,
                rule_id=rule,
                detail={
                    "job": job.id,
                    "images": [index for index, _ in indexes_labels],
                    "labels": sorted({label for _, labels in indexes_labels for label in labels}),
                },
            )
            for (decision, rule), indexes_labels in hidden.items()
        ]
        return records, notes

    async def _finish_failed(self, job_id: int, error: str) -> None:
        await self._finish(job_id, JobStatus.FAILED, error=error)

    async def _finish(
        self,
        job_id: int,
        status: JobStatus,
        *,
        images: Sequence[ImageRecord] = (),
        error: str | None = None,
        params: GenerationParams | None = None,
        audit: Sequence[AuditNote] = (),
        review: Callable[[AsyncSession], AuditEntryRow] | None = None,
    ) -> Job:
        """Record a job's outcome, with its audit entries (and a blocked prompt's `review` copy) in the
        same transaction, then tell whoever waits or watches. `params`: see `JobStore.finish`."""
        self._concurrency.pop(job_id, None)
        staged: list[AuditEntryRow] = []

        def stage(session: AsyncSession) -> None:
            staged.extend(self.audit.stage(session, **asdict(note)) for note in audit)
            if review is not None:
                staged.append(review(session))

        job = await self.store.finish(job_id, status, images=images, error=error, params=params, along=stage)
        for row in staged:
            self.audit.announce(row)
        if job.status is status:
            # Images saved by a run that never recorded them (the bot stopped, or the database failed, in
            # between) are named by no record of the job as it ended: nothing else would ever remove them.
            # What the store holds is kept, whoever wrote it.
            keep = [path for path in (job.init_image_path, *(image.path for image in job.images)) if path]
            try:
                await asyncio.to_thread(self.files.delete_unrecorded, job_id, keep)
            except OSError as exc:
                log.warning("could not remove images of job %s that no record names (%r)", job_id, exc)
        for future in self._waiters.pop(job_id, []):
            if not future.done():
                future.set_result(job)
        if job.status is not status:
            # Finished otherwise meanwhile, by whoever wrote that outcome (a /cancel through another
            # bot process): they count it and show it.
            log.info("job %s was %s meanwhile", job_id, job.status.value)
            return job
        self.metrics.jobs.labels(status=job.status.value).inc()
        log.info("job %s %s", job_id, job.status.value)
        if self.observer is not None:
            try:
                await self.observer.job_finished(job)
            except Exception:
                log.exception("posting the result of job %s failed; it stays in the store", job_id)
        return job
