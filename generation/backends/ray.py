"""Generation replicas on Ray Serve: one GPU per replica, Serve's dynamic batching across bot processes.

The bot's scheduler keeps fairness and forms batches as always; each batch becomes one request to the
`imagine-generation` Serve application. Serve's `@serve.batch` merges requests that arrive together
(from this process or from other bot processes) into one pipeline call per compatible group, of at
most GENERATION_MAX_BATCH images. A replica that dies mid-batch is restarted by Serve; the backend
retries the batch on another replica, so the job still finishes, and it is posted once because posting
is keyed by job in the store. A batch that no replica takes after a few tries (the cluster restarting
or out of reach, the application gone) is lost, not failed: the scheduler sends it again a while
later, and the backend first finds the application again, deploying it anew where it is gone.

Each request is a stream: the replica sends the batch's progress and previews as they happen, then the
images (`handle.options(stream=True)` on the bot's side, an async generator under `@serve.batch` on
the replica's).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from PIL import Image

from generation.engine import (
    BatchItem,
    BatchKey,
    BatchRequest,
    DiffusionEngine,
    PreviewCallback,
    StepCallback,
    StopCheck,
)
from generation.errors import (
    BackendError,
    BackendUnavailable,
    DeviceFailed,
    GenerationError,
    JobCancelled,
    ModelUnavailable,
    OutOfMemory,
)
from generation.settings import GenerationSettings

log = logging.getLogger(__name__)

APP_NAME = "imagine-generation"
# A dead replica is replaced by Serve within seconds; a few tries ride that out.
RETRIES = 4
RETRY_BACKOFF_S = 1.0
# How often the bot looks at the cluster and its application, busy or idle: /healthz tells an outage
# before a member's batch finds it, and the next batch looks for (or deploys again) what went away.
PROBE_S = 15.0
# A look the cluster has not answered by then counts as an outage.
PROBE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Progress:
    step: int
    total: int


@dataclass(frozen=True)
class Preview:
    step: int
    total: int
    images: list[Image.Image]


@dataclass(frozen=True)
class Done:
    images: list[Image.Image]


@dataclass(frozen=True)
class Failed:
    """The group's call failed; only that group's requests hear of it, the rest of the batch goes on."""

    kind: Literal["out_of_memory", "cancelled", "model_unavailable", "error"]
    message: str


ReplicaEvent = Progress | Preview | Done | Failed


@dataclass
class _Caller:
    """What the replica knows of one request's caller while its batch runs."""

    wants_previews: bool
    # A batch sent again after its replica was lost: it shares no call, in case it is what took the
    # replica down (a batch merged with it would be lost with it at every try).
    alone: bool = False
    gone: bool = False


class DiffusionReplica:
    """The Serve deployment's class: one model engine per replica, batched calls."""

    def __init__(self, settings_json: dict[str, Any]) -> None:
        settings = GenerationSettings.model_validate(settings_json)
        self._settings = settings
        self._engines: dict[str, DiffusionEngine] = {}
        self._lock = asyncio.Lock()
        self._device_failure: str | None = None
        # When the running pipeline call last showed progress (its start, then each step); None between calls.
        self._progress_at: float | None = None
        self._engine(settings.default_model)

    def _engine(self, name: str) -> DiffusionEngine:
        if name not in self._engines:
            self._engines[name] = DiffusionEngine.from_settings(name, self._settings)
        return self._engines[name]

    async def run(
        self, request: BatchRequest, wants_previews: bool, alone: bool = False
    ) -> AsyncIterator[ReplicaEvent]:
        """One batch from a bot's scheduler, as a stream of events; Serve may merge it with others
        unless it is to run `alone`."""
        caller = _Caller(wants_previews, alone)
        # `serve.batch` turns the list-in, list-out generator into a one-in, one-out stream.
        batched: Any = self.run_batched
        try:
            async for event in batched(request, caller):
                if event is not None:
                    yield event
        finally:
            # Ended, or cancelled by the caller: a group whose callers have all gone stops early.
            caller.gone = True

    async def run_batched(
        self, requests: list[BatchRequest], callers: list[_Caller]
    ) -> AsyncIterator[list[Any]]:
        """Run each group of compatible requests as one call, streaming every request its own events.

        Serve wants one entry per request in every yield: None for "nothing new for you", and
        StopIteration once a request has its images (or its error).
        """
        # Compatible requests share a call of at most GENERATION_MAX_BATCH images, as in one process:
        # Serve's batch size counts requests, each of which may hold that many images already.
        groups: list[tuple[BatchKey, list[int]]] = []
        filling: dict[BatchKey, tuple[list[int], int]] = {}  # each key's last group, and its images
        for index, request in enumerate(requests):
            if callers[index].alone:
                groups.append((request.key, [index]))
                continue
            indexes, images = filling.get(request.key, ([], 0))
            if indexes and images + len(request.items) > self._settings.max_batch:
                indexes, images = [], 0
            if not indexes:
                groups.append((request.key, indexes))
            indexes.append(index)
            filling[request.key] = (indexes, images + len(request.items))
        finished: set[int] = set()

        def for_group(events: Mapping[int, ReplicaEvent]) -> list[Any]:
            return [StopIteration if i in finished else events.get(i) for i in range(len(requests))]

        for key, indexes in groups:
            sizes = [len(requests[i].items) for i in indexes]
            group_callers = [callers[i] for i in indexes]
            async for event in self._run_group(key, [requests[i] for i in indexes], group_callers):
                if isinstance(event, Preview):
                    slices = _split(event.images, sizes)
                    yield for_group(
                        {
                            i: Preview(event.step, event.total, own)
                            for i, own in zip(indexes, slices, strict=True)
                            if callers[i].wants_previews
                        }
                    )
                elif isinstance(event, Done):
                    slices = _split(event.images, sizes)
                    yield for_group({i: Done(own) for i, own in zip(indexes, slices, strict=True)})
                else:
                    yield for_group(dict.fromkeys(indexes, event))
            finished.update(indexes)
            # Closes the group's streams now rather than with the next group's first event.
            yield for_group({})

    async def _run_group(
        self, key: BatchKey, requests: list[BatchRequest], callers: list[_Caller]
    ) -> AsyncIterator[ReplicaEvent]:
        """One pipeline call: its progress and previews as they happen, then Done or Failed."""
        items: tuple[BatchItem, ...] = tuple(item for request in requests for item in request.items)
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[ReplicaEvent] = asyncio.Queue()
        stop = threading.Event()

        def on_step(step: int, total: int) -> None:
            self._progress_at = time.monotonic()
            loop.call_soon_threadsafe(events.put_nowait, Progress(step, total))

        def on_preview(step: int, total: int, images: list[Image.Image]) -> None:
            loop.call_soon_threadsafe(events.put_nowait, Preview(step, total, images))

        def should_stop() -> bool:
            return stop.is_set() or all(caller.gone for caller in callers)

        def run() -> list[Image.Image]:
            engine = self._engine(key.model)
            self._progress_at = time.monotonic()
            try:
                return engine.run(
                    BatchRequest(key, items),
                    on_step=on_step,
                    should_stop=should_stop,
                    on_preview=on_preview if any(c.wants_previews for c in callers) else None,
                )
            finally:
                self._progress_at = None

        async with self._lock:  # one pipeline call at a time per replica (one GPU)
            call = asyncio.ensure_future(asyncio.to_thread(run))
            try:
                while not call.done():
                    waiting = asyncio.ensure_future(events.get())
                    await asyncio.wait({waiting, call}, return_when=asyncio.FIRST_COMPLETED)
                    if waiting.done():
                        yield waiting.result()
                    else:
                        waiting.cancel()
            finally:
                if not call.done():
                    # Cancelled from outside: the thread stops at its next step, and holds the
                    # GPU until then, so the lock is kept until it has.
                    stop.set()
                    await asyncio.wait({call})
        while not events.empty():  # the last steps' reports, queued just before the call returned
            yield events.get_nowait()
        try:
            images = call.result()
        except OutOfMemory as exc:
            yield Failed("out_of_memory", str(exc))
        except JobCancelled as exc:
            yield Failed("cancelled", str(exc))
        except ModelUnavailable as exc:
            # The bot's log and the member say which model would not load, not that the replica failed.
            log.warning("%s", exc)
            yield Failed("model_unavailable", str(exc))
        except Exception as exc:  # the group's own failure, reported to its callers alone
            log.exception("a batch of %d images failed on this replica", len(items))
            if isinstance(exc, DeviceFailed):
                # Every later call here would fail too: the health check has Serve replace us.
                self._device_failure = str(exc)
            yield Failed(
                "error", str(exc) if isinstance(exc, GenerationError) else f"the replica failed: {exc}"
            )
        else:
            yield Done(images)

    def check_health(self) -> None:
        """Serve calls this; raising marks the replica unhealthy and gets it replaced."""
        if self._device_failure is not None:
            raise RuntimeError(f"this replica cannot be used again: {self._device_failure}")
        # A call that shows no step for longer than a whole job may take is hung (a stuck driver call
        # never reaches the next step, where it would stop): it holds the GPU and every request sent
        # here would wait behind it. Replacing the replica ends it.
        since = self._progress_at
        limit = self._settings.job_timeout_s
        if since is not None and time.monotonic() - since > limit:
            raise RuntimeError(
                f"this replica's pipeline call has shown no progress for over {limit:g} s "
                "(GENERATION_JOB_TIMEOUT_S): it is stuck"
            )


def _replica_failure(failed: Failed, model: str) -> GenerationError:
    """The error a replica's Failed event stands for, as the scheduler expects it (OOM splits)."""
    if failed.kind == "out_of_memory":
        return OutOfMemory(failed.message)
    if failed.kind == "cancelled":
        return JobCancelled(failed.message)
    if failed.kind == "model_unavailable":
        return ModelUnavailable(failed.message, model=model)
    return BackendError(failed.message)


# How a replica's ModelUnavailable ends the traceback Serve keeps of a replica that failed to start.
_MODEL_UNAVAILABLE_LINE = f"{ModelUnavailable.__module__}.{ModelUnavailable.__qualname__}: "


def _deploy_failure(messages: list[str], default_model: str) -> GenerationError:
    """Why the Serve application did not start, from its deployments' status messages (a replica's
    constructor traceback among them): the model it could not load, or the traceback's last line."""
    for message in messages:
        _, found, reason = message.rpartition(_MODEL_UNAVAILABLE_LINE)
        if found:
            return ModelUnavailable(f"on a Ray replica: {reason.strip()}", model=default_model)
    lines = [line.strip() for message in messages for line in message.splitlines() if line.strip()]
    reason = lines[-1] if lines else "no reason given"
    return BackendError(f"the Ray Serve application {APP_NAME!r} did not start: {reason}")


def _discard_outcome(task: asyncio.Future[Any]) -> None:
    """Take a finished task's error, if any, so that asyncio does not report it as never retrieved."""
    if not task.cancelled():
        task.exception()


def _split(images: list[Image.Image], sizes: list[int]) -> list[list[Image.Image]]:
    """Cut a group's images back into each request's own, in order."""
    parts, offset = [], 0
    for size in sizes:
        parts.append(images[offset : offset + size])
        offset += size
    return parts


def _check_reachable(address: str, timeout_s: float = 5.0) -> None:
    """Raise BackendError unless the Ray cluster at `address` answers within `timeout_s`, telling a
    cluster that refuses this process's authentication token apart from an address nothing answers at."""
    if address == "auto":
        return
    if address.startswith("ray://"):
        # Ray Client speaks a protocol of its own; ray.init says so itself when it refuses the token.
        _check_port_opens(address, timeout_s)
        return
    import grpc
    from ray._private.grpc_utils import init_grpc_channel
    from ray.core.generated import gcs_service_pb2, gcs_service_pb2_grpc

    # The question ray.init asks first, with the token it would send: ray.init itself retries an
    # address for a while and then blames "a previous Ray instance that has since crashed" whatever
    # the reason (a refused token included).
    channel = init_grpc_channel(address)
    try:
        gcs_service_pb2_grpc.NodeInfoGcsServiceStub(channel).GetClusterId(
            gcs_service_pb2.GetClusterIdRequest(), timeout=timeout_s
        )
    except grpc.RpcError as exc:
        if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
            raise BackendError(_refused_token(address)) from exc
        raise BackendError(
            f"could not reach the Ray cluster at {address!r} ({exc.details()}); check "
            "GENERATION_RAY_ADDRESS (the head's GCS port, 6379 unless `ray start --head --port` says "
            "otherwise) and that `ray start --head` runs there"
        ) from exc
    finally:
        channel.close()


def _check_port_opens(address: str, timeout_s: float) -> None:
    target = address.removeprefix("ray://")
    host, _, port = target.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout_s):
            pass
    except (OSError, ValueError) as exc:
        raise BackendError(
            f"could not reach the Ray cluster at {address!r} ({exc}); check GENERATION_RAY_ADDRESS "
            "and that `ray start --head` runs there"
        ) from exc


def _refused_token(address: str) -> str:
    return (
        f"the Ray cluster at {address!r} requires an authentication token and refused this bot's "
        "(none, or not the cluster's): set RAY_AUTH_MODE=token and the cluster's token in "
        "RAY_AUTH_TOKEN, or in a file named by RAY_AUTH_TOKEN_PATH (~/.ray/auth_token by default)"
    )


def build_app(settings: GenerationSettings) -> Any:
    """The Serve application for these settings (one GPU per replica where there are GPUs)."""
    from ray import serve

    # Serve merges the requests arriving within batch_wait_s into batches of up to max_batch.
    batched = serve.batch(
        max_batch_size=max(1, settings.max_batch), batch_wait_timeout_s=settings.batch_wait_s
    )
    replica_cls = type(
        "DiffusionReplica",
        (DiffusionReplica,),
        {"run_batched": batched(DiffusionReplica.run_batched)},
    )
    deployment = serve.deployment(
        name="DiffusionReplica",
        num_replicas=settings.ray_replicas,
        ray_actor_options={
            "num_gpus": settings.ray_gpus_per_replica,
            "num_cpus": settings.ray_cpus_per_replica,
        },
        max_ongoing_requests=max(2, settings.max_batch * 2),
        health_check_period_s=2,
        health_check_timeout_s=30,
    )(replica_cls)
    return deployment.bind(settings.model_dump(mode="json"))


class RayBackend:
    """Sends batches to the Serve application, deploying it first when this process is the deployer."""

    def __init__(self, settings: GenerationSettings) -> None:
        self._settings = settings
        self._handle: Any = None
        self._connected = False  # this backend called ray.init (a test's cluster may be there before)
        # A batch was lost with the cluster or application: the next one looks for them first.
        self._lost = False
        self._finding = threading.Lock()  # one look at a time, from the batches sent together
        # What the last look at the cluster found wrong (see `probe`).
        self._outage: str | None = None
        self._looking: asyncio.Future[str | None] | None = None
        self._watching: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await asyncio.to_thread(self._connect_and_deploy)
        self._watching = asyncio.create_task(self._watch(), name="ray-probe")

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(PROBE_S)
            try:
                await self.probe()
            except Exception:  # a bug here must not end the watch, nor the bot
                log.exception("looking at the Ray cluster failed")

    async def probe(self) -> str | None:
        """Look at the cluster and the application once; what is wrong with them, or None.

        What it finds is the backend's `failure` (so /healthz) until the next look; and a batch sent
        after an outage was seen first looks for the application, deploying it again where this
        process is the deployer, instead of waiting on a handle to an application that is gone.
        """
        if self._looking is None or self._looking.done():
            # One look at a time: a look the cluster never answers holds its thread, not the next.
            self._looking = asyncio.ensure_future(asyncio.to_thread(self._problem))
        try:
            problem = await asyncio.wait_for(asyncio.shield(self._looking), PROBE_TIMEOUT_S)
        except TimeoutError:
            problem = f"the Ray cluster did not answer within {PROBE_TIMEOUT_S:g} s"
        if problem is not None:
            if self._outage is None:
                log.warning("Ray: %s", problem)
            self._lost = True
        elif self._outage is not None:
            log.info("the Ray cluster and its application answer again")
        self._outage = problem
        return problem

    def _problem(self) -> str | None:
        try:
            status = self._application_status()
        except BackendUnavailable as exc:
            return str(exc)
        if status is None:
            return f"the Ray Serve application {APP_NAME!r} is not running"
        if status.status in ("DEPLOY_FAILED", "UNHEALTHY"):
            return f"the Ray Serve application {APP_NAME!r} is {status.status.lower()}: {status.message}"
        return None

    def _application_status(self) -> Any:
        """The Serve application's status, None where it is not deployed; BackendUnavailable where
        the cluster does not answer."""
        from ray import serve

        address = self._settings.ray_address
        try:
            if address:
                _check_reachable(address)
            return serve.status().applications.get(APP_NAME)
        except Exception as exc:  # Serve's controller, gone with its head, raises several types
            raise BackendUnavailable(f"the Ray cluster does not answer: {exc}") from exc

    def _connect_and_deploy(self) -> None:
        # Ray's crash reporter takes SIGTERM for a crash and prints a stack dump; the bot stops on
        # SIGTERM itself, quietly (see bot/runner.py). Read when ray is first imported.
        os.environ.setdefault("RAY_DISABLE_FAILURE_SIGNAL_HANDLER", "1")
        try:
            import ray
            from ray import serve
            from ray.exceptions import AuthenticationError
        except ImportError as exc:
            raise BackendError("the ray backend needs the 'ray' extra: pip install -e '.[ray]'") from exc
        address = self._settings.ray_address
        if not ray.is_initialized():
            if address:
                # Ray retries an unreachable address for minutes; a plain connect says so in seconds.
                _check_reachable(address)
            try:
                if address:
                    ray.init(address=address, log_to_driver=False)
                else:
                    # A cluster of our own on this machine, on loopback: "local", as without it Ray
                    # joins a cluster it finds running here (or at RAY_ADDRESS), which `close` would
                    # then shut down under whoever started it.
                    ray.init(
                        address="local",
                        include_dashboard=False,
                        log_to_driver=False,
                        _node_ip_address="127.0.0.1",
                    )
                self._connected = True
            except AuthenticationError as exc:
                raise BackendError(_refused_token(address or "local")) from exc
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise BackendError(f"could not reach the Ray cluster at {address!r}: {exc}") from exc
        if self._settings.ray_deploy:
            self._check_gpus(ray.cluster_resources().get("GPU", 0.0), autoscaled=bool(address))
            log.info("deploying %s with %d replicas", APP_NAME, self._settings.ray_replicas)
            try:
                serve.run(build_app(self._settings), name=APP_NAME, route_prefix=None)
            except RuntimeError as exc:
                # Serve says only that the deployment failed; why is in its status, which the
                # replicas' logs (not shown here) would otherwise be the only place to find.
                status = serve.status().applications.get(APP_NAME)
                messages = [d.message for d in status.deployments.values()] if status else []
                raise _deploy_failure(messages, self._settings.default_model) from exc
        try:
            self._handle = serve.get_app_handle(APP_NAME)
        except Exception as exc:  # Serve raises several types for "no such app"
            raise BackendError(f"the Ray Serve application {APP_NAME!r} is not running: {exc}") from exc

    def _check_gpus(self, available: float, *, autoscaled: bool) -> None:
        """Serve waits for ever for replicas the cluster cannot place: say so instead. A cluster of
        our own has what this machine has; one found at an address may grow (an autoscaler)."""
        replicas, each = self._settings.ray_replicas, self._settings.ray_gpus_per_replica
        if replicas * each <= available:
            return
        problem = (
            f"the Ray cluster has {available:g} GPUs; {replicas} replicas of {each:g} GPU "
            f"need {replicas * each:g} "
            "(GENERATION_RAY_GPUS_PER_REPLICA=0 runs CPU replicas; or set fewer GENERATION_RAY_REPLICAS)"
        )
        if not autoscaled:
            raise BackendError(problem)
        log.warning("%s; the replicas start once the cluster has them", problem)

    async def run(
        self,
        request: BatchRequest,
        *,
        on_step: StepCallback,
        should_stop: StopCheck,
        on_preview: PreviewCallback | None = None,
    ) -> list[Image.Image]:
        """Run on a replica, passing on its progress and previews; a lost replica's batch is retried."""
        from ray.exceptions import RayError, RayTaskError
        from ray.serve.exceptions import DeploymentUnavailableError

        if self._handle is None:
            raise BackendError("the ray backend was not started")
        if self._lost:
            await asyncio.to_thread(self._find_application)
        last_error: Exception | None = None
        for attempt in range(1, RETRIES + 1):
            try:
                # Tried again alone: Serve merged it with the batches that arrived with it, and if one
                # of them takes its replica down, each try together would lose them all again.
                response = self._handle.options(stream=True).run.remote(
                    request, on_preview is not None, attempt > 1
                )
                images = await self._follow(response, request.key.model, should_stop, on_step, on_preview)
            except RayTaskError as exc:
                # An error raised by our own code in the replica: not a lost replica, do not retry.
                cause = exc.cause if isinstance(exc.cause, Exception) else exc
                if isinstance(cause, GenerationError):
                    raise cause from exc
                raise BackendError(f"the replica failed: {cause}") from exc
            except (RayError, DeploymentUnavailableError) as exc:
                # A replica lost, or the application itself (deleted, or gone with a restarted head).
                last_error = exc
                log.warning("batch lost on a replica (attempt %d of %d): %s", attempt, RETRIES, exc)
                await asyncio.sleep(RETRY_BACKOFF_S * attempt)
                continue
            return images
        self._lost = True
        raise BackendUnavailable(f"no replica could run the batch after {RETRIES} tries: {last_error}")

    def _find_application(self) -> None:
        """After a lost batch: check the cluster answers and the application is there, deploying it
        again where this process is the deployer; BackendUnavailable while either is missing."""
        from ray import serve

        with self._finding:
            if not self._lost:
                return  # another batch found it meanwhile
            status = self._application_status()
            if status is None:
                if not self._settings.ray_deploy:
                    raise BackendUnavailable(
                        f"the Ray Serve application {APP_NAME!r} is not running; it runs again once "
                        "the bot process that deploys it (GENERATION_RAY_DEPLOY=true) deploys it"
                    )
                log.warning("the Ray Serve application %s is gone; deploying it again", APP_NAME)
                try:
                    serve.run(build_app(self._settings), name=APP_NAME, route_prefix=None)
                except Exception as exc:
                    raise BackendUnavailable(f"deploying {APP_NAME!r} again failed: {exc}") from exc
            try:
                self._handle = serve.get_app_handle(APP_NAME)
            except Exception as exc:  # deleted again since (Serve raises several types)
                raise BackendUnavailable(f"the Ray Serve application {APP_NAME!r} is gone: {exc}") from exc
            self._lost = False
            self._outage = None

    @staticmethod
    async def _follow(
        response: Any,
        model: str,
        should_stop: StopCheck,
        on_step: StepCallback,
        on_preview: PreviewCallback | None,
    ) -> list[Image.Image]:
        """Follow a replica's stream to its images, cancelling it when the job is cancelled or times out."""
        stream: AsyncIterator[ReplicaEvent] = response.__aiter__()

        async def next_event() -> ReplicaEvent:
            return await anext(stream)

        def stop_if_asked() -> None:
            # Checked on every event and every quiet quarter second, so a steady stream of progress
            # cannot keep a cancel or a timeout waiting.
            try:
                stop = should_stop()
            except GenerationError:
                response.cancel()
                raise
            if stop:
                response.cancel()
                raise JobCancelled("cancelled")

        pending = asyncio.ensure_future(next_event())
        ended = False  # the replica sent the batch's outcome, or its stream ended
        try:
            while True:
                done, _ = await asyncio.wait({pending}, timeout=0.25)
                stop_if_asked()
                if not done:
                    continue
                try:
                    event = pending.result()
                except StopAsyncIteration:
                    ended = True
                    raise BackendError("the replica ended the batch without its images") from None
                if isinstance(event, Done | Failed):
                    ended = True
                    if isinstance(event, Failed):
                        raise _replica_failure(event, model)
                    return event.images
                if isinstance(event, Progress):
                    on_step(event.step, event.total)
                elif on_preview is not None:
                    on_preview(event.step, event.total, event.images)
                pending = asyncio.ensure_future(next_event())
        finally:
            if not ended:
                # Given up here (cancelled, timed out, or this task cancelled as the bot stops): the
                # replica stops the batch at its next step rather than run it on for nobody.
                response.cancel()
            if not pending.done():
                pending.cancel()
            # A cancelled stream may end with an error of its own (RequestCancelledError) rather than
            # CancelledError: expected here, and taken so that asyncio does not log it as lost.
            pending.add_done_callback(_discard_outcome)

    def failure(self) -> str | None:
        # A replica whose GPU failed is replaced by Serve (see `check_health`); the cluster or the
        # application gone is an outage, as the last look saw it (batches lost meanwhile are the
        # scheduler's to tell).
        return self._outage

    async def close(self) -> None:
        """Leave the cluster: a cluster of our own stops with the replicas on it; one at an address
        (and the application, which other bot processes may use) runs on."""

        def disconnect() -> None:
            import ray

            if self._connected:
                # Not serve.shutdown(): on a cluster found at an address it deletes every Serve
                # application, and on our own, ray.shutdown() ends the replicas anyway, without the
                # warnings about Serve's controller going first.
                ray.shutdown()

        if self._watching is not None:
            self._watching.cancel()
            await asyncio.gather(self._watching, return_exceptions=True)
            self._watching = None
        self._handle = None
        await asyncio.to_thread(disconnect)
