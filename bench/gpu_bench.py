"""GPU benchmark: the speed-ups, one variant per process, beside stock diffusers in the same run.

The SD 1.5 architecture with random weights (configs written here, nothing downloaded) is saved once and
every variant loads it through the same `from_pretrained` path as a real model. Each variant runs in a
fresh subprocess, so no compiled graph, CUDA-graph pool or attention flag leaks into the next; the
compiled ones share one inductor cache, so each reuses what the ones before it compiled. In order of
importance:

  stock                stock diffusers, one request at a time (the baseline)
  scheduler            the project's scheduler: fused QKV, channels_last, no compile (so no padding)
  compile-graphs       + torch.compile (default mode), buckets (1, 16), CUDA graphs for batch 1
  compile              the same without CUDA graphs (its burst is compiled as above: the lone request
                       is what differs)
  compile-bf16         compile in bfloat16 instead of float16
  attention-<kernel>   scheduler with attention forced to flash / cudnn / efficient kernels

Each gets images/s, p50 and p95 latency of a burst of 64 concurrent requests through the scheduler
(stock: of its requests one at a time), the latency of a lone request (median of a few after warm-up),
load and compile seconds, peak GPU memory, and whether it meets the speed targets: on SD 1.5, fp16,
512x512, DPM++ 2M 25 steps, CFG 7.5, at least 12 images/s with p95 at most 6 s for the burst, and a lone
request served in at most 0.35 s.

A time budget (--budget-s) keeps the sweep inside the device's limits: a variant whose estimate would
overrun it is skipped and recorded as such, one still running when the budget is spent is stopped, and
one that fails is recorded with the end of its log while the sweep goes on. The JSON
(gpu_bench-<card>.json under --out) is rewritten after every variant, so a run cut short keeps what
it measured.

On a GPU machine with PyTorch but without network access or this project installed (copy the
repository there with .whl/, which bench/gpu_wheels.sh fills beforehand on a machine with network):

    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site:$PWD && PYTHONUNBUFFERED=1 python3 bench/gpu_bench.py --out $OUT --budget-s 480

On a CPU:

    python bench/gpu_bench.py --tiny                # smoke run on the tiny model (what the tests run)
    python bench/gpu_bench.py --size 64 --steps 2 --requests 4 --baseline-requests 1   # SD 1.5 path
    python bench/gpu_bench.py --tiny --cpu-compile  # the compiled variant too (a minute or more)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn

import diffusers
import torch
import transformers

from generation.backends.inprocess import InProcessBackend
from generation.demo_model import _write_tokenizer, make_demo_model
from generation.engine import BatchItem, BatchKey, BatchRequest, pick_dtype
from generation.fairqueue import FairQueue, QueueEntry
from generation.metrics import Metrics
from generation.params import Sampler
from generation.scheduler import JobOutcome, ScheduledJob, Scheduler
from generation.settings import GenerationSettings, ModelSpec

MODEL_NAME = "bench"
GUIDANCE = 7.5
GUILDS = 8
PROMPTS = [
    "a lighthouse on a cliff at dusk, oil painting",
    "a red fox in the snow, photograph",
    "isometric city block, pixel art",
    "portrait of an astronaut, studio lighting",
]
# The speed settings every scheduler variant states explicitly (at the service's defaults unless the
# variant changes them), so GENERATION_* variables or a .env file cannot change what it measures.
SERVICE_FIELDS = (
    "batch_buckets",
    "compile",
    "compile_mode",
    "cuda_graph_max_batch",
    "attention",
    "channels_last",
    "fuse_qkv",
    "vae_tiling",
    "gpu_slots",
    "batch_wait_s",
)
ERROR_TAIL_LINES = 60


@dataclass(frozen=True)
class Targets:
    """The speed targets, for SD 1.5 at fp16, 512x512, DPM++ 2M 25 steps, CFG 7.5 on one GPU."""

    burst_images_per_s: float = 12.0
    burst_p95_s: float = 6.0
    lone_s: float = 0.35


TARGETS = Targets()


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    # Seconds from process start to exit: on an H100 with SD 1.5 at 512x512 and 25 steps (compiling
    # cold, except where an earlier variant warmed the cache), and with the tiny model on a CPU.
    estimate_s: float
    tiny_estimate_s: float
    # GenerationSettings on top of the service defaults; None runs stock diffusers, not the scheduler.
    settings: dict[str, Any] | None
    # Why the variant means nothing without CUDA; None where it runs anywhere.
    cuda_only: str | None = None

    @property
    def compiles(self) -> bool:
        return bool(self.settings and self.settings.get("compile"))


def sweep_variants(max_batch: int) -> list[Variant]:
    """The variants in the order they run: the most important figures first.

    The CUDA-graph variant runs before plain compile: its bucket `max_batch` is compiled the same way
    as plain compile's, so it alone gives both the compiled burst and the CUDA-graph lone request, the
    two figures the targets judge. Plain compile then adds the lone request without CUDA graphs, cheaply
    from the cache; when the budget runs short it is the one left out.
    """
    compiled = {"compile": True, "batch_buckets": (1, max_batch)}
    attention = [
        Variant(
            f"attention-{kernel}",
            f"scheduler, no compile, attention on {kernel} kernels only",
            estimate_s=40,
            tiny_estimate_s=10,
            settings={"attention": kernel},
            cuda_only="attention backends choose CUDA kernels",
        )
        for kernel in ("flash", "cudnn", "efficient")
    ]
    return [
        # 8 images at ~0.9 s after ~10 s of imports, loading and a first call.
        Variant(
            "stock",
            "stock diffusers, one request at a time",
            estimate_s=30,
            tiny_estimate_s=10,
            settings=None,
        ),
        # A burst of 64 at ~6 images/s and 10 lone requests at ~1 s.
        Variant(
            "scheduler",
            "scheduler: fused QKV, channels_last, no compile",
            estimate_s=40,
            tiny_estimate_s=10,
            settings={},
        ),
        # Two shapes each of UNet and VAE decoder compiled cold, the UNet at 1-2 min a shape.
        Variant(
            "compile-graphs",
            f"scheduler + torch.compile (default), buckets (1, {max_batch}), CUDA graphs for batch 1",
            estimate_s=240,
            tiny_estimate_s=60,
            settings={**compiled, "cuda_graph_max_batch": 1},
            cuda_only="CUDA graphs need CUDA",
        ),
        # Bucket max_batch and the VAE from the cache; batch 1 compiled again without CUDA graphs, its
        # kernels' code from the cache.
        Variant(
            "compile",
            f"scheduler + torch.compile (default), buckets (1, {max_batch}), no CUDA graphs",
            estimate_s=120,
            tiny_estimate_s=60,
            settings=compiled,
        ),
        # Another dtype is another graph: compiled cold again.
        Variant(
            "compile-bf16",
            "as compile, in bfloat16",
            estimate_s=240,
            tiny_estimate_s=60,
            settings={**compiled, "dtype": "bfloat16"},
            cuda_only="bfloat16 is measured on the GPU only",
        ),
        *attention,
    ]


@dataclass(frozen=True)
class Workload:
    """What every variant runs: the model on disk and the requests sent to it."""

    model: str
    work_dir: str
    dtype: str
    size: int
    steps: int
    requests: int
    lone_requests: int
    baseline_requests: int
    max_batch: int

    @property
    def key(self) -> BatchKey:
        return BatchKey(MODEL_NAME, False, self.size, self.size, self.steps, GUIDANCE, Sampler.DPMPP_2M, 1.0)


# -- the model ---------------------------------------------------------------------------------------


def write_sd15_architecture(folder: Path, dtype: torch.dtype) -> Path:
    """The SD 1.5 UNet, VAE and CLIP ViT-L/14 text encoder with random weights, saved to `folder`."""
    from diffusers import (
        AutoencoderKL,
        DPMSolverMultistepScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=64,
        in_channels=4,
        out_channels=4,
        layers_per_block=2,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=(
            "CrossAttnDownBlock2D",
            "CrossAttnDownBlock2D",
            "CrossAttnDownBlock2D",
            "DownBlock2D",
        ),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=768,
        attention_head_dim=8,
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(128, 256, 512, 512),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        latent_channels=4,
        layers_per_block=2,
        sample_size=512,
    )
    vocab_size = _write_tokenizer(folder / "tokenizer")
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=max(vocab_size, 49408),
            hidden_size=768,
            intermediate_size=3072,
            num_attention_heads=12,
            num_hidden_layers=12,
            max_position_embeddings=77,
            hidden_act="quick_gelu",
            bos_token_id=vocab_size - 2,
            eos_token_id=vocab_size - 1,
            pad_token_id=vocab_size - 1,
        )
    )
    scheduler = DPMSolverMultistepScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1
    )
    pipeline = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=CLIPTokenizer.from_pretrained(folder / "tokenizer"),
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    # Saved in the dtype the variants load (half the bytes to write and read for fp16).
    pipeline.to(dtype=dtype)
    pipeline.save_pretrained(folder)
    return folder


# -- figures -----------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def throughput(latencies: list[float], wall: float) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "images_per_s": len(latencies) / wall,
        "p50_s": statistics.median(latencies),
        "p95_s": percentile(latencies, 0.95),
        "wall_s": wall,
    }


def lone(latencies: list[float]) -> dict[str, Any]:
    return {
        "requests": len(latencies),
        "median_s": statistics.median(latencies),
        "min_s": min(latencies),
        "max_s": max(latencies),
    }


def synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def peak_memory() -> dict[str, float | None]:
    if not torch.cuda.is_available():
        return {"peak_allocated_gib": None, "peak_reserved_gib": None}
    return {
        "peak_allocated_gib": torch.cuda.max_memory_allocated() / 2**30,
        "peak_reserved_gib": torch.cuda.max_memory_reserved() / 2**30,
    }


# -- inside a variant's process ----------------------------------------------------------------------


def measure_stock(workload: Workload) -> dict[str, Any]:
    """Plain diffusers, as a bot without a scheduler would run it: one request, one call."""
    from diffusers import StableDiffusionPipeline

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    started = time.perf_counter()
    # The scheduler path classifies images elsewhere; the stock pipeline's checker is left out too.
    pipe = StableDiffusionPipeline.from_pretrained(
        workload.model,
        dtype=pick_dtype(device, workload.dtype),
        safety_checker=None,
        requires_safety_checker=False,
    ).to(device)
    pipe.set_progress_bar_config(disable=True)
    load_s = time.perf_counter() - started

    def one(seed: int) -> float:
        start = time.perf_counter()
        pipe(
            PROMPTS[seed % len(PROMPTS)],
            width=workload.size,
            height=workload.size,
            num_inference_steps=workload.steps,
            guidance_scale=GUIDANCE,
            generator=torch.Generator("cpu").manual_seed(seed),
        )
        synchronize()
        return time.perf_counter() - start

    warmup_s = one(0)
    latencies = [one(seed) for seed in range(1, workload.baseline_requests + 1)]
    return {
        "load_s": load_s,
        "warmup_s": warmup_s,
        "one_at_a_time": throughput(latencies, sum(latencies)),
        # Every stock request is a lone one.
        "lone": lone(latencies),
    }


def service_settings(workload: Workload, overrides: dict[str, Any]) -> GenerationSettings:
    defaults = {name: GenerationSettings.model_fields[name].default for name in SERVICE_FIELDS}
    work = Path(workload.work_dir)
    return GenerationSettings(
        _env_file=None,
        **{"dtype": workload.dtype, "max_batch": workload.max_batch, **defaults, **overrides},
        models={
            MODEL_NAME: ModelSpec(
                source=workload.model, width=workload.size, height=workload.size, steps=workload.steps
            )
        },
        default_model=MODEL_NAME,
        device="auto",
        image_dir=work / "images",
        compile_cache_dir=work / "compile-cache",
    )


async def measure_scheduler(workload: Workload, overrides: dict[str, Any]) -> dict[str, Any]:
    """A burst of concurrent requests from several guilds through the project's scheduler, then lone ones."""
    settings = service_settings(workload, overrides)
    key = workload.key
    cost = key.steps * key.width * key.height
    job_ids = itertools.count()
    backend = InProcessBackend(settings)

    async def run_on_engine(images: int) -> float:
        # Through the backend, on its worker thread: the one that compiled and recorded CUDA graphs.
        start = time.perf_counter()
        await backend.run(
            BatchRequest(key, (BatchItem("warm-up", "", 0),) * images),
            on_step=lambda _step, _total: None,
            should_stop=lambda: False,
        )
        return time.perf_counter() - start

    started = time.perf_counter()
    await backend.start()  # loads the model, applies the speed-ups and compiles every bucket
    load_s = time.perf_counter() - started
    try:
        # At full steps, the burst's batch size and a lone request: neither figure pays first calls.
        started = time.perf_counter()
        await run_on_engine(min(workload.max_batch, workload.requests))
        await run_on_engine(1)
        warmup_s = time.perf_counter() - started

        finished: dict[int, asyncio.Future[float]] = {}

        async def on_outcome(outcome: JobOutcome) -> None:
            future = finished[outcome.job.job_id]
            if outcome.error is not None:
                future.set_exception(outcome.error)
            else:
                future.set_result(time.perf_counter())

        scheduler = Scheduler(
            backend,
            FairQueue(quantum=cost),
            on_outcome=on_outcome,
            metrics=Metrics(),
            slots=settings.gpu_slots,
            max_batch=settings.max_batch,
            batch_wait_s=settings.batch_wait_s,
        )

        def submit(index: int) -> tuple[float, asyncio.Future[float]]:
            job_id = next(job_ids)
            finished[job_id] = asyncio.get_running_loop().create_future()
            job = ScheduledJob(job_id, key, (BatchItem(PROMPTS[index % len(PROMPTS)], "", index),))
            submitted = time.perf_counter()
            scheduler.submit(QueueEntry(job_id, index % GUILDS, 1000 + index, cost, 1, key, payload=job))
            return submitted, finished[job_id]

        scheduler.start()
        try:
            burst_start = time.perf_counter()
            sent = [submit(index) for index in range(workload.requests)]
            done = await asyncio.gather(*(future for _, future in sent))
            burst_latencies = [end - submitted for (submitted, _), end in zip(sent, done, strict=True)]
            burst_wall = max(done) - burst_start
            lone_latencies = []
            for index in range(workload.lone_requests):
                submitted, future = submit(index)
                lone_latencies.append(await future - submitted)
        finally:
            await scheduler.stop()
        engine_latencies = [await run_on_engine(1) for _ in range(workload.lone_requests)]
        engine = await backend.engine(MODEL_NAME)
        applied = list(engine.speedups)
    finally:
        await backend.close()
    return {
        "applied": applied,
        "batch_wait_s": settings.batch_wait_s,
        "load_s": load_s,
        "warmup_s": warmup_s,
        "burst": throughput(burst_latencies, burst_wall),
        # Through the scheduler, as a user's lone request is served (its batch wait included).
        "lone": lone(lone_latencies),
        # The engine's share of it.
        "lone_engine": lone(engine_latencies),
    }


def quiet_libraries() -> None:
    """Progress bars and advice from the libraries would crowd the output tail and the error logs."""
    for library in (diffusers, transformers):
        library.utils.logging.set_verbosity_error()
        library.utils.logging.disable_progress_bar()


class KeepMessages(logging.Handler):
    """Keeps the project's own log messages (what was applied, each bucket's compile time)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_worker(job_file: Path) -> None:
    """Measure one variant and write its figures where the job says."""
    job = json.loads(job_file.read_text())
    variant = Variant(**job["variant"])
    workload = Workload(**job["workload"])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_libraries()
    kept = KeepMessages()
    logging.getLogger("generation").addHandler(kept)
    if variant.settings is None:
        figures = measure_stock(workload)
    else:
        figures = asyncio.run(measure_scheduler(workload, variant.settings))
    figures.update(peak_memory())
    figures["engine_log"] = kept.messages
    Path(job["result"]).write_text(json.dumps(figures, indent=2) + "\n")


# -- the sweep ---------------------------------------------------------------------------------------


def log_tail(log: Path) -> str:
    lines = log.read_text(errors="replace").splitlines()[-ERROR_TAIL_LINES:]
    return "\n".join(line[:300] for line in lines)


def run_variant(variant: Variant, workload: Workload, timeout_s: float) -> dict[str, Any]:
    """Run one variant in a fresh process; its status and figures, or why it has none."""
    work = Path(workload.work_dir)
    job_file = work / f"{variant.name}.job.json"
    result = work / f"{variant.name}.result.json"
    log = work / f"{variant.name}.log"
    job = {"variant": asdict(variant), "workload": asdict(workload), "result": str(result)}
    job_file.write_text(json.dumps(job))
    started = time.perf_counter()
    with log.open("w") as output:
        # Its own session, so that stopping it stops the compile workers it started too.
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", str(job_file)],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return {
                "status": "timeout",
                "wall_s": time.perf_counter() - started,
                "error": f"stopped after {timeout_s:.0f} s, when the budget ran out\n{log_tail(log)}",
            }
        except BaseException:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    wall_s = time.perf_counter() - started
    if returncode != 0 or not result.exists():
        return {"status": "failed", "wall_s": wall_s, "error": f"exit code {returncode}\n{log_tail(log)}"}
    return {"status": "ok", "wall_s": wall_s, **json.loads(result.read_text())}


def skip_reason(
    variant: Variant,
    *,
    cuda: bool,
    cpu_compile: bool,
    only: set[str] | None,
    estimate_s: float,
    elapsed_s: float,
    budget_s: float,
) -> str | None:
    if only is not None and variant.name not in only:
        return "not selected (--only)"
    if not cuda and variant.cuda_only is not None:
        return f"no CUDA device: {variant.cuda_only}"
    if not cuda and variant.compiles and not cpu_compile:
        return "compiling on the CPU takes minutes: pass --cpu-compile to run it"
    if elapsed_s + estimate_s > budget_s:
        return f"over budget: {elapsed_s:.0f} s elapsed + {estimate_s:.0f} s estimated > {budget_s:.0f} s"
    return None


def target_checks(entry: dict[str, Any]) -> dict[str, bool | None]:
    """Which targets a measured variant meets; None where the figure was not measured."""
    burst = entry.get("burst")
    # Stock has no burst: one request at a time, its images/s is what it would sustain in one.
    rate = (burst or entry["one_at_a_time"])["images_per_s"]
    return {
        "burst_images_per_s": rate >= TARGETS.burst_images_per_s,
        "burst_p95_s": burst["p95_s"] <= TARGETS.burst_p95_s if burst else None,
        "lone_s": entry["lone"]["median_s"] <= TARGETS.lone_s,
    }


def versus_stock(entry: dict[str, Any], stock: dict[str, Any]) -> dict[str, float]:
    """How many times stock's images/s, and how many times faster a lone request."""
    rate = (entry.get("burst") or entry["one_at_a_time"])["images_per_s"]
    return {
        "images_per_s": rate / stock["one_at_a_time"]["images_per_s"],
        "lone": stock["lone"]["median_s"] / entry["lone"]["median_s"],
    }


def table_row(entry: dict[str, Any]) -> str:
    name = entry["name"]
    if entry["status"] != "ok":
        why = entry.get("reason") or entry.get("error", "").splitlines()[0]
        return f"{name:<20} {entry['status']}: {why}"
    figures = entry.get("burst") or entry["one_at_a_time"]
    peak = entry["peak_allocated_gib"]
    verdicts = " ".join(
        {True: "yes", False: "NO", None: "n/a"}[entry["meets"][target]]
        for target in ("burst_images_per_s", "burst_p95_s", "lone_s")
    )
    return (
        f"{name:<20} {figures['images_per_s']:>7.2f} {figures['p50_s']:>7.2f} {figures['p95_s']:>7.2f} "
        f"{entry['lone']['median_s']:>7.3f} {entry['load_s']:>7.1f} {entry['warmup_s']:>7.1f} "
        f"{'-' if peak is None else f'{peak:.1f}':>6}   {verdicts}"
    )


TABLE_HEADER = (
    f"{'variant':<20} {'img/s':>7} {'p50 s':>7} {'p95 s':>7} {'lone s':>7} {'load s':>7} {'warm s':>7} "
    f"{'GiB':>6}   meets: >={TARGETS.burst_images_per_s:g} img/s, p95<={TARGETS.burst_p95_s:g} s, "
    f"lone<={TARGETS.lone_s:g} s"
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def write_report(path: Path, report: dict[str, Any], started: float) -> None:
    report["elapsed_s"] = time.perf_counter() - started
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(report, indent=2) + "\n")
    temporary.replace(path)  # a run killed while writing leaves the previous file whole


def report_header(
    args: argparse.Namespace, *, device: str, cuda: bool, size: int, steps: int, dtype: str
) -> dict[str, Any]:
    """What the sweep runs, on what, and against which targets."""
    return {
        "device": device,
        "torch": torch.__version__,
        "cuda_version": torch.version.cuda,
        "diffusers": diffusers.__version__,
        "transformers": transformers.__version__,
        "python": platform.python_version(),
        "model": "tiny demo model" if args.tiny else "SD 1.5 architecture, random weights",
        "tiny": args.tiny,
        "dtype": dtype,
        "size": size,
        "steps": steps,
        "sampler": "DPM++ 2M",
        "guidance": GUIDANCE,
        "requests": args.requests,
        "lone_requests": args.lone_requests,
        "baseline_requests": args.baseline_requests,
        "max_batch": args.max_batch,
        "budget_s": args.budget_s,
        "targets": {**asdict(TARGETS), "apply": cuda and not args.tiny and (size, steps) == (512, 25)},
        "complete": False,
        "variants": [],
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def sweep(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    quiet_libraries()
    variants = sweep_variants(args.max_batch)
    only = set(args.only.split(",")) if args.only else None
    unknown = sorted((only or set()) - {variant.name for variant in variants})
    if unknown:
        raise SystemExit(f"--only: no variant named {', '.join(unknown)}")
    cuda = torch.cuda.is_available()
    device = torch.cuda.get_device_name(0) if cuda else f"CPU ({platform.processor() or platform.machine()})"
    size = args.size or (64 if args.tiny else 512)
    steps = args.steps or (4 if args.tiny else 25)
    dtype = "float16" if cuda else "float32"
    report = report_header(args, device=device, cuda=cuda, size=size, steps=steps, dtype=dtype)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"gpu_bench-{'tiny-cpu' if args.tiny else slug(device)}.json"
    print(
        f"device: {device}; {report['model']}, {size}x{size}, DPM++ 2M {steps} steps, CFG {GUIDANCE}, "
        f"{dtype}; torch {torch.__version__}, diffusers {diffusers.__version__}",
        flush=True,
    )
    if not report["targets"]["apply"]:
        print("(the targets are for SD 1.5 at 512x512, 25 steps on a GPU: here for form only)", flush=True)
    with tempfile.TemporaryDirectory(prefix="gpu-bench-") as tmp:
        work = Path(tmp)
        write_started = time.perf_counter()
        if args.tiny:
            model = make_demo_model(work / "tiny")
        else:
            model = write_sd15_architecture(work / "sd15-random", pick_dtype(torch.device("cpu"), dtype))
        report["model_write_s"] = time.perf_counter() - write_started
        write_report(path, report, started)
        print(f"model written in {report['model_write_s']:.1f} s\n{TABLE_HEADER}", flush=True)
        workload = Workload(
            model=str(model),
            work_dir=str(work),
            dtype=dtype,
            size=size,
            steps=steps,
            requests=args.requests,
            lone_requests=args.lone_requests,
            baseline_requests=args.baseline_requests,
            max_batch=args.max_batch,
        )
        stock: dict[str, Any] | None = None
        for variant in variants:
            estimate_s = variant.tiny_estimate_s if args.tiny else variant.estimate_s
            entry: dict[str, Any] = {
                "name": variant.name,
                "description": variant.description,
                "settings": variant.settings,
                "estimate_s": estimate_s,
            }
            report["variants"].append(entry)
            elapsed_s = time.perf_counter() - started
            reason = skip_reason(
                variant,
                cuda=cuda,
                cpu_compile=args.cpu_compile,
                only=only,
                estimate_s=estimate_s,
                elapsed_s=elapsed_s,
                budget_s=args.budget_s,
            )
            if reason is not None:
                entry.update(status="skipped", reason=reason)
            else:
                # Recorded before it starts: a run killed meanwhile shows which variant it was in.
                entry["status"] = "running"
                write_report(path, report, started)
                try:
                    entry.update(run_variant(variant, workload, args.budget_s - elapsed_s))
                except BaseException:
                    entry["status"] = "interrupted"
                    write_report(path, report, started)
                    raise
                if entry["status"] == "ok":
                    entry["meets"] = target_checks(entry)
                    if variant.settings is None:
                        stock = entry
                    elif stock is not None:
                        entry["vs_stock"] = versus_stock(entry, stock)
            write_report(path, report, started)
            print(table_row(entry), flush=True)
            if entry["status"] in ("failed", "timeout"):
                print("    " + "\n    ".join(entry["error"].splitlines()[-8:]), flush=True)
    report["complete"] = True
    write_report(path, report, started)
    for entry in report["variants"]:
        if "vs_stock" in entry:
            ratio = entry["vs_stock"]
            print(
                f"{entry['name']:<20} {ratio['images_per_s']:.2f}x stock's images/s, "
                f"lone request {ratio['lone']:.2f}x as fast"
            )
    print(f"wrote {path} after {report['elapsed_s']:.0f} s")


def stop_on_sigterm(_signum: int, _frame: object) -> NoReturn:
    # The device's time limit sends SIGTERM: unwind, so the running variant is stopped and recorded.
    raise SystemExit(143)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tiny", action="store_true", help="CPU smoke run on the tiny model")
    parser.add_argument("--requests", type=int, default=64, help="requests in the burst")
    parser.add_argument("--lone-requests", type=int, default=5, help="lone requests, one after another")
    parser.add_argument("--baseline-requests", type=int, default=8, help="stock requests, one at a time")
    parser.add_argument("--max-batch", type=int, default=16)
    parser.add_argument("--size", type=int, help="image side (default 512, 64 with --tiny)")
    parser.add_argument("--steps", type=int, help="denoising steps (default 25, 4 with --tiny)")
    parser.add_argument("--budget-s", type=float, default=500, help="seconds the whole sweep may take")
    parser.add_argument("--out", type=Path, default=Path("bench/results"), help="folder for the JSON")
    parser.add_argument("--only", help="comma-separated variant names to run (the others are skipped)")
    parser.add_argument(
        "--cpu-compile", action="store_true", help="run the compiled variant without CUDA too (slow)"
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        run_worker(args.worker)
        return
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    sweep(args)


if __name__ == "__main__":
    main()
