"""Diffusers pipelines: loading a model once and running batched txt2img / img2img calls on it.

Everything here is synchronous and may block for seconds: callers run it in a worker thread under the
GPU semaphore (see `generation.backends`). One `DiffusionEngine` holds one model's weights; every call
builds a light pipeline view over them with its own scheduler (the pipeline classes take the loaded
components), so concurrent calls in different GPU slots never share scheduler state.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from PIL import Image

from generation.acceleration import (
    Acceleration,
    bucket_for,
    compile_buckets,
    log_warmup,
    optimize_pipeline,
)
from generation.errors import BackendError, DeviceFailed, JobCancelled, ModelUnavailable, OutOfMemory
from generation.params import Sampler, steps_run
from generation.settings import GenerationSettings, is_single_file
from moderation.hub import load_cache_first

log = logging.getLogger(__name__)

StepCallback = Callable[[int, int], None]
StopCheck = Callable[[], bool]
# (step, total steps, one rough image per item of the batch, padding left out)
PreviewCallback = Callable[[int, int, list[Image.Image]], None]


@dataclass(frozen=True)
class BatchKey:
    """What jobs must share to run in one pipeline call."""

    model: str
    img2img: bool
    width: int
    height: int
    steps: int
    guidance: float
    sampler: Sampler
    strength: float


@dataclass(frozen=True)
class BatchItem:
    """One image of a batch: its own prompt, negative prompt, seed and (img2img) init image."""

    prompt: str
    negative_prompt: str
    seed: int
    init_image: Image.Image | None = None


@dataclass(frozen=True)
class BatchRequest:
    key: BatchKey
    items: tuple[BatchItem, ...]


# The pipelines' module loggers: each warns, quoting the words cut, when a prompt is past CLIP's tokens.
_PIPELINE_LOGGERS = (
    "diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion",
    "diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_img2img",
)


class _NoPromptCutWarning(logging.Filter):
    """Drops diffusers' warning that repeats the part of a prompt past CLIP's 77 tokens.

    The cut is the documented reading of a long prompt (`/help` says so), and prompts stay out of the
    logs: that warning put members' words in the operator's log, once per batch that held one.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("The following part of your input was truncated")


def _keep_prompts_out_of_pipeline_logs() -> None:
    for name in _PIPELINE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, _NoPromptCutWarning) for existing in logger.filters):
            logger.addFilter(_NoPromptCutWarning())


def pick_device(setting: str) -> torch.device:
    """Resolve "auto" to CUDA when present, else Apple's MPS, else the CPU; anything else is taken
    as a torch device name."""
    if setting == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    return torch.device(setting)


def missing_device(setting: str) -> str | None:
    """Why this machine cannot run on the device GENERATION_DEVICE names, or None when it can."""
    if setting.startswith("cuda"):
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        index = int(setting.partition(":")[2] or 0)
        if count == 0:
            return (
                f"{setting} is set, but PyTorch finds no CUDA GPU here (no driver, or a CPU build of "
                "torch); use auto or cpu"
            )
        if index >= count:
            names = "cuda:0" if count == 1 else f"cuda:0 to cuda:{count - 1}"
            return f"{setting} is set, but this machine has {count} CUDA GPU{'s' * (count > 1)} ({names})"
    if setting == "mps" and not torch.backends.mps.is_available():
        return "mps is set, but Apple's MPS is not available here; use auto or cpu"
    return None


def pick_dtype(device: torch.device, setting: str = "auto") -> torch.dtype:
    """fp16 on accelerators, fp32 on the CPU (where half precision is slow and lossy)."""
    if setting != "auto":
        return {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}[setting]
    return torch.float16 if device.type in ("cuda", "mps") else torch.float32


def _make_scheduler(sampler: Sampler, config: Any) -> Any:
    from diffusers import (
        DDIMScheduler,
        DPMSolverMultistepScheduler,
        EulerAncestralDiscreteScheduler,
        EulerDiscreteScheduler,
    )

    if sampler is Sampler.EULER_A:
        return EulerAncestralDiscreteScheduler.from_config(config)
    if sampler is Sampler.EULER:
        return EulerDiscreteScheduler.from_config(config)
    if sampler is Sampler.DDIM:
        # SD 1.x was trained without sample clipping; DDIM's defaults assume otherwise.
        return DDIMScheduler.from_config(config, clip_sample=False, set_alpha_to_one=False)
    return DPMSolverMultistepScheduler.from_config(config, algorithm_type="dpmsolver++", solver_order=2)


class DiffusionEngine:
    """One Stable Diffusion model in memory, shared by txt2img, img2img, upscale and variation."""

    def __init__(self, name: str, pipeline: Any, device: torch.device, dtype: torch.dtype) -> None:
        self.name = name
        self.device = device
        self.dtype = dtype
        self._base = pipeline
        self._views = threading.local()
        self.buckets: tuple[int, ...] = ()
        self.acceleration = Acceleration()
        # A tiny autoencoder (TAESD architecture) that turns latents into rough previews in
        # milliseconds; never used for results, which always go through the model's own VAE.
        self.preview_decoder: Any = None
        self.preview_interval_s = 0.0
        # (bucket, width, height, guided) shapes the compiled graphs have seen: a new one compiles first.
        self._compiled_shapes: set[tuple[int, int, int, bool]] = set()

    @classmethod
    def from_settings(cls, name: str, settings: GenerationSettings) -> DiffusionEngine:
        """Load a registry model (or a source) and apply the configured speed-ups and warm-up."""
        registered, spec = settings.spec(name)
        engine = cls.load(
            registered, spec.source, config=spec.config, device=settings.device, dtype=settings.dtype
        )
        # Padding buys compiled graphs their fixed shapes; without them it is only wasted work.
        engine.buckets = (
            compile_buckets(settings.batch_buckets, settings.max_batch) if settings.compile else ()
        )
        engine.acceleration = optimize_pipeline(
            engine._base,
            device=engine.device,
            channels_last=settings.channels_last,
            fuse_qkv=settings.fuse_qkv,
            compile_graphs=settings.compile,
            compile_mode=settings.compile_mode,
            cache_dir=settings.compile_cache_dir,
            attention=settings.attention,
            # Upscales (4x the pixels) are tiled; every aspect ratio of the model's own size is not.
            vae_tile_above_pixels=2 * spec.pixel_budget if settings.vae_tiling else 0,
            cuda_graph_max_batch=settings.cuda_graph_max_batch,
        )
        if engine.speedups:
            log.info("model %s: %s", registered, ", ".join(engine.speedups))
        if engine.acceleration.graph_unet is not None and settings.gpu_slots > 1:
            # CUDA graphs are recorded per thread and older torch releases assert when one is replayed
            # from a thread other than the one that set the machinery up.
            log.warning(
                "model %s: CUDA graphs with %d GPU slots run on several threads; "
                "if torch complains, set GENERATION_GPU_SLOTS=1",
                registered,
                settings.gpu_slots,
            )
        if spec.preview_vae is not None and settings.preview_interval_s > 0:
            engine.load_preview_decoder(spec.preview_vae)
            engine.preview_interval_s = settings.preview_interval_s
        for width, height in settings.compiled_sizes(spec):
            engine.warm_up(width, height)
        return engine

    def warm_up(self, width: int, height: int) -> None:
        """Run every bucket once, so compiling happens now and not in service."""
        buckets = self.buckets or (1,)
        key = BatchKey(self.name, False, width, height, 2, 7.5, Sampler.DPMPP_2M, 1.0)
        for index, bucket in enumerate(buckets, start=1):
            started = time.perf_counter()
            self.run(BatchRequest(key, (BatchItem("warm-up", "", 0),) * bucket))
            log_warmup(bucket, width, height, started, len(buckets), index)

    def load_preview_decoder(self, source: str) -> None:
        """Load the preview autoencoder; without it the model serves as well, with text progress only."""
        from diffusers import AutoencoderTiny

        try:
            decoder = load_cache_first(AutoencoderTiny.from_pretrained, source, dtype=self.dtype)
        except (OSError, ValueError) as exc:
            log.warning(
                "model %s: no progress previews, preview decoder %r did not load: %s", self.name, source, exc
            )
            return
        self.preview_decoder = decoder.to(self.device).eval()
        log.info("model %s: progress previews from %s", self.name, source)

    def _previews(self, latents: torch.Tensor) -> list[Image.Image]:
        """Rough images of the current latents (SD latents, as scaled for the UNet)."""
        decoded = self.preview_decoder.decode(latents.to(self.dtype)).sample
        # The pipeline's own post-processing, as for its results ([-1, 1] to PIL).
        images: list[Image.Image] = self._base.image_processor.postprocess(decoded, output_type="pil")
        return images

    @property
    def speedups(self) -> list[str]:
        return self.acceleration.applied

    @classmethod
    def load(
        cls, name: str, source: str, *, config: str | None = None, device: str = "auto", dtype: str = "auto"
    ) -> DiffusionEngine:
        """Load `source` with diffusers: a Hugging Face id or a local folder (`from_pretrained`), or one
        checkpoint file in the original layout (`from_single_file`, its configs from `config`)."""
        from diffusers import StableDiffusionPipeline
        from diffusers.loaders.single_file_utils import SingleFileComponentError

        torch_device = pick_device(device)
        torch_dtype = pick_dtype(torch_device, dtype)
        log.info("loading model %s from %s on %s (%s)", name, source, torch_device, torch_dtype)
        # The bundled safety checker is not run inside the pipeline: moderation runs its own
        # classifiers on every image (and fails closed), loading the checker weights itself.
        no_checker = {"safety_checker": None, "requires_safety_checker": False}
        try:
            if is_single_file(source):
                pipeline = StableDiffusionPipeline.from_single_file(
                    _existing_file(source), config=config, dtype=torch_dtype, **no_checker
                )
            else:
                pipeline = StableDiffusionPipeline.from_pretrained(source, dtype=torch_dtype, **no_checker)
        except (OSError, ValueError, SingleFileComponentError) as exc:
            hint = _single_file_hint(source, config, exc) if is_single_file(source) else ""
            raise ModelUnavailable(
                f"could not load model {name!r} from {source!r}: {exc}{hint}", model=name
            ) from exc
        if pipeline.unet.config.get("addition_embed_type") is not None:
            # SDXL's UNet (and others like it) needs extra conditioning this pipeline does not give:
            # loaded, every job would fail. Said once, at load.
            raise ModelUnavailable(
                f"model {name!r} from {source!r} is a Stable Diffusion XL model, or another whose UNet needs "
                "extra conditioning; imagine-bot runs Stable Diffusion 1.x and 2.x models",
                model=name,
            )
        pipeline = pipeline.to(torch_device)
        pipeline.set_progress_bar_config(disable=True)
        _keep_prompts_out_of_pipeline_logs()
        return cls(name, pipeline, torch_device, torch_dtype)

    @property
    def vae_scale_factor(self) -> int:
        return int(self._base.vae_scale_factor)

    def _pipeline_for(self, key: BatchKey, bucket: int) -> Any:
        """This thread's pipeline view for the kind, sampler and UNet variant.

        Views share the weights, not schedulers; small buckets may run the CUDA-graph UNet.
        """
        from diffusers import StableDiffusionImg2ImgPipeline, StableDiffusionPipeline

        views: dict[tuple[bool, Sampler, bool], Any] = self._views.__dict__.setdefault("by_key", {})
        graphs = self.acceleration.uses_graphs(bucket)
        view_key = (key.img2img, key.sampler, graphs)
        if view_key not in views:
            scheduler = _make_scheduler(key.sampler, self._base.scheduler.config)
            cls = StableDiffusionImg2ImgPipeline if key.img2img else StableDiffusionPipeline
            components = self._base.components | {"scheduler": scheduler}
            if graphs:
                components["unet"] = self.acceleration.graph_unet
            # The view is built from the components as they are: `from_pipe` would cast every shared
            # module to the dtype it is given, float32 when none is, turning an fp16 model into fp32.
            pipeline = cls(**components, requires_safety_checker=False)
            pipeline.set_progress_bar_config(disable=True)
            views[view_key] = pipeline
        return views[view_key]

    def run(
        self,
        request: BatchRequest,
        *,
        on_step: StepCallback | None = None,
        should_stop: StopCheck | None = None,
        on_preview: PreviewCallback | None = None,
    ) -> list[Image.Image]:
        """Run one batched pipeline call; each item gets its own generator, so seeds reproduce alone.

        With `on_preview` and a preview decoder, rough images of the batch go to `on_preview` at most
        once per `preview_interval_s` (never at the last step: the result follows at once).
        """
        key, items = request.key, request.items
        if not items:
            return []
        # 0. Pad to the bucket size (copies of the last item) so compiled graphs see known shapes.
        wanted = len(items)
        padded = bucket_for(wanted, self.buckets)
        items = items + (items[-1],) * (padded - wanted)
        # 1. A generator per image: the latents of image i depend only on its seed, not on the batch.
        generators = [torch.Generator(device="cpu").manual_seed(item.seed) for item in items]
        total_steps = steps_run(key.steps, key.strength, img2img=key.img2img)
        previews_due = on_preview is not None and self.preview_decoder is not None
        last_preview = time.monotonic()

        def step_end(
            _pipe: Any, step: int, _timestep: Any, callback_kwargs: dict[str, Any]
        ) -> dict[str, Any]:
            nonlocal last_preview, previews_due
            if should_stop is not None and should_stop():
                raise JobCancelled("cancelled")
            done = min(step + 1, total_steps)
            if on_step is not None:
                on_step(done, total_steps)
            now = time.monotonic()
            if previews_due and done < total_steps and now - last_preview >= self.preview_interval_s:
                assert on_preview is not None
                last_preview = now
                try:
                    previews = self._previews(callback_kwargs["latents"][:wanted])
                except Exception:
                    # A preview is a courtesy: the batch goes on without them rather than fail.
                    log.exception("model %s: preview decoding failed; no more previews this batch", self.name)
                    previews_due = False
                else:
                    on_preview(done, total_steps, previews)
            return callback_kwargs

        # 2. The arguments shared by both kinds, then the kind's own.
        kwargs: dict[str, Any] = {
            "prompt": [item.prompt for item in items],
            "negative_prompt": [item.negative_prompt for item in items],
            "num_inference_steps": key.steps,
            "guidance_scale": key.guidance,
            "generator": generators,
            "callback_on_step_end": step_end,
            "output_type": "pil",
        }
        if key.img2img:
            init_images = [item.init_image for item in items]
            if any(image is None for image in init_images):
                raise BackendError("img2img batch item without an init image")
            kwargs["image"] = init_images
            kwargs["strength"] = key.strength
        else:
            kwargs["width"] = key.width
            kwargs["height"] = key.height

        # 3. Run, turning device errors into the package's own.
        pipeline = self._pipeline_for(key, padded)
        self._note_new_shape(key, padded)
        out_of_memory = None
        try:
            with torch.inference_mode():
                output = pipeline(**kwargs)
        except torch.cuda.OutOfMemoryError as exc:
            out_of_memory = str(exc)
        except torch.AcceleratorError as exc:
            raise DeviceFailed(f"the GPU failed: {_first_line(exc)}") from exc
        except RuntimeError as exc:
            if "out of memory" not in str(exc).lower():
                raise BackendError(f"pipeline failed: {exc}") from exc
            out_of_memory = str(exc)
        if out_of_memory is not None:
            # Out here, not in the except block: its traceback kept the failed batch's tensors alive.
            self._release_cached_memory()
            raise OutOfMemory(out_of_memory)
        images: list[Image.Image] = list(output.images)
        return images[:wanted]

    def _release_cached_memory(self) -> None:
        """After an out-of-memory only: the halves the scheduler retries need the cached blocks back.

        Not after every batch: the caching allocator's reuse of blocks is what keeps steady service
        free of cudaMalloc calls, which synchronise the device.
        """
        if self.device.type == "cuda":
            torch.cuda.empty_cache()

    def _note_new_shape(self, key: BatchKey, bucket: int) -> None:
        """Say so when a compiled model meets a shape warm-up did not cover: that batch compiles first."""
        if not self.acceleration.compiled:
            return
        # Guidance at or below 1 turns classifier-free guidance off, which halves the UNet's batch.
        shape = (bucket, key.width, key.height, key.guidance > 1)
        if shape not in self._compiled_shapes:
            self._compiled_shapes.add(shape)
            log.info(
                "model %s: first batch of %d at %dx%d, compiling it (cached on disk afterwards)",
                self.name,
                bucket,
                key.width,
                key.height,
            )


def fit_to_grid(image: Image.Image, width: int, height: int) -> Image.Image:
    """Resize (cover, centre crop) to exactly `width` x `height`, keeping the aspect ratio."""
    scale = max(width / image.width, height / image.height)
    resized = image.resize(
        (max(width, round(image.width * scale)), max(height, round(image.height * scale))),
        Image.Resampling.LANCZOS,
    )
    left = (resized.width - width) // 2
    top = (resized.height - height) // 2
    return resized.crop((left, top, left + width, top + height))


def _existing_file(source: str) -> str:
    """A checkpoint path as given, or a clear error: diffusers takes a missing file for a bad URL, and
    picks its reader by the exact suffix ("x.SAFETENSORS" would be unpickled, and fail)."""
    if not source.startswith(("https://", "http://")) and not Path(source).is_file():
        raise FileNotFoundError(f"no such file: {source}")
    suffix = source[source.rfind(".") :]
    if suffix != suffix.lower():
        raise ValueError(
            f"rename the file with a lower-case {suffix.lower()!r} suffix, which diffusers needs"
        )
    return source


def _single_file_hint(source: str, config: str | None, exc: BaseException) -> str:
    """What to do about a one-file checkpoint that did not load, where the error does not say."""
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    if config is None and isinstance(exc, HfHubHTTPError | LocalEntryNotFoundError):
        return (
            " (its configs come from the Hub unless the registry entry names a `config`: a diffusers "
            "folder or Hugging Face id of the same architecture)"
        )
    if source.endswith(".ckpt") and "Unable to load weights" in str(exc):
        return (
            " (a .ckpt holding more than weights, as training checkpoints do, is not unpickled: that "
            "could run code; convert it to .safetensors)"
        )
    return ""


def _first_line(exc: BaseException) -> str:
    """CUDA errors come with paragraphs of advice on debugging; the first line says what happened."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
