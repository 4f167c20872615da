"""The Ray Serve backend on a local cluster: two CPU replicas of the tiny model."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
import pytest_asyncio
from PIL import Image

from generation.engine import BatchItem, BatchKey, BatchRequest, DiffusionEngine
from generation.errors import BackendError, JobCancelled, ModelUnavailable, failure_reason
from generation.fairqueue import FairQueue, QueueEntry
from generation.metrics import Metrics
from generation.params import Sampler
from generation.scheduler import JobOutcome, ScheduledJob, Scheduler
from generation.settings import PREVIEW_VAE_FOLDER, GenerationSettings, ModelSpec

ray = pytest.importorskip("ray", reason="the ray extra is not installed")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def settings_for(model: Path, **overrides: object) -> GenerationSettings:
    return GenerationSettings(
        models={
            "demo": ModelSpec(
                source=str(model),
                width=64,
                height=64,
                steps=4,
                preview_vae=str(model / PREVIEW_VAE_FOLDER),
            )
        },
        preview_interval_s=0.0001,
        default_model="demo",
        device="cpu",
        backend="ray",
        ray_replicas=2,
        ray_gpus_per_replica=0,
        ray_cpus_per_replica=0.5,
        max_batch=4,
        batch_wait_s=0.05,
        **overrides,  # type: ignore[arg-type]
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def ray_backend(demo_model: Path) -> AsyncIterator[object]:
    from generation.backends.ray import RayBackend

    backend = RayBackend(settings_for(demo_model))
    await backend.start()
    yield backend
    await backend.close()


def request(seed: int, steps: int = 4) -> BatchRequest:
    key = BatchKey("demo", False, 64, 64, steps, 7.5, Sampler.DPMPP_2M, 1.0)
    return BatchRequest(key, (BatchItem("a red fox", "", seed), BatchItem("a cat", "", seed + 1)))


@pytest.mark.asyncio(loop_scope="module")
async def test_replicas_give_the_same_pixels_as_in_process(ray_backend: object, demo_model: Path) -> None:
    steps: list[tuple[int, int]] = []
    images = await ray_backend.run(
        request(5), on_step=lambda s, t: steps.append((s, t)), should_stop=lambda: False
    )  # type: ignore[attr-defined]
    local = DiffusionEngine.load("demo", str(demo_model), device="cpu").run(request(5))
    assert len(images) == 2
    for remote_image, local_image in zip(images, local, strict=True):
        diff = np.abs(np.asarray(remote_image, dtype=int) - np.asarray(local_image, dtype=int)).max()
        assert diff <= 2
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]  # streamed from the replica as they happen


@pytest.mark.asyncio(loop_scope="module")
async def test_merged_requests_each_get_their_own_progress_previews_and_images(ray_backend: object) -> None:
    """Serve merges requests that arrive together; each still streams only what is its own."""
    one_item = BatchRequest(
        BatchKey("demo", False, 64, 64, 3, 7.5, Sampler.DPMPP_2M, 1.0), (BatchItem("a boat", "", 9),)
    )
    seen: dict[str, dict[str, list[object]]] = {}

    async def follow(name: str, batch: BatchRequest) -> list[object]:
        record: dict[str, list[object]] = {"steps": [], "previews": []}
        seen[name] = record
        return await ray_backend.run(  # type: ignore[attr-defined, no-any-return]
            batch,
            on_step=lambda s, t: record["steps"].append((s, t)),
            should_stop=lambda: False,
            on_preview=lambda s, t, images: record["previews"].append((s, t, len(images))),
        )

    pair, single, other_pair = await asyncio.gather(
        follow("pair", request(11)), follow("single", one_item), follow("other", request(21))
    )
    assert (len(pair), len(single), len(other_pair)) == (2, 1, 2)
    assert seen["pair"]["steps"] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert seen["single"]["steps"] == [(1, 3), (2, 3), (3, 3)]
    assert seen["pair"]["previews"] and {n for _, _, n in seen["pair"]["previews"]} == {2}
    assert seen["single"]["previews"] and {n for _, _, n in seen["single"]["previews"]} == {1}
    assert all(step < total for step, total, _ in seen["single"]["previews"])


@pytest.mark.asyncio(loop_scope="module")
async def test_a_job_lost_with_the_application_waits_for_it_and_runs_once_it_is_deployed_again(
    ray_backend: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The application gone (deleted, or lost with a restarted head): the job is not failed as 'the image
    generator failed' but waits, with the backend reported unavailable, while this bot (the deployer)
    deploys the application again; then it runs."""
    from ray import serve

    from generation.backends import ray as ray_module

    # The batch still goes through all its tries on the handle before it is lost; without the seconds
    # of backoff between them (1 + 2 + 3 + 4), which only give a replaced replica time to start.
    monkeypatch.setattr(ray_module, "RETRY_BACKOFF_S", 0.05)

    outcomes: list[JobOutcome] = []

    async def record(outcome: JobOutcome) -> None:
        outcomes.append(outcome)

    # The bot has been sending batches (its handle knows the application) when the application goes.
    await ray_backend.run(request(50), on_step=lambda s, t: None, should_stop=lambda: False)  # type: ignore[attr-defined]
    await asyncio.to_thread(serve.delete, "imagine-generation")
    scheduler = Scheduler(
        ray_backend,  # type: ignore[arg-type]
        FairQueue(quantum=100),
        on_outcome=record,
        metrics=Metrics(),
        backend_retry_s=0.5,
    )
    key = request(51).key
    job = ScheduledJob(1, key, request(51).items)
    scheduler.submit(QueueEntry(1, 1, 1, 100, 2, key, payload=job))
    scheduler.start()
    try:
        for _ in range(600):
            if scheduler.backend_unavailable() or outcomes:
                break
            await asyncio.sleep(0.1)
        assert scheduler.backend_unavailable() and not outcomes
        await asyncio.wait_for(scheduler.idle(), 240)
    finally:
        await scheduler.stop()
    (outcome,) = outcomes
    assert outcome.error is None and outcome.images is not None and len(outcome.images) == 2
    assert not scheduler.backend_unavailable()
    assert serve.status().applications["imagine-generation"].status == "RUNNING"
    assert await ray_backend.probe() is None and ray_backend.failure() is None  # type: ignore[attr-defined]


@pytest.mark.asyncio(loop_scope="module")
async def test_an_application_gone_is_seen_by_a_look_and_the_next_batch_deploys_it_first(
    ray_backend: object,
) -> None:
    """Before any batch finds it: /healthz says so, and the next batch does not go through its tries
    on a handle to an application that is gone."""
    from ray import serve

    await asyncio.to_thread(serve.delete, "imagine-generation")
    assert "not running" in (await ray_backend.probe() or "")  # type: ignore[attr-defined]
    assert ray_backend.failure() is not None  # type: ignore[attr-defined]
    images = await ray_backend.run(request(60), on_step=lambda s, t: None, should_stop=lambda: False)  # type: ignore[attr-defined]
    assert len(images) == 2 and ray_backend.failure() is None  # type: ignore[attr-defined]


async def test_a_cluster_that_does_not_answer_a_look_is_an_outage_and_holds_one_thread(
    demo_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve.status() has no time limit of its own: a head that went away can hold it for minutes."""
    from generation.backends import ray as ray_module

    backend = ray_module.RayBackend(settings_for(demo_model))
    answer = threading.Event()
    looks: list[int] = []

    def hung_look() -> str | None:
        looks.append(1)
        answer.wait(30)
        return None

    monkeypatch.setattr(ray_module, "PROBE_TIMEOUT_S", 0.1)
    monkeypatch.setattr(backend, "_problem", hung_look)
    assert await backend.probe() == "the Ray cluster did not answer within 0.1 s"
    assert await backend.probe() is not None and backend.failure() is not None
    assert len(looks) == 1  # the second look waited on the first, not on a thread of its own
    answer.set()
    assert await backend.probe() is None  # the first look's answer, at last
    assert await backend.probe() is None and backend.failure() is None and len(looks) == 2


@pytest.mark.asyncio(loop_scope="module")
async def test_a_killed_replica_is_retried_and_every_batch_finishes(ray_backend: object) -> None:
    from ray import serve

    async def one(seed: int) -> int:
        images = await ray_backend.run(
            request(seed, steps=30), on_step=lambda s, t: None, should_stop=lambda: False
        )  # type: ignore[attr-defined]
        return len(images)

    tasks = [asyncio.create_task(one(seed)) for seed in (10, 20, 30, 40)]
    await asyncio.sleep(1.0)  # the batches are on the replicas now
    replicas = [
        actor
        for actor in ray.util.list_named_actors(all_namespaces=True)
        if "SERVE_REPLICA" in actor["name"] and "DiffusionReplica" in actor["name"]
    ]
    assert len(replicas) == 2
    victim = ray.get_actor(replicas[0]["name"], namespace=replicas[0]["namespace"])
    ray.kill(victim, no_restart=True)
    results = await asyncio.wait_for(asyncio.gather(*tasks), 240)
    assert results == [2, 2, 2, 2]
    # Serve marks the application unhealthy until it has replaced the replica; it must get there.
    for _ in range(240):
        status = serve.status().applications["imagine-generation"].status
        if status == "RUNNING":
            break
        await asyncio.sleep(0.5)
    assert status == "RUNNING"


async def test_an_unreachable_cluster_is_a_clear_error(demo_model: Path) -> None:
    from generation.backends.ray import _check_reachable

    with pytest.raises(BackendError, match="could not reach the Ray cluster"):
        _check_reachable("127.0.0.1:1", timeout_s=2)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("UNAUTHENTICATED", "requires an authentication token and refused this bot's"),
        ("UNAVAILABLE", "could not reach the Ray cluster"),
    ],
)
def test_a_cluster_that_refuses_the_token_is_told_apart_from_one_that_cannot_be_reached(
    answer: str, expected: str
) -> None:
    """A cluster with token authentication on refuses a missing or wrong token: ray.init only says, after
    retrying for a while, that it could not connect; the operator must hear that it was the token."""
    from concurrent import futures

    import grpc
    from ray.core.generated import gcs_service_pb2_grpc

    from generation.backends.ray import _check_reachable

    class Head(gcs_service_pb2_grpc.NodeInfoGcsServiceServicer):  # type: ignore[misc]
        def GetClusterId(self, request: object, context: grpc.ServicerContext) -> object:
            context.abort(getattr(grpc.StatusCode, answer), "InvalidAuthToken: token is missing or incorrect")

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    gcs_service_pb2_grpc.add_NodeInfoGcsServiceServicer_to_server(Head(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with pytest.raises(BackendError, match=expected) as caught:
            _check_reachable(f"127.0.0.1:{port}", timeout_s=5)
    finally:
        server.stop(None)
    if answer == "UNAUTHENTICATED":
        assert "RAY_AUTH_TOKEN" in str(caught.value)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_cancel_is_heard_while_progress_streams_in(ray_backend: object) -> None:
    steps: list[int] = []
    with pytest.raises(JobCancelled):
        await ray_backend.run(  # type: ignore[attr-defined]
            request(3, steps=400),
            on_step=lambda s, _t: steps.append(s),
            should_stop=lambda: len(steps) >= 3,
        )
    assert 3 <= len(steps) < 400


@pytest.mark.asyncio(loop_scope="module")
async def test_a_batch_cancelled_before_its_first_step_leaves_no_error_unretrieved(
    ray_backend: object, caplog: pytest.LogCaptureFixture
) -> None:
    """A stream cancelled while quiet ends with Serve's own RequestCancelledError: expected, so asyncio
    must not log it as a lost task's error."""
    key = BatchKey("demo", False, 256, 256, 400, 7.5, Sampler.DPMPP_2M, 1.0)
    for seed in range(3):
        with pytest.raises(JobCancelled):
            await ray_backend.run(  # type: ignore[attr-defined]
                BatchRequest(key, (BatchItem("a boat", "", seed),)),
                on_step=lambda _s, _t: None,
                should_stop=lambda: True,
            )
    await asyncio.sleep(1.0)
    gc.collect()
    assert "exception was never retrieved" not in caplog.text


@pytest.mark.asyncio(loop_scope="module")
async def test_batches_given_up_by_a_stopping_bot_stop_on_the_replicas(ray_backend: object) -> None:
    """Stopping the bot cancels its batches' tasks: the replicas stop them too, rather than run them on
    for nobody while the next start runs the same jobs again."""
    started = asyncio.Event()

    async def long_batch(steps: int) -> None:
        key = BatchKey("demo", False, 128, 128, steps, 7.5, Sampler.DPMPP_2M, 1.0)
        await ray_backend.run(  # type: ignore[attr-defined]
            BatchRequest(key, (BatchItem("a boat", "", steps),)),
            on_step=lambda _s, _t: started.set(),
            should_stop=lambda: False,
        )

    # Distinct steps: four groups, which keep both replicas busy for minutes.
    tasks = [asyncio.create_task(long_batch(steps)) for steps in (900, 899, 898, 897)]
    await asyncio.wait_for(started.wait(), 120)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    # Both replicas are free again within a step or two, not minutes later.
    images = await asyncio.wait_for(
        ray_backend.run(request(41), on_step=lambda s, t: None, should_stop=lambda: False),  # type: ignore[attr-defined]
        60,
    )
    assert len(images) == 2


@pytest.mark.asyncio(loop_scope="module")
async def test_a_failing_request_fails_alone_and_the_rest_of_the_batch_goes_on(
    ray_backend: object, tmp_path: Path
) -> None:
    broken = BatchRequest(
        BatchKey(str(tmp_path / "no-such-model"), False, 64, 64, 3, 7.5, Sampler.DPMPP_2M, 1.0),
        (BatchItem("a boat", "", 1),),
    )

    async def run(batch: BatchRequest) -> list[object]:
        return await ray_backend.run(  # type: ignore[attr-defined, no-any-return]
            batch, on_step=lambda s, t: None, should_stop=lambda: False
        )

    failed, fine = await asyncio.gather(run(broken), run(request(31)), return_exceptions=True)
    # The member hears which model would not load, not that the generator failed.
    assert isinstance(failed, ModelUnavailable) and "could not load model" in str(failed)
    assert failure_reason(failed) == (
        f"the model {broken.key.model!r} could not be loaded; the bot's operator can see why in the log"
    )
    assert isinstance(fine, list) and len(fine) == 2


def test_replicas_the_cluster_has_no_gpus_for_are_refused_rather_than_waited_for(
    demo_model: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from generation.backends.ray import RayBackend

    settings = settings_for(demo_model).model_copy(update={"ray_gpus_per_replica": 1.0, "ray_replicas": 2})
    backend = RayBackend(settings)
    with pytest.raises(BackendError, match="the Ray cluster has 1 GPUs; 2 replicas of 1 GPU need 2"):
        backend._check_gpus(1.0, autoscaled=False)
    backend._check_gpus(1.0, autoscaled=True)  # a cluster at an address may grow: a warning
    assert "the replicas start once the cluster has them" in caplog.text
    backend._check_gpus(2.0, autoscaled=False)


class QueuedReplica:
    """A Serve handle whose replica takes the batch only after the batches ahead of it in its queue:
    `wait_s` of silence, then its steps."""

    def __init__(self, wait_s: float, steps: int) -> None:
        self.wait_s = wait_s
        self.steps = steps

    def options(self, **_options: object) -> QueuedReplica:
        return self

    @property
    def run(self) -> QueuedReplica:
        return self

    def remote(self, request: BatchRequest, _wants_previews: bool, _alone: bool) -> QueuedReplica.Response:
        return QueuedReplica.Response(self, request)

    class Response:
        def __init__(self, replica: QueuedReplica, request: BatchRequest) -> None:
            self.replica, self.request = replica, request

        def cancel(self) -> None: ...

        async def __aiter__(self) -> AsyncIterator[object]:
            from generation.backends.ray import Done, Progress

            await asyncio.sleep(self.replica.wait_s)
            for step in range(1, self.replica.steps + 1):
                yield Progress(step, self.replica.steps)
            yield Done([Image.new("RGB", (8, 8)) for _ in self.request.items])


async def test_the_job_timeout_counts_from_the_first_step_not_from_the_wait_for_a_replica(
    demo_model: Path,
) -> None:
    """GENERATION_JOB_TIMEOUT_S is the time a job's images take: a job waiting behind other bot
    processes' batches on a shared replica has not started, and must not time out meanwhile."""
    from generation.backends.ray import RayBackend

    backend = RayBackend(settings_for(demo_model))
    backend._handle = QueuedReplica(wait_s=1.5, steps=4)
    outcomes: list[JobOutcome] = []

    async def record(outcome: JobOutcome) -> None:
        outcomes.append(outcome)

    scheduler = Scheduler(
        backend, FairQueue(quantum=100), on_outcome=record, metrics=Metrics(), job_timeout_s=0.5
    )
    key = BatchKey("demo", False, 64, 64, 4, 7.5, Sampler.DPMPP_2M, 1.0)
    job = ScheduledJob(1, key, (BatchItem("a boat", "", 1),))
    scheduler.submit(QueueEntry(1, 1, 1, 100, 1, key, payload=job))
    scheduler.start()
    await asyncio.wait_for(scheduler.idle(), 30)
    await scheduler.stop()
    (outcome,) = outcomes
    assert outcome.error is None and outcome.images is not None and len(outcome.images) == 1
