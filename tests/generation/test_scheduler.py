"""The dispatcher with a scripted backend: slots, batching, OOM split, timeout, cancel."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest
from PIL import Image

from generation.engine import BatchItem, BatchKey, BatchRequest, StepCallback, StopCheck
from generation.errors import (
    BackendUnavailable,
    DeviceFailed,
    JobCancelled,
    JobTimedOut,
    ModelUnavailable,
    OutOfMemory,
    failure_reason,
)
from generation.fairqueue import FairQueue, Position, QueueEntry
from generation.metrics import Metrics
from generation.params import Sampler
from generation.scheduler import JobOutcome, ScheduledJob, Scheduler

KEY = BatchKey("demo", False, 64, 64, 4, 7.5, Sampler.DPMPP_2M, 1.0)
OTHER_KEY = BatchKey("demo", False, 64, 64, 8, 7.5, Sampler.DPMPP_2M, 1.0)


class ScriptedBackend:
    """Runs batches in a thread like the real backend; records sizes; can fail on demand."""

    def __init__(
        self,
        *,
        delay: float = 0.01,
        max_ok_batch: int = 64,
        steps: int = 3,
        load_s: float = 0.0,
        queued_s: float = 0.0,
        fail_on_seed: int | None = None,
        failure: Exception | None = None,
    ) -> None:
        self.delay = delay
        # A batch holding this seed raises `failure` (a call fails for one job's sake).
        self.fail_on_seed = fail_on_seed
        self.failure = failure or ValueError("this one prompt breaks the pipeline")
        self.calls = 0
        self.load_s = load_s  # a model loading before the first step
        # Waiting for a device before the first step, asking meanwhile whether to stop (as Ray does).
        self.queued_s = queued_s
        self.max_ok_batch = max_ok_batch
        self.steps = steps
        self.batches: list[list[int]] = []
        self.concurrent = 0
        self.max_concurrent = 0
        self._lock = threading.Lock()

    async def start(self) -> None: ...

    def failure(self) -> str | None:
        return None

    async def close(self) -> None: ...

    async def run(
        self,
        request: BatchRequest,
        *,
        on_step: StepCallback,
        should_stop: StopCheck,
        on_preview: object = None,
    ) -> list[Image.Image]:
        return await asyncio.to_thread(self._run, request, on_step, should_stop)

    def _run(self, request: BatchRequest, on_step: StepCallback, should_stop: StopCheck) -> list[Image.Image]:
        with self._lock:
            self.concurrent += 1
            self.max_concurrent = max(self.max_concurrent, self.concurrent)
        try:
            self.calls += 1
            if len(request.items) > self.max_ok_batch:
                raise OutOfMemory("CUDA out of memory")
            if any(item.seed == self.fail_on_seed for item in request.items):
                raise self.failure
            self.batches.append([item.seed for item in request.items])
            waiting_until = time.monotonic() + self.queued_s
            while time.monotonic() < waiting_until:
                if should_stop():
                    raise JobCancelled("cancelled")
                time.sleep(0.01)
            time.sleep(self.load_s)
            for step in range(self.steps):
                if should_stop():
                    raise JobCancelled("cancelled")
                time.sleep(self.delay)
                on_step(step + 1, self.steps)
            return [Image.new("RGB", (8, 8), (item.seed % 256, 0, 0)) for item in request.items]
        finally:
            with self._lock:
                self.concurrent -= 1


def make_scheduler(backend: ScriptedBackend, outcomes: list[JobOutcome], **kwargs: object) -> Scheduler:
    async def record(outcome: JobOutcome) -> None:
        outcomes.append(outcome)

    return Scheduler(backend, FairQueue(quantum=100), on_outcome=record, metrics=Metrics(), **kwargs)  # type: ignore[arg-type]


def submit(
    scheduler: Scheduler,
    job_id: int,
    *,
    guild: int = 1,
    images: int = 1,
    key: BatchKey = KEY,
    user: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScheduledJob:
    items = tuple(BatchItem(f"p{job_id}", "", job_id * 10 + i) for i in range(images))
    job = ScheduledJob(job_id, key, items, on_progress=progress)
    scheduler.submit(
        QueueEntry(
            job_id, guild, user if user is not None else job_id, 100 * images, images, key, payload=job
        )
    )
    return job


async def run_one_job(backend: ScriptedBackend, **kwargs: object) -> list[JobOutcome]:
    """One job through a scheduler with these settings, to its end; its outcomes."""
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, **kwargs)
    submit(scheduler, 1)
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    return outcomes


async def test_compatible_jobs_share_a_call_and_each_gets_its_own_images() -> None:
    backend = ScriptedBackend()
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, max_batch=8, batch_wait_s=0.05)
    submit(scheduler, 1, images=2)
    submit(scheduler, 2, guild=2)
    submit(scheduler, 3, guild=3, key=OTHER_KEY)
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    assert sorted(map(sorted, backend.batches)) == [[10, 11, 20], [30]]
    by_job = {o.job.job_id: o for o in outcomes}
    assert [img.getpixel((0, 0))[0] for img in by_job[1].images or []] == [10, 11]
    assert [img.getpixel((0, 0))[0] for img in by_job[2].images or []] == [20]


async def test_a_lone_job_starts_at_once_and_jobs_arriving_together_wait_for_each_other() -> None:
    backend = ScriptedBackend()
    outcomes: list[JobOutcome] = []
    # A wait this long would time the test out: a job arriving alone must not wait for companions.
    lone = make_scheduler(backend, outcomes, max_batch=8, batch_wait_s=60)
    lone.start()
    submit(lone, 1)
    await asyncio.wait_for(lone.idle(), 10)
    await lone.stop()
    assert backend.batches == [[10]]

    # Two jobs come in together: the dispatcher waits, and a third arriving meanwhile joins them.
    together = make_scheduler(backend, outcomes, max_batch=8, batch_wait_s=1.0)
    together.start()
    submit(together, 2, guild=2)
    submit(together, 3, guild=3)
    await asyncio.sleep(0.05)
    submit(together, 4, guild=4)
    await asyncio.wait_for(together.idle(), 10)
    await together.stop()
    assert sorted(backend.batches[1]) == [20, 30, 40]


async def test_slots_bound_concurrency() -> None:
    backend = ScriptedBackend(delay=0.05)  # long enough that two batches overlap even on a busy machine
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, slots=2, max_batch=1)
    for job_id in range(6):
        submit(scheduler, job_id, guild=job_id)
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    assert len(outcomes) == 6
    assert backend.max_concurrent == 2


async def test_out_of_memory_splits_the_batch_in_halves() -> None:
    backend = ScriptedBackend(max_ok_batch=2)
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, max_batch=8)
    for job_id in range(1, 5):
        submit(scheduler, job_id, guild=job_id)
    submit(scheduler, 5, guild=5, images=4)  # alone it is still too large: its images go in two calls
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    by_job = {o.job.job_id: o for o in outcomes}
    assert all(by_job[j].error is None and by_job[j].images for j in range(1, 5))
    assert by_job[5].error is None and by_job[5].images is not None
    assert [image.getpixel((0, 0))[0] for image in by_job[5].images] == [50, 51, 52, 53]
    assert all(len(batch) <= 2 for batch in backend.batches)
    assert [50, 51] in backend.batches and [52, 53] in backend.batches


async def test_a_job_fails_out_of_memory_only_when_one_image_does_not_fit() -> None:
    backend = ScriptedBackend(max_ok_batch=0)
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, max_batch=8)
    submit(scheduler, 1, images=4)
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    assert isinstance(outcomes[0].error, OutOfMemory)


async def test_a_job_with_more_images_than_a_batch_runs_in_several_calls_with_one_progress_bar() -> None:
    """GENERATION_MAX_BATCH bounds every pipeline call, a lone job's too (lowering it is the cure for
    out-of-memory): its images come from calls of at most that many, in order."""
    backend = ScriptedBackend(steps=2)
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, max_batch=2)
    progress: list[tuple[int, int]] = []
    submit(scheduler, 1, images=3, progress=lambda step, total: progress.append((step, total)))
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    assert backend.batches == [[10, 11], [12]]
    assert outcomes[0].images is not None
    assert [image.getpixel((0, 0))[0] for image in outcomes[0].images] == [10, 11, 12]
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]


async def test_timeout_stops_the_job_at_the_next_step() -> None:
    backend = ScriptedBackend(delay=0.2, steps=20)
    outcomes = await run_one_job(backend, job_timeout_s=0.3)
    assert isinstance(outcomes[0].error, JobTimedOut)


async def test_loading_the_model_does_not_count_against_the_job_timeout() -> None:
    backend = ScriptedBackend(load_s=1.0, delay=0.01, steps=3)
    outcomes = await run_one_job(backend, job_timeout_s=0.5)
    assert outcomes[0].error is None and outcomes[0].images is not None


async def test_waiting_for_a_device_does_not_count_against_the_job_timeout() -> None:
    backend = ScriptedBackend(queued_s=1.0, delay=0.01, steps=3)
    outcomes = await run_one_job(backend, job_timeout_s=0.5)
    assert outcomes[0].error is None and outcomes[0].images is not None


async def test_a_batch_no_device_takes_up_fails_once_its_wait_is_too_long() -> None:
    """A Ray replica the cluster never places: the member is told, rather than left waiting."""
    backend = ScriptedBackend(queued_s=30.0, steps=3)
    outcomes = await run_one_job(backend, job_timeout_s=100, job_start_timeout_s=0.3)
    error = outcomes[0].error
    assert isinstance(error, JobTimedOut)
    assert str(error) == "the image generator did not start the job within 0.3 s; try again later"


async def test_direct_message_queues_share_one_metric_label() -> None:
    metrics = Metrics()
    scheduler = Scheduler(ScriptedBackend(), FairQueue(quantum=100), on_outcome=_ignore, metrics=metrics)  # type: ignore[arg-type]
    for user in (1, 2, 3):
        job = ScheduledJob(user, KEY, (BatchItem("p", "", user),))
        scheduler.submit(QueueEntry(user, ("dm", user), user, 100, 1, KEY, payload=job))
    assert metrics.queue_depth.labels(guild="dm")._value.get() == 3


async def _ignore(_outcome: JobOutcome) -> None:
    return None


async def test_cancel_queued_and_running_jobs() -> None:
    backend = ScriptedBackend(delay=0.05, steps=40)
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, max_batch=1)
    submit(scheduler, 1)
    submit(scheduler, 2, guild=2)
    scheduler.start()
    while not scheduler.is_running(1):  # noqa: ASYNC110 (polling the object under test)
        await asyncio.sleep(0.01)
    assert scheduler.cancel(2) is True  # queued: removed at once, never runs
    assert scheduler.cancel(1) is True  # running: stopped at its next step
    assert scheduler.cancel(99) is False
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    assert [o.job.job_id for o in outcomes] == [1]
    assert isinstance(outcomes[0].error, JobCancelled)
    assert all(2 * 10 not in batch for batch in backend.batches)


async def test_every_pipeline_call_is_timed_however_it_ends() -> None:
    """Cancelled and failed calls held the GPU too: imagine_batch_run_seconds timed only those that
    returned images, fewer than imagine_batch_size counted."""
    backend = ScriptedBackend(delay=0.05, steps=40, fail_on_seed=20)
    metrics = Metrics()
    scheduler = Scheduler(backend, FairQueue(quantum=100), on_outcome=_ignore, metrics=metrics, max_batch=1)  # type: ignore[arg-type]
    submit(scheduler, 1)
    scheduler.start()
    while not scheduler.is_running(1):  # noqa: ASYNC110 (polling the object under test)
        await asyncio.sleep(0.01)
    scheduler.cancel(1)
    await asyncio.wait_for(scheduler.idle(), 10)
    submit(scheduler, 2)  # its call fails
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()

    def count(name: str) -> float | None:
        return metrics.registry.get_sample_value(f"{name}_count")

    assert count("imagine_batch_size") == 2
    assert count("imagine_batch_run_seconds") == 2


async def test_progress_reaches_the_event_loop_and_user_concurrency_holds_jobs_back() -> None:
    backend = ScriptedBackend(delay=0.01)
    outcomes: list[JobOutcome] = []
    seen: list[tuple[int, int]] = []
    loop_thread = threading.get_ident()
    threads: set[int] = set()

    def progress(step: int, total: int) -> None:
        threads.add(threading.get_ident())
        seen.append((step, total))

    scheduler = make_scheduler(backend, outcomes, slots=2, max_batch=1, user_concurrency=lambda _e: 1)
    submit(scheduler, 1, user=7, progress=progress)
    submit(scheduler, 2, user=7)
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert threads == {loop_thread}
    assert backend.max_concurrent == 1  # the same user's second job waited for the first


@pytest.mark.parametrize("bad", ["not a job"])
def test_submit_requires_a_scheduled_job(bad: object) -> None:
    scheduler = make_scheduler(ScriptedBackend(), [])
    with pytest.raises(TypeError):
        scheduler.submit(QueueEntry(1, 1, 1, 1, 1, KEY, payload=bad))


async def test_user_concurrency_holds_inside_one_batch() -> None:
    """One job at a time per member: their second compatible job does not fill the batch beside the
    first while another member's job waits."""
    backend = ScriptedBackend()
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, max_batch=2, user_concurrency=lambda _e: 1)
    submit(scheduler, 1, user=7)
    submit(scheduler, 2, user=7)
    submit(scheduler, 3, user=8)
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    assert backend.batches == [[10, 30], [20]]


async def three_guilds_in_one_batch(backend: ScriptedBackend) -> list[JobOutcome]:
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, max_batch=8)
    for job_id in (1, 2, 3):
        submit(scheduler, job_id, guild=job_id)
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    return outcomes


async def test_a_batch_that_fails_for_one_jobs_sake_fails_that_job_alone() -> None:
    backend = ScriptedBackend(fail_on_seed=20)
    outcomes = await three_guilds_in_one_batch(backend)
    by_job = {o.job.job_id: o for o in outcomes}
    assert by_job[1].error is None and by_job[3].error is None
    assert by_job[2].error is not None and "breaks the pipeline" in str(by_job[2].error)
    assert backend.batches == [[10], [30]]  # the failed calls (all three, then job 2) record nothing


async def test_a_lost_device_fails_the_batch_without_running_each_job_again() -> None:
    backend = ScriptedBackend(fail_on_seed=20, failure=DeviceFailed("illegal memory access"))
    outcomes = await three_guilds_in_one_batch(backend)
    assert backend.calls == 1
    assert all(isinstance(outcome.error, DeviceFailed) for outcome in outcomes) and len(outcomes) == 3


async def test_a_model_that_cannot_be_loaded_fails_the_batch_without_loading_it_for_each_job() -> None:
    backend = ScriptedBackend(fail_on_seed=20, failure=ModelUnavailable("no such model", model="demo"))
    outcomes = await three_guilds_in_one_batch(backend)
    assert backend.calls == 1
    assert all(isinstance(outcome.error, ModelUnavailable) for outcome in outcomes) and len(outcomes) == 3


async def test_the_start_estimate_of_the_next_job_counts_the_time_left_on_the_running_one() -> None:
    backend = ScriptedBackend(delay=0.2, steps=4)
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, max_batch=1)
    scheduler.start()
    submit(scheduler, 1)  # teaches the scheduler its speed
    await asyncio.wait_for(scheduler.idle(), 10)
    started = asyncio.Event()
    submit(scheduler, 2, progress=lambda _step, _total: started.set())
    await asyncio.wait_for(started.wait(), 10)
    submit(scheduler, 3)
    position = scheduler.position(3)
    assert position is not None and position.ahead == 0 and position.cost_ahead == 0
    assert scheduler.estimate_start_s(position) > 0  # job 2 has three of its four steps to go
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()


class ClusterGone(ScriptedBackend):
    """A backend whose cluster went away: every batch sent is lost until `back` is set."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.back = False
        self.lost = 0

    async def run(
        self,
        request: BatchRequest,
        *,
        on_step: StepCallback,
        should_stop: StopCheck,
        on_preview: object = None,
    ) -> list[Image.Image]:
        if not self.back:
            self.lost += 1
            raise BackendUnavailable("no replica could run the batch after 4 tries: the head restarted")
        return await super().run(request, on_step=on_step, should_stop=should_stop)


async def test_a_batch_lost_with_the_cluster_waits_for_it_and_then_runs() -> None:
    """A head restart or a partition is no fault of the jobs: they are not failed, but sent again
    once the cluster answers, and the scheduler says meanwhile that the backend is unavailable."""
    backend = ClusterGone()
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, backend_outage_s=60, backend_retry_s=0.05)
    submit(scheduler, 1)
    submit(scheduler, 2, guild=2)
    scheduler.start()
    while backend.lost < 3:  # noqa: ASYNC110 (polling the object under test)
        await asyncio.sleep(0.01)
    assert outcomes == [] and scheduler.backend_unavailable()
    assert sorted(scheduler.active_job_ids()) == [1, 2]  # still the bot's, and still cancellable
    backend.back = True
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    assert sorted(o.job.job_id for o in outcomes) == [1, 2]
    assert all(o.error is None and o.images for o in outcomes)
    assert not scheduler.backend_unavailable()


async def test_jobs_waiting_for_the_cluster_fail_with_a_clear_reason_past_the_limit() -> None:
    backend = ClusterGone()
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, backend_outage_s=0.5, backend_retry_s=0.05)
    submit(scheduler, 1)
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    (outcome,) = outcomes
    assert isinstance(outcome.error, BackendUnavailable) and backend.lost > 1
    assert failure_reason(outcome.error) == (
        "the image generator was unavailable for over 0.5 s, and the job waited no longer; try again later"
    )
    assert not scheduler.backend_unavailable()
    assert failure_reason(BackendUnavailable("gone", waited_s=900)) == (
        "the image generator was unavailable for over 15 min, and the job waited no longer; try again later"
    )
    assert str(JobTimedOut(600)) == "the job took longer than 10 min"
    assert str(JobTimedOut(90)) == "the job took longer than 90 s"


async def test_a_job_waiting_for_the_cluster_can_be_cancelled() -> None:
    backend = ClusterGone()
    outcomes: list[JobOutcome] = []
    # Tries far apart: the cancel must be heard between them.
    scheduler = make_scheduler(backend, outcomes, backend_outage_s=600, backend_retry_s=300)
    submit(scheduler, 1)
    scheduler.start()
    while not backend.lost:  # noqa: ASYNC110 (polling the object under test)
        await asyncio.sleep(0.01)
    assert scheduler.cancel(1) is True
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    (outcome,) = outcomes
    assert isinstance(outcome.error, JobCancelled)
    assert backend.lost == 1


async def test_the_wait_for_the_cluster_does_not_make_later_start_estimates_longer() -> None:
    backend = ClusterGone()
    outcomes: list[JobOutcome] = []
    scheduler = make_scheduler(backend, outcomes, backend_outage_s=60, backend_retry_s=0.05)
    submit(scheduler, 1)
    scheduler.start()
    while backend.lost < 5:  # noqa: ASYNC110 (polling the object under test)
        await asyncio.sleep(0.01)
    backend.back = True
    await asyncio.wait_for(scheduler.idle(), 10)
    await scheduler.stop()
    assert outcomes[0].error is None
    # The only batch so far waited for the cluster: the wait is not the GPU's speed, so nothing is learned.
    assert scheduler.estimate_start_s(Position(ahead=1, cost_ahead=100)) == 0.0
