"""The replica's batch generator on its own: what Serve's `@serve.batch` streams to each request.

Serve needs one entry per request in every row, and StopIteration once a request is done; the Ray
tests cannot make Serve merge requests on demand, so the contract is checked here directly.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from generation.backends.ray import DiffusionReplica, Done, Failed, Preview, Progress, _Caller
from generation.engine import BatchItem, BatchKey, BatchRequest
from generation.params import Sampler
from generation.settings import PREVIEW_VAE_FOLDER, GenerationSettings, ModelSpec


class BareReplica(DiffusionReplica):
    """The deployment class without Serve's batching wrapper around it."""

    def __init__(self, settings: GenerationSettings) -> None:
        self._settings = settings
        self._engines = {}
        self._lock = asyncio.Lock()
        self._device_failure = None
        self._progress_at = None


def replica(model: Path, **overrides: Any) -> BareReplica:
    return BareReplica(
        GenerationSettings(
            models={
                "demo": ModelSpec(
                    source=str(model), width=64, height=64, preview_vae=str(model / PREVIEW_VAE_FOLDER)
                )
            },
            default_model="demo",
            device="cpu",
            preview_interval_s=0.0001,
            **overrides,
        )
    )


def batch(model: str, steps: int, *seeds: int) -> BatchRequest:
    key = BatchKey(model, False, 64, 64, steps, 7.5, Sampler.DPMPP_2M, 1.0)
    return BatchRequest(key, tuple(BatchItem("a boat", "", seed) for seed in seeds))


async def stream(bare: BareReplica, requests: list[BatchRequest], callers: list[_Caller]) -> list[list[Any]]:
    return [row async for row in bare.run_batched(requests, callers)]


def count_calls(bare: BareReplica, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of images in each pipeline call the replica makes from now on."""
    engine = bare._engine("demo")
    call_sizes: list[int] = []
    run = engine.run

    def counting_run(request: BatchRequest, **kwargs: Any) -> Any:
        call_sizes.append(len(request.items))
        return run(request, **kwargs)

    monkeypatch.setattr(engine, "run", counting_run)
    return call_sizes


def events_of(rows: list[list[Any]], index: int) -> list[Any]:
    """One request's events up to its StopIteration; nothing but StopIteration may follow."""
    column = [row[index] for row in rows]
    end = column.index(StopIteration)
    assert all(entry is StopIteration for entry in column[end:])
    return [entry for entry in column[:end] if entry is not None]


async def test_each_request_gets_its_own_events_and_a_failing_group_fails_alone(
    demo_model: Path, tmp_path: Path
) -> None:
    bare = replica(demo_model)
    broken = batch(str(tmp_path / "no-such-model"), 3, 1)
    pair, single = batch("demo", 3, 5, 6), batch("demo", 3, 7)
    rows = await stream(bare, [broken, pair, single], [_Caller(True), _Caller(True), _Caller(False)])
    assert all(len(row) == 3 for row in rows)

    (failure,) = events_of(rows, 0)
    assert isinstance(failure, Failed) and failure.kind == "model_unavailable"
    assert "could not load model" in failure.message

    pair_events, single_events = events_of(rows, 1), events_of(rows, 2)
    assert [e.step for e in pair_events if isinstance(e, Progress)] == [1, 2, 3]
    assert [e.step for e in single_events if isinstance(e, Progress)] == [1, 2, 3]
    assert {len(e.images) for e in pair_events if isinstance(e, Preview)} == {2}
    assert not any(isinstance(e, Preview) for e in single_events)  # it did not ask for previews
    assert isinstance(pair_events[-1], Done) and len(pair_events[-1].images) == 2
    assert isinstance(single_events[-1], Done) and len(single_events[-1].images) == 1


async def test_a_group_whose_callers_have_all_gone_stops(demo_model: Path) -> None:
    bare = replica(demo_model)
    rows = await stream(bare, [batch("demo", 50, 1)], [_Caller(False, gone=True)])
    (outcome,) = [e for e in events_of(rows, 0) if not isinstance(e, Progress)]
    assert isinstance(outcome, Failed) and outcome.kind == "cancelled"


async def test_a_replica_whose_gpu_failed_fails_its_health_check_to_be_replaced(
    demo_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generation.errors import DeviceFailed

    bare = replica(demo_model)
    bare.check_health()
    engine = bare._engine("demo")

    def gpu_fault(*_args: object, **_kwargs: object) -> None:
        raise DeviceFailed("the GPU failed: CUDA error: an illegal memory access was encountered")

    monkeypatch.setattr(engine, "run", gpu_fault)
    rows = await stream(bare, [batch("demo", 3, 1)], [_Caller(False)])
    (outcome,) = events_of(rows, 0)
    assert isinstance(outcome, Failed) and "illegal memory access" in outcome.message
    with pytest.raises(RuntimeError, match="cannot be used again: the GPU failed"):
        bare.check_health()


async def test_merged_requests_share_calls_of_at_most_max_batch_images(
    demo_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Serve merges up to GENERATION_MAX_BATCH requests, each of up to that many images: the replica
    still makes no pipeline call of more images than GENERATION_MAX_BATCH (which bounds GPU memory)."""
    bare = replica(demo_model, max_batch=4)
    call_sizes = count_calls(bare, monkeypatch)
    requests = [
        batch("demo", 2, 1, 2, 3),
        batch("demo", 2, 4),
        batch("demo", 2, 5, 6, 7, 8),
        batch("demo", 2, 9),
    ]
    rows = await stream(bare, requests, [_Caller(False) for _ in requests])
    assert call_sizes == [4, 4, 1]
    for index, request in enumerate(requests):
        (done,) = [e for e in events_of(rows, index) if not isinstance(e, Progress)]
        assert isinstance(done, Done) and len(done.images) == len(request.items)


async def test_a_replica_whose_pipeline_call_hangs_fails_its_health_check_to_be_replaced(
    demo_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call stuck inside the device never reaches the step where it would stop: past the job timeout
    without progress, the health check has Serve replace the replica rather than queue work behind it."""
    bare = replica(demo_model, job_timeout_s=0.5)
    engine = bare._engine("demo")
    release = threading.Event()

    def stuck(*_args: object, **_kwargs: object) -> list[object]:
        release.wait(30)
        return []

    monkeypatch.setattr(engine, "run", stuck)
    running = asyncio.create_task(stream(bare, [batch("demo", 3, 1)], [_Caller(False)]))
    await asyncio.sleep(0.2)
    bare.check_health()  # running, within the limit
    await asyncio.sleep(0.8)
    with pytest.raises(RuntimeError, match=r"no progress for over 0\.5 s"):
        bare.check_health()
    release.set()
    await running
    bare.check_health()  # the call ended: healthy again


async def test_a_batch_sent_again_after_its_replica_was_lost_shares_no_call(
    demo_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch that takes its replica down (a crash in the device) was merged again with the batches
    retried beside it at every try, and took them down with it: they failed after four tries."""
    bare = replica(demo_model, max_batch=8)
    call_sizes = count_calls(bare, monkeypatch)
    requests = [batch("demo", 2, 1), batch("demo", 2, 2), batch("demo", 2, 3)]
    callers = [_Caller(False), _Caller(False, alone=True), _Caller(False)]
    rows = await stream(bare, requests, callers)
    assert call_sizes == [2, 1]
    for index in range(len(requests)):
        assert any(isinstance(e, Done) for e in events_of(rows, index))
