"""GPU benchmark: the real SD 1.5 architecture with random weights, through the project's scheduler.

Writes the SD 1.5 configs out here (nothing is downloaded), loads the pipeline through the same
`from_pretrained` path as a real model, and measures, in one run on one card:
  * stock diffusers, one request at a time (the baseline);
  * a burst of concurrent requests through the project's scheduler (fair queue + batching + slots).
It prints images/s and p50/p95 latency for both and writes a JSON of the figures with the card's name.

    python bench/gpu_bench.py                      # fp16, 512x512, DPM++ 2M, 25 steps, CFG 7.5, 64 requests
    python bench/gpu_bench.py --tiny               # CPU smoke run on the tiny model (what CI runs)
    GENERATION_COMPILE=true python bench/gpu_bench.py   # the same with torch.compile'd UNet and VAE

The scheduler side reads the GENERATION_* settings (compile, buckets, fused QKV, channels_last), so one
script measures each speed-up against the same stock baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from generation.backends.inprocess import InProcessBackend
from generation.demo_model import _write_tokenizer, make_demo_model
from generation.engine import BatchItem, BatchKey, BatchRequest
from generation.fairqueue import FairQueue, QueueEntry
from generation.metrics import Metrics
from generation.params import Sampler
from generation.scheduler import JobOutcome, ScheduledJob, Scheduler
from generation.settings import GenerationSettings, ModelSpec

PROMPTS = [
    "a lighthouse on a cliff at dusk, oil painting",
    "a red fox in the snow, photograph",
    "isometric city block, pixel art",
    "portrait of an astronaut, studio lighting",
]


def write_sd15_architecture(folder: Path) -> Path:
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
    pipeline.save_pretrained(folder)
    return folder


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


async def stock_one_at_a_time(model: Path, key: BatchKey, requests: int, dtype: torch.dtype) -> list[float]:
    """Plain diffusers, as a bot without a scheduler would run it: one request, one call."""
    from diffusers import StableDiffusionPipeline

    device = "cuda" if torch.cuda.is_available() else "cpu"
    # The scheduler path classifies images elsewhere; the stock pipeline's checker is left out too.
    pipe = StableDiffusionPipeline.from_pretrained(
        model, dtype=dtype, safety_checker=None, requires_safety_checker=False
    ).to(device)
    pipe.set_progress_bar_config(disable=True)

    def one(i: int) -> None:
        pipe(
            PROMPTS[i % len(PROMPTS)],
            width=key.width,
            height=key.height,
            num_inference_steps=key.steps,
            guidance_scale=key.guidance,
            generator=torch.Generator("cpu").manual_seed(i),
        )
        synchronize()

    one(0)  # warm-up
    latencies = []
    for i in range(requests):
        start = time.perf_counter()
        await asyncio.to_thread(one, i)
        latencies.append(time.perf_counter() - start)
    pipe.to("cpu")  # free the card for the scheduler's run
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    return latencies


async def scheduler_burst(
    settings: GenerationSettings, key: BatchKey, requests: int
) -> tuple[list[float], float]:
    """`requests` concurrent jobs from 8 guilds through the project's scheduler; per-request latency."""
    backend = InProcessBackend(settings)
    await backend.start()
    engine = await backend.engine(key.model)
    await asyncio.to_thread(
        engine.run, BatchRequest(key, (BatchItem("warm-up", "", 0),) * min(4, settings.max_batch))
    )

    submitted: dict[int, float] = {}
    latencies: list[float] = []
    done = asyncio.Event()

    async def on_outcome(outcome: JobOutcome) -> None:
        latencies.append(time.perf_counter() - submitted[outcome.job.job_id])
        if outcome.error is not None:
            raise outcome.error
        if len(latencies) == requests:
            done.set()

    scheduler = Scheduler(
        backend,
        FairQueue(quantum=key.steps * key.width * key.height),
        on_outcome=on_outcome,
        metrics=Metrics(),
        slots=settings.gpu_slots,
        max_batch=settings.max_batch,
        batch_wait_s=settings.batch_wait_s,
    )
    scheduler.start()
    start = time.perf_counter()
    for i in range(requests):
        job = ScheduledJob(i, key, (BatchItem(PROMPTS[i % len(PROMPTS)], "", i),))
        submitted[i] = time.perf_counter()
        scheduler.submit(
            QueueEntry(i, i % 8, 1000 + i, key.steps * key.width * key.height, 1, key, payload=job)
        )
    await done.wait()
    wall = time.perf_counter() - start
    await scheduler.stop()
    await backend.close()
    return latencies, wall


def summary(name: str, latencies: list[float], wall: float) -> dict[str, Any]:
    figures = {
        "images": len(latencies),
        "images_per_s": len(latencies) / wall,
        "p50_s": statistics.median(latencies),
        "p95_s": percentile(latencies, 0.95),
        "wall_s": wall,
    }
    print(
        f"{name:<34} {figures['images_per_s']:>8.2f} img/s   p50 {figures['p50_s']:>7.3f} s   "
        f"p95 {figures['p95_s']:>7.3f} s   ({len(latencies)} images in {wall:.1f} s)"
    )
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tiny", action="store_true", help="CPU smoke run on the tiny model")
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--baseline-requests", type=int, default=16)
    parser.add_argument("--max-batch", type=int, default=16)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--size", type=int, help="image side (default 512, 64 with --tiny)")
    parser.add_argument("--steps", type=int, help="denoising steps (default 25, 4 with --tiny)")
    args = parser.parse_args()

    cuda = torch.cuda.is_available()
    device_name = (
        torch.cuda.get_device_name(0) if cuda else f"CPU ({platform.processor() or platform.machine()})"
    )
    dtype = torch.float16 if cuda else torch.float32
    with tempfile.TemporaryDirectory() as tmp:
        if args.tiny:
            model = make_demo_model(Path(tmp) / "tiny")
            size, steps = args.size or 64, args.steps or 4
        else:
            model = write_sd15_architecture(Path(tmp) / "sd15-random")
            size, steps = args.size or 512, args.steps or 25
        key = BatchKey("bench", False, size, size, steps, 7.5, Sampler.DPMPP_2M, 1.0)
        settings = GenerationSettings(
            models={"bench": ModelSpec(source=str(model), width=size, height=size, steps=steps)},
            default_model="bench",
            device="auto",
            image_dir=Path(tmp) / "images",
            max_batch=args.max_batch,
            batch_wait_s=0.01,
        )
        print(
            f"device: {device_name}; {'tiny model' if args.tiny else 'SD 1.5 architecture, random weights'}, "
            f"{size}x{size}, DPM++ 2M {steps} steps, CFG 7.5, {str(dtype).removeprefix('torch.')}"
        )
        baseline = await stock_one_at_a_time(model, key, args.baseline_requests, dtype)
        stock = summary("stock diffusers, one at a time", baseline, sum(baseline))
        burst, wall = await scheduler_burst(settings, key, args.requests)
        ours = summary(f"imagine-bot scheduler, burst of {args.requests}", burst, wall)
    print(f"speed-up: {ours['images_per_s'] / stock['images_per_s']:.2f}x images/s")

    args.out.mkdir(parents=True, exist_ok=True)
    slug = "tiny-cpu" if args.tiny else re.sub(r"[^a-z0-9]+", "-", device_name.lower()).strip("-")
    result = {
        "device": device_name,
        "torch": torch.__version__,
        "tiny": args.tiny,
        "size": size,
        "steps": steps,
        "max_batch": args.max_batch,
        "stock_one_at_a_time": stock,
        "scheduler_burst": ours,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    path = args.out / f"gpu_bench-{slug}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    asyncio.run(main())
