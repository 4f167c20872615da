"""The dispatcher: takes batches from the fair queue and runs them on the backend under GPU slots.

One loop waits for a free slot, then forms the batch at that moment (so the batch is as full and as
fair as it can be), and runs it in a task that gives the slot back in `finally`. A batch that runs the
device out of memory is split in halves and retried; a job that overruns its timeout is stopped at the
next denoising step.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from PIL import Image

from generation.backends import Backend
from generation.engine import BatchItem, BatchKey, BatchRequest
from generation.errors import (
    BackendUnavailable,
    DeviceFailed,
    GenerationError,
    JobCancelled,
    JobTimedOut,
    ModelUnavailable,
    OutOfMemory,
)
from generation.fairqueue import FairQueue, GuildKey, Position, QueueEntry
from generation.metrics import Metrics

log = logging.getLogger(__name__)


@dataclass(eq=False)
class ScheduledJob:
    """A queued job as the scheduler sees it: its images to make and where to report."""

    job_id: int
    key: BatchKey
    items: tuple[BatchItem, ...]
    on_progress: Callable[[int, int], None] | None = None
    # Whether rough images of this job's items are wanted while it runs (see `PreviewHandler`).
    wants_previews: bool = False
    cancelled: bool = field(default=False)


@dataclass(frozen=True)
class JobOutcome:
    job: ScheduledJob
    images: list[Image.Image] | None
    error: GenerationError | None = None


OutcomeHandler = Callable[[JobOutcome], Awaitable[None]]
# (step, total steps, [(job, its rough images)]) for one batch, on the event loop: one call per
# preview of the batch, so its images can be classified together.
PreviewHandler = Callable[[int, int, list[tuple[ScheduledJob, list[Image.Image]]]], None]
StartHandler = Callable[[list[int]], Awaitable[None]]


def _guild_label(guild: GuildKey) -> str:
    # Direct messages queue per user; as a metric label they are one "dm" (one series per user
    # would grow without bound).
    return "dm" if isinstance(guild, tuple) else str(guild)


async def _nothing_to_record(_job_ids: list[int]) -> None:
    return None


# Failures of a whole batch that running its jobs one by one would only repeat: the device is lost,
# the model (the same for every job of a batch) cannot be loaded, the time is up, or the jobs were
# stopped.
_NOT_ONE_JOBS_FAULT = (DeviceFailed, ModelUnavailable, JobTimedOut, JobCancelled)


@dataclass
class _Deadline:
    """A job's time limits. The job's own, from its first step: waiting for the device (behind other
    bot processes' batches on a Ray replica), loading a model that is not loaded yet or compiling a
    new shape is not the job's fault. Before that, a longer one for the wait itself, so a batch no
    device ever takes up (a Ray replica the cluster cannot place) fails rather than waits for ever;
    it holds where the backend asks whether to stop while it waits (Ray does, every moment)."""

    seconds: float
    start_seconds: float
    sent: float = field(default_factory=time.monotonic)
    at: float | None = None

    def start(self) -> None:
        if self.at is None:
            self.at = time.monotonic() + self.seconds

    def check(self) -> None:
        now = time.monotonic()
        if self.at is None:
            if now - self.sent > self.start_seconds:
                raise JobTimedOut(self.start_seconds, started=False)
        elif now > self.at:
            raise JobTimedOut(self.seconds)


class Scheduler:
    """Fair, batched, slot-limited execution of scheduled jobs."""

    def __init__(
        self,
        backend: Backend,
        queue: FairQueue,
        *,
        on_outcome: OutcomeHandler,
        metrics: Metrics,
        on_started: StartHandler = _nothing_to_record,
        on_previews: PreviewHandler | None = None,
        slots: int = 1,
        max_batch: int = 8,
        batch_wait_s: float = 0.0,
        job_timeout_s: float = 600.0,
        job_start_timeout_s: float = 1800.0,
        backend_outage_s: float = 900.0,
        backend_retry_s: float = 5.0,
        user_concurrency: Callable[[QueueEntry], int] = lambda _entry: 0,
    ) -> None:
        self.queue = queue
        self._backend = backend
        self._on_outcome = on_outcome
        self._on_started = on_started
        self._on_previews = on_previews
        self._metrics = metrics
        self._slots = asyncio.Semaphore(slots)
        self._slot_count = slots
        self._max_batch = max_batch
        self._batch_wait_s = batch_wait_s
        self._job_timeout_s = job_timeout_s
        self._job_start_timeout_s = job_start_timeout_s
        self._backend_outage_s = backend_outage_s
        self._backend_retry_s = backend_retry_s
        # Batches lost because the backend went away, waiting for it to come back (see `_await_backend`).
        self._awaiting_backend = 0
        self._batches_lost = 0  # ever: a batch that saw it change may have waited for the backend
        self._user_concurrency = user_concurrency
        self._work = asyncio.Event()
        self._running: dict[int, ScheduledJob] = {}
        self._running_by_user: dict[int, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop_task: asyncio.Task[None] | None = None
        self._stopping = False
        # Seconds per unit of cost, learned from finished batches, for start estimates.
        self._seconds_per_cost = 0.0
        # The batches holding a GPU slot: when each started and its cost, by task.
        self._batches_running: dict[asyncio.Task[None], tuple[float, int]] = {}
        # When the last two jobs arrived: jobs arriving together are worth a short wait for each other.
        self._last_arrival = self._previous_arrival = -math.inf

    # -- queue side ---------------------------------------------------------------------------------

    def submit(self, entry: QueueEntry) -> None:
        """Queue a job (its ScheduledJob is `entry.payload`); the store must already hold it."""
        if not isinstance(entry.payload, ScheduledJob):
            raise TypeError("QueueEntry.payload must be a ScheduledJob")
        entry.enqueued_at = time.monotonic()
        self._previous_arrival, self._last_arrival = self._last_arrival, entry.enqueued_at
        self.queue.push(entry)
        self._metrics.queue_depth.labels(guild=_guild_label(entry.guild)).inc()
        self._work.set()

    def cancel(self, job_id: int) -> bool:
        """Cancel a queued job (removed now) or a running one (stopped at its next step)."""
        entry = self.queue.remove(job_id)
        if entry is not None:
            self._metrics.queue_depth.labels(guild=_guild_label(entry.guild)).dec()
            return True
        running = self._running.get(job_id)
        if running is not None:
            running.cancelled = True
            return True
        return False

    def active_job_ids(self) -> list[int]:
        """Jobs queued or running that nobody has cancelled."""
        queued = [entry.job_id for entry in self.queue]
        return queued + [job_id for job_id, job in self._running.items() if not job.cancelled]

    def held_job_ids(self) -> list[int]:
        """Every job queued or running here, cancelled or not: they are this process's until their
        outcome is reported."""
        return [entry.job_id for entry in self.queue] + list(self._running)

    def is_running(self, job_id: int) -> bool:
        return job_id in self._running

    def is_stopping(self, job_id: int) -> bool:
        """Running, and cancelled: it stops at its next step."""
        running = self._running.get(job_id)
        return running is not None and running.cancelled

    def running_for_user(self, user_id: int) -> int:
        return self._running_by_user.get(user_id, 0)

    def position(self, job_id: int) -> Position | None:
        return self.queue.position(job_id)

    def estimate_start_s(self, position: Position) -> float:
        """Seconds until the job may start, from the cost ahead of it and the observed speed, after
        the first GPU slot comes free when all are busy."""
        queued = position.cost_ahead * self._seconds_per_cost / self._slot_count
        if len(self._batches_running) < self._slot_count:
            return queued
        now = time.monotonic()
        soonest = min(
            max(0.0, cost * self._seconds_per_cost - (now - started))
            for started, cost in self._batches_running.values()
        )
        return soonest + queued

    # -- dispatch side ------------------------------------------------------------------------------

    def start(self) -> None:
        self._stopping = False
        if self._loop_task is None:
            self._loop_task = asyncio.create_task(self._dispatch_loop(), name="scheduler-dispatch")

    async def stop(self) -> None:
        self._stopping = True
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
            self._loop_task = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def healthy(self) -> bool:
        """The dispatcher is alive (not crashed, not stopped)."""
        return self._loop_task is not None and not self._loop_task.done()

    def backend_unavailable(self) -> bool:
        """Batches are waiting for the backend to come back (its cluster or replicas went away)."""
        return self._awaiting_backend > 0

    async def idle(self) -> None:
        """Wait until nothing is queued or running (for tests)."""
        while len(self.queue) or self._running or self._tasks:  # noqa: ASYNC110 (several conditions)
            await asyncio.sleep(0.02)

    def _arriving_together(self) -> bool:
        """Whether companions may be on their way: several jobs wait, or the last two came close
        together. A job that arrives alone after a quiet spell starts at once, without the wait."""
        close_together = self._last_arrival - self._previous_arrival < self._batch_wait_s
        just_now = time.monotonic() - self._last_arrival < self._batch_wait_s
        return len(self.queue) > 1 or (close_together and just_now)

    def _eligible(self, entry: QueueEntry, batch: Sequence[QueueEntry]) -> bool:
        limit = self._user_concurrency(entry)
        if not limit:
            return True
        in_batch = sum(1 for taken in batch if taken.user_id == entry.user_id)
        return self._running_by_user.get(entry.user_id, 0) + in_batch < limit

    async def _dispatch_loop(self) -> None:
        while True:
            await self._work.wait()
            await self._slots.acquire()
            try:
                if self._batch_wait_s and len(self.queue) < self._max_batch and self._arriving_together():
                    # A short wait lets jobs sent together share one call.
                    await asyncio.sleep(self._batch_wait_s)
                entries = self.queue.pop_batch(self._max_batch, self._eligible)
            except BaseException:
                self._slots.release()
                raise
            if not entries:
                self._slots.release()
                self._work.clear()
                continue
            # Counted as running before the next batch is formed, so per-user caps hold at once.
            for entry in entries:
                self._metrics.queue_depth.labels(guild=_guild_label(entry.guild)).dec()
                self._metrics.wait_seconds.observe(time.monotonic() - entry.enqueued_at)
                self._running_by_user[entry.user_id] = self._running_by_user.get(entry.user_id, 0) + 1
                if isinstance(entry.payload, ScheduledJob):
                    self._running[entry.job_id] = entry.payload
            task = asyncio.create_task(self._run_entries(entries), name="scheduler-batch")
            self._tasks.add(task)
            self._batches_running[task] = (time.monotonic(), sum(entry.cost for entry in entries))
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(lambda done: self._batches_running.pop(done, None))

    async def _run_entries(self, entries: list[QueueEntry]) -> None:
        jobs = [entry.payload for entry in entries if isinstance(entry.payload, ScheduledJob)]
        self._metrics.slots_in_use.inc()
        started = time.monotonic()
        lost_before = self._batches_lost
        try:
            try:
                await self._on_started([job.job_id for job in jobs])
            except Exception as exc:  # recording the start is bookkeeping; the job runs regardless
                log.warning("recording the start of jobs %s failed: %r", [job.job_id for job in jobs], exc)
            await self._run_jobs(jobs)
        finally:
            self._metrics.slots_in_use.dec()
            self._slots.release()
            for entry in entries:
                self._running_by_user[entry.user_id] -= 1
                if not self._running_by_user[entry.user_id]:
                    del self._running_by_user[entry.user_id]
            for job in jobs:
                self._running.pop(job.job_id, None)
            if self._batches_lost == lost_before:
                # A batch that waited for the backend to come back says nothing of its speed.
                self._learn_speed(entries, time.monotonic() - started)
            # Jobs held back by a user's concurrency cap may be eligible now.
            self._work.set()

    def _learn_speed(self, entries: Sequence[QueueEntry], seconds: float) -> None:
        cost = sum(entry.cost for entry in entries)
        if cost:
            sample = seconds / cost
            self._seconds_per_cost = (
                sample if not self._seconds_per_cost else 0.8 * self._seconds_per_cost + 0.2 * sample
            )

    async def _run_jobs(self, jobs: list[ScheduledJob], per_call: int | None = None) -> None:
        """Run jobs as one call (a lone job's images `per_call` at a time); on out-of-memory, split the
        jobs in halves, or a lone job's images into smaller calls, and retry; on another failure of
        several jobs, run each alone."""
        per_call = per_call or self._max_batch
        images: list[Image.Image] | None = None
        failure: GenerationError | None = None
        lost_at: float | None = None  # when the backend lost this batch with its cluster
        try:
            while True:
                try:
                    images = await self._call_backend(jobs, per_call)
                except BackendUnavailable as exc:
                    # Lost with the cluster, not failed: the jobs are sent again once it is back.
                    if lost_at is None:
                        lost_at = time.monotonic()
                        self._awaiting_backend += 1
                        self._batches_lost += 1
                        log.warning(
                            "jobs %s wait for the backend to come back (%s); they fail after %g s",
                            [job.job_id for job in jobs],
                            exc,
                            self._backend_outage_s,
                        )
                    jobs = await self._await_backend(jobs, exc, lost_at)
                    if jobs:
                        continue
                    return
                except OutOfMemory:
                    pass  # retried below, outside this block, whose traceback would hold the call's memory
                except GenerationError as exc:
                    failure = exc
                except Exception as exc:  # a backend bug must not take the dispatcher down with it
                    log.exception("batch of jobs %s failed", [job.job_id for job in jobs])
                    failure = GenerationError(f"generation failed: {exc}")
                break
        finally:
            if lost_at is not None:
                self._awaiting_backend -= 1
        if failure is not None:
            if len(jobs) > 1 and not isinstance(failure, _NOT_ONE_JOBS_FAULT):
                # Perhaps one job's doing (its prompt, its picture): each runs alone, so that only the
                # job at fault fails, and not the other guilds' jobs batched with it.
                log.warning(
                    "batch of jobs %s failed (%s); running each alone", [j.job_id for j in jobs], failure
                )
                for job in jobs:
                    await self._run_jobs([job], per_call)
                return
            await self._report_failed(jobs, failure)
            return
        if images is None:
            if len(jobs) > 1:
                half = len(jobs) // 2
                log.warning("out of memory on a batch of %d jobs; retrying in halves", len(jobs))
                await self._run_jobs(jobs[:half])
                await self._run_jobs(jobs[half:])
                return
            at_once = min(per_call, len(jobs[0].items))
            if at_once > 1:
                log.warning(
                    "out of memory on %d images of job %s at once; retrying fewer", at_once, jobs[0].job_id
                )
                await self._run_jobs(jobs, per_call=at_once // 2)
                return
            await self._report_failed(jobs, OutOfMemory("the device ran out of memory for this job"))
            return
        offset = 0
        for job in jobs:
            own = images[offset : offset + len(job.items)]
            offset += len(job.items)
            if job.cancelled:
                await self._report(JobOutcome(job, None, JobCancelled("cancelled")))
            else:
                await self._report(JobOutcome(job, own))

    async def _await_backend(
        self, jobs: list[ScheduledJob], error: BackendUnavailable, lost_at: float
    ) -> list[ScheduledJob]:
        """Hold jobs whose batch the backend lost with its cluster until it is worth sending them
        again; the jobs to send (none once they are cancelled, or have failed for waiting too long).

        They keep their GPU slot (with the backend gone no other batch could use it) and stay running
        in the store, so a restarted bot takes them up again as well.
        """
        retry_at = time.monotonic() + self._backend_retry_s
        while True:
            cancelled = [job for job in jobs if job.cancelled]
            if cancelled:
                await self._report_failed(cancelled, JobCancelled("cancelled"))
                jobs = [job for job in jobs if not job.cancelled]
                if not jobs:
                    return []
            now = time.monotonic()
            if now - lost_at > self._backend_outage_s:
                log.warning(
                    "jobs %s waited %.0f s for the backend; they fail",
                    [job.job_id for job in jobs],
                    now - lost_at,
                )
                await self._report_failed(
                    jobs, BackendUnavailable(str(error), waited_s=self._backend_outage_s)
                )
                return []
            if now >= retry_at:
                # The backend reconnects (and redeploys) when sent a batch after a loss.
                return jobs
            # Short naps, so that a cancel is heard at once however far apart the tries are.
            await asyncio.sleep(min(0.25, retry_at - now))

    async def _call_backend(self, jobs: list[ScheduledJob], per_call: int) -> list[Image.Image]:
        """The jobs' images from one pipeline call; a lone job with more images than `per_call` (a
        batch is filled up to GENERATION_MAX_BATCH, but its first job is taken whatever its count)
        gets them from several, each image with its own seed, so the pixels are those of one call."""
        items = tuple(item for job in jobs for item in job.items)
        calls = [items[start : start + per_call] for start in range(0, len(items), per_call)]
        if len(calls) > 1 and len(jobs) > 1:
            # A call's previews are handed out by slicing its items per job, which only one job allows.
            raise ValueError("only a lone job is split over several calls")
        deadline = _Deadline(self._job_timeout_s, self._job_start_timeout_s)
        images: list[Image.Image] = []
        for index, part in enumerate(calls):
            images += await self._call_once(jobs, part, deadline, progress=(index, len(calls)))
        return images

    async def _call_once(
        self,
        jobs: list[ScheduledJob],
        items: tuple[BatchItem, ...],
        deadline: _Deadline,
        progress: tuple[int, int],
    ) -> list[Image.Image]:
        key = jobs[0].key
        loop = asyncio.get_running_loop()
        call, calls = progress

        def on_step(step: int, total: int) -> None:
            deadline.start()
            # Called from the worker thread; progress handlers live on the event loop. A job run in
            # several calls shows one bar over all of them.
            for job in jobs:
                if job.on_progress is not None and not job.cancelled:
                    loop.call_soon_threadsafe(job.on_progress, call * total + step, calls * total)

        def on_preview(step: int, total: int, previews: list[Image.Image]) -> None:
            # The batch's previews in item order; each job gets the slice of its own items.
            per_job, offset = [], 0
            for job in jobs:
                own = previews[offset : offset + len(job.items)]
                offset += len(job.items)
                if job.wants_previews and not job.cancelled:
                    per_job.append((job, own))
            if per_job and self._on_previews is not None:
                loop.call_soon_threadsafe(self._on_previews, step, total, per_job)

        def should_stop() -> bool:
            deadline.check()
            # Stopping the bot stops the batch too; its jobs stay running in the store, and the next
            # start runs them again.
            return self._stopping or all(job.cancelled for job in jobs)

        self._metrics.batch_size.observe(len(items))
        started = time.monotonic()
        wants_previews = self._on_previews is not None and any(job.wants_previews for job in jobs)
        try:
            images = await self._backend.run(
                BatchRequest(key, items),
                on_step=on_step,
                should_stop=should_stop,
                on_preview=on_preview if wants_previews else None,
            )
        finally:
            # Every call held the GPU, however it ended (cancelled, timed out, failed): one observation
            # for each call `batch_size` counted.
            self._metrics.run_seconds.observe(time.monotonic() - started)
        self._metrics.images.inc(len(images))
        if len(images) != len(items):
            raise GenerationError(f"backend returned {len(images)} images for {len(items)} requested")
        return images

    async def _report_failed(self, jobs: Sequence[ScheduledJob], error: GenerationError) -> None:
        """Every job of a failed batch fails with `error`, or ends cancelled if it was cancelled."""
        for job in jobs:
            outcome_error: GenerationError = JobCancelled("cancelled") if job.cancelled else error
            await self._report(JobOutcome(job, None, outcome_error))

    async def _report(self, outcome: JobOutcome) -> None:
        # Not running any more from here on: a cancel or delete now finds it finished, not running.
        self._running.pop(outcome.job.job_id, None)
        try:
            await self._on_outcome(outcome)
        except Exception:
            log.exception("handling the outcome of job %s failed", outcome.job.job_id)
