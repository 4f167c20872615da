"""CPU benchmark of the scheduler on the tiny model: fairness, throughput and event-loop lag.

2,000 jobs from 50 guilds, one guild sending half of them in a burst at the start while the others
trickle in. Prints each guild's p50/p95 wait, Jain's fairness index over guilds, the throughput of the
project's scheduler (fair queue + batching) against a one-job-at-a-time baseline in the same run, and
the event loop's worst lag. Nothing is asserted: read the figures.

    python bench/fairness_bench.py [--jobs 2000] [--guilds 50] [--baseline-jobs 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from generation.backends.inprocess import InProcessBackend
from generation.demo_model import make_demo_model
from generation.engine import BatchItem, BatchKey
from generation.fairqueue import FairQueue, QueueEntry
from generation.metrics import Metrics
from generation.params import Sampler
from generation.scheduler import JobOutcome, ScheduledJob, Scheduler
from generation.settings import GenerationSettings, ModelSpec

SIZE = 64
STEPS = 2
KEY = BatchKey("demo", False, SIZE, SIZE, STEPS, 7.5, Sampler.DPMPP_2M, 1.0)
COST = STEPS * SIZE * SIZE


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def jain(values: list[float]) -> float:
    """Jain's fairness index: 1 when all equal, 1/n when one gets everything."""
    return sum(values) ** 2 / (len(values) * sum(v * v for v in values)) if values else float("nan")


class LagProbe:
    """Measures how late the event loop wakes a 10 ms sleeper: the worst blocking of the loop."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _probe(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, time.perf_counter() - start - 0.01)

    def __enter__(self) -> LagProbe:
        self._task = asyncio.get_running_loop().create_task(self._probe())
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


def arrivals(jobs: int, guilds: int, seed: int = 7) -> list[tuple[float, int]]:
    """(arrival second, guild): half the jobs from guild 0 at once, the rest spread over time."""
    rng = random.Random(seed)
    flood = [(0.0, 0)] * (jobs // 2)
    others = [(rng.uniform(0, 1), 1 + i % (guilds - 1)) for i in range(jobs - jobs // 2)]
    return sorted(flood + others, key=lambda a: a[0])


async def run_scheduler(
    backend: InProcessBackend, plan: list[tuple[float, int]], *, max_batch: int, spread_s: float
) -> tuple[float, dict[int, list[float]], float]:
    waits: dict[int, list[float]] = defaultdict(list)
    submitted_at: dict[int, float] = {}
    guild_of: dict[int, int] = {}
    started_at: dict[int, float] = {}
    done = asyncio.Event()
    finished = 0

    async def on_outcome(outcome: JobOutcome) -> None:
        nonlocal finished
        finished += 1
        if finished == len(plan):
            done.set()

    scheduler = Scheduler(
        backend, FairQueue(quantum=COST), on_outcome=on_outcome, metrics=Metrics(), max_batch=max_batch
    )

    def mark_start(job_id: int) -> None:
        if job_id not in started_at:
            started_at[job_id] = time.perf_counter()
            waits[guild_of[job_id]].append(started_at[job_id] - submitted_at[job_id])

    scheduler.start()
    begin = time.perf_counter()
    with LagProbe() as probe:
        for job_id, (at, guild) in enumerate(plan):
            delay = begin + at * spread_s - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            guild_of[job_id] = guild
            submitted_at[job_id] = time.perf_counter()
            job = ScheduledJob(
                job_id,
                KEY,
                (BatchItem(f"prompt {job_id}", "", job_id),),
                on_progress=lambda _s, _t, j=job_id: mark_start(j),
            )
            scheduler.submit(QueueEntry(job_id, guild, 10_000 + job_id, COST, 1, KEY, payload=job))
        await done.wait()
        elapsed = time.perf_counter() - begin
    await scheduler.stop()
    return elapsed, waits, probe.worst


async def run_baseline(backend: InProcessBackend, jobs: int) -> float:
    """Stock behaviour: one request, one pipeline call, one after the other."""
    engine = await backend.engine("demo")
    from generation.engine import BatchRequest

    begin = time.perf_counter()
    for job_id in range(jobs):
        await asyncio.to_thread(engine.run, BatchRequest(KEY, (BatchItem(f"prompt {job_id}", "", job_id),)))
    return time.perf_counter() - begin


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--guilds", type=int, default=50)
    parser.add_argument("--baseline-jobs", type=int, default=200)
    parser.add_argument("--max-batch", type=int, default=16)
    parser.add_argument(
        "--spread", type=float, default=150.0, help="seconds over which the quiet guilds send their jobs"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        model = make_demo_model(Path(tmp) / "demo")
        settings = GenerationSettings(
            models={"demo": ModelSpec(source=str(model), width=SIZE, height=SIZE, steps=STEPS)},
            default_model="demo",
            device="cpu",
            image_dir=Path(tmp) / "images",
        )
        backend = InProcessBackend(settings)
        await backend.start()
        await run_baseline(backend, 5)  # warm-up

        baseline_s = await run_baseline(backend, args.baseline_jobs)
        baseline_rate = args.baseline_jobs / baseline_s

        plan = arrivals(args.jobs, args.guilds)
        elapsed, waits, lag = await run_scheduler(
            backend, plan, max_batch=args.max_batch, spread_s=args.spread
        )
        await backend.close()

    rate = args.jobs / elapsed
    print(
        f"jobs {args.jobs} from {args.guilds} guilds (guild 0 sends {args.jobs // 2} at t=0), "
        f"tiny model {SIZE}x{SIZE}, {STEPS} steps, max batch {args.max_batch}"
    )
    print(f"{'guild':>6} {'jobs':>5} {'p50 wait s':>11} {'p95 wait s':>11}")
    for guild in sorted(waits):
        values = waits[guild]
        if guild < 3 or guild == max(waits):
            print(
                f"{guild:>6} {len(values):>5} {percentile(values, 0.5):>11.3f} {percentile(values, 0.95):>11.3f}"
            )
    quiet = [w for g, ws in waits.items() if g != 0 for w in ws]
    print(
        f"{'quiet':>6} {len(quiet):>5} {percentile(quiet, 0.5):>11.3f} {percentile(quiet, 0.95):>11.3f}"
        "   (all 49 quiet guilds together)"
    )
    print(
        f"{'flood':>6} {len(waits[0]):>5} {percentile(waits[0], 0.5):>11.3f} {percentile(waits[0], 0.95):>11.3f}"
    )
    p50s = [statistics.median(ws) for g, ws in waits.items() if g != 0]
    print(f"Jain's index over the quiet guilds' p50 waits: {jain(p50s):.3f}")
    # Service share while guild 0 was backlogged: each guild's jobs served per job it sent.
    print(
        f"throughput: scheduler {rate:.1f} jobs/s vs one-at-a-time baseline {baseline_rate:.1f} jobs/s "
        f"({rate / baseline_rate:.2f}x; baseline measured on {args.baseline_jobs} jobs)"
    )
    print(f"event loop worst lag during the run: {lag * 1000:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
