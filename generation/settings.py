"""Settings of the generation package (environment variables prefixed GENERATION_, or .env)."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from generation.acceleration import AttentionBackend
from generation.errors import InvalidParameters
from generation.params import (
    GRID,
    MAX_GUIDANCE,
    MAX_SIDE,
    MAX_STRENGTH,
    MIN_GUIDANCE,
    MIN_SIDE,
    MIN_STRENGTH,
    Sampler,
    parse_aspect_ratio,
    size_for_aspect,
)
from moderation.hub import hub_out_of_reach
from moderation.licenses import LICENSES
from moderation.policy import GuildPolicy
from moderation.settings import EnvSettings

DEFAULT_MODEL_SOURCE = "stable-diffusion-v1-5/stable-diffusion-v1-5"
DEFAULT_PREVIEW_VAE = "madebyollin/taesd"
# A local model folder may carry its own preview decoder in this subfolder.
PREVIEW_VAE_FOLDER = "preview_vae"
# The devices generation/engine.py knows how to pick a dtype for: "auto" (CUDA, else MPS, else the
# CPU), or one named outright.
_DEVICE_SETTING = re.compile(r"auto|cpu|mps|cuda(:\d+)?")


# Checkpoints shared as one file in the original (LDM) layout, as most community models are.
SINGLE_FILE_SUFFIXES = (".safetensors", ".ckpt")


def is_single_file(source: str) -> bool:
    return source.lower().endswith(SINGLE_FILE_SUFFIXES)


def names_a_local_path(value: str) -> bool:
    """Whether a model setting can only be a path on this machine: a Hugging Face id is "org/name"
    (a folder of that shape is read first, as diffusers does, but one that is not there is an id)."""
    return is_single_file(value) or value.startswith(("/", ".", "~")) or value.count("/") > 1 or "\\" in value


# A Hugging Face repository id: "org/name", letters, digits, "-", "_" and ".".
_HUB_ID = re.compile(r"[\w.-]+/[\w.-]+")


def _where_problem(value: str, *, is_pipeline: bool, loads_now: bool) -> str | None:
    """Why `value` cannot be what a model setting names (a diffusers folder or, for a pipeline,
    a one-file checkpoint; else a Hugging Face id), or None when it may well be."""
    path = Path(value).expanduser()
    if path.is_dir():
        if is_pipeline and not (path / "model_index.json").is_file():
            return (
                f"{value} is a folder but not a diffusers model (it has no model_index.json); "
                "name the folder that holds model_index.json"
            )
        return None
    if path.exists():
        if is_pipeline and is_single_file(value):
            return None
        kinds = "a diffusers folder or one .safetensors or .ckpt checkpoint" if is_pipeline else "a folder"
        return f"{value} is a file, not {kinds}"
    where = "" if path.is_absolute() else f" (in {Path.cwd()})"
    if names_a_local_path(value) or not _HUB_ID.fullmatch(value):
        return f"{value} does not exist{where}"
    first = value.partition("/")[0]
    if Path(first).is_dir():
        # models/sd where ./models is a folder: a path mistyped, not an id to download.
        return f"{value} does not exist{where}, though the folder {first} does"
    if not is_pipeline:
        return None
    problem = _hub_problem(value, loads_now=loads_now)
    return (
        f"{problem}; download it once where the Hub is reachable, or name a local folder" if problem else None
    )


def _hub_problem(repo_id: str, *, loads_now: bool) -> str | None:
    """Why the Hugging Face id `repo_id` cannot be loaded here: it is not in the local cache and cannot
    be downloaded, downloads being turned off (HF_HUB_OFFLINE) or, for an id about to load, the Hub
    out of reach; else it is fetched on first use."""
    from huggingface_hub import constants, try_to_load_from_cache
    from huggingface_hub.errors import HFValidationError

    if not (constants.HF_HUB_OFFLINE or loads_now):
        return None
    try:
        if isinstance(try_to_load_from_cache(repo_id, "model_index.json"), str):
            return None
    except HFValidationError:
        # Not a name the Hub takes (org/name-, a--b/c): loading it says so.
        return None
    missing = f"the Hugging Face id {repo_id} is not in the cache ({constants.HF_HUB_CACHE})"
    if constants.HF_HUB_OFFLINE:
        return f"{missing} and cannot be downloaded with HF_HUB_OFFLINE set"
    if loads_now and (reason := hub_out_of_reach()) is not None:
        return (
            f"{missing} and the Hub cannot be reached at {constants.ENDPOINT}: {reason} "
            "(check the network, a firewall or proxy, and HF_ENDPOINT if it is set)"
        )
    return None


class ModelSpec(BaseModel, extra="forbid"):
    """One entry of the model registry."""

    source: str = Field(
        description="Hugging Face id, local diffusers folder, or one checkpoint file (.safetensors, .ckpt)"
    )
    # For a one-file checkpoint: a Hugging Face id or diffusers folder of the same architecture, whose
    # component configs (and tokenizer, scheduler, safety checker) go with the file's weights. Unset,
    # diffusers infers the architecture from the weights and fetches those configs from the Hub.
    config: str | None = None
    width: int = 512
    height: int = 512
    steps: int = 25
    sampler: Sampler = Sampler.DPMPP_2M
    guidance: float = 7.5
    license: str = "creativeml-openrail-m"
    # A tiny autoencoder of the TAESD architecture matching the model's latents, for progress previews.
    preview_vae: str | None = None

    @field_validator("source", "config", "preview_vae")
    @classmethod
    def _home_expanded(cls, value: str | None) -> str | None:
        # As a shell would: in .env nothing else expands ~, and a Hugging Face id never starts with it.
        return None if value is None else os.path.expanduser(value)

    # A model's defaults are what /imagine without options asks for: each must pass the checks every
    # request passes, within the limits a server has until its moderators change them, or no such
    # request could ever run.
    @field_validator("width", "height")
    @classmethod
    def _side_is_drawable(cls, side: int) -> int:
        if side % GRID or not MIN_SIDE <= side <= MAX_SIDE:
            raise ValueError(f"{side} must be a multiple of {GRID} from {MIN_SIDE} to {MAX_SIDE}")
        return side

    @field_validator("steps")
    @classmethod
    def _steps_within_a_servers_limit(cls, steps: int) -> int:
        limit = GuildPolicy().max_steps
        if not 1 <= steps <= limit:
            raise ValueError(
                f"{steps} must be from 1 to {limit}, the most a server allows unless its moderators "
                "raise max_steps (members may still ask for more where they do)"
            )
        return steps

    @field_validator("sampler", mode="before")
    @classmethod
    def _sampler_by_either_name(cls, sampler: object) -> object:
        # "DPM++ 2M", as /imagine and `generate --sampler` take it, as well as "dpmpp_2m".
        if isinstance(sampler, str):
            try:
                return Sampler.parse(sampler)
            except InvalidParameters as exc:
                raise ValueError(exc.reason) from None
        return sampler

    @field_validator("guidance")
    @classmethod
    def _guidance_in_range(cls, guidance: float) -> float:
        if not MIN_GUIDANCE <= guidance <= MAX_GUIDANCE:
            raise ValueError(f"{guidance:g} must be from {MIN_GUIDANCE:g} to {MAX_GUIDANCE:g}")
        return guidance

    @field_validator("license")
    @classmethod
    def _license_is_known(cls, license_id: str) -> str:
        # Members accept a license's use restrictions before their first image: the bot must have them.
        if license_id not in LICENSES:
            raise ValueError(
                f"{license_id!r} is not a license whose terms imagine-bot has; use one of "
                f"{', '.join(sorted(LICENSES))}"
            )
        return license_id

    @model_validator(mode="after")
    def _size_within_a_servers_limit(self) -> ModelSpec:
        limit = GuildPolicy().max_pixels
        if self.width * self.height > limit:
            side = math.isqrt(limit) // GRID * GRID
            raise ValueError(
                f"the default size {self.width}x{self.height} is {self.width * self.height:,} pixels, over "
                f"the {limit:,} a server allows unless its moderators raise max_pixels; give a width and "
                f"height of at most that many pixels, such as {side}x{side}"
            )
        return self

    @model_validator(mode="after")
    def _config_goes_with_a_single_file(self) -> ModelSpec:
        if self.config is not None and not is_single_file(self.source):
            raise ValueError(
                f"config is for a one-file checkpoint ({', '.join(SINGLE_FILE_SUFFIXES)}); "
                f"{self.source!r} brings its own"
            )
        return self

    @property
    def components(self) -> str:
        """Where the model's diffusers-format parts are (the bundled safety checker among them): the
        source itself, or for a one-file checkpoint its `config` (SD 1.5's when none was given)."""
        if not is_single_file(self.source):
            return self.source
        return self.config or DEFAULT_MODEL_SOURCE

    def path_problems(self, *, loads_now: bool = False) -> dict[str, str]:
        """What is wrong, by field, with the files, folders and Hugging Face ids this entry names,
        as far as this machine can tell before loading anything; with `loads_now` (the model is about
        to load), also an id not in the cache while the Hub cannot be reached, which may change later."""
        problems = {}
        # A preview decoder that does not load costs only the previews: it is not looked for on the Hub.
        for field, value, is_pipeline in (
            ("source", self.source, True),
            ("config", self.config, True),
            ("preview_vae", self.preview_vae, False),
        ):
            if value and (problem := _where_problem(value, is_pipeline=is_pipeline, loads_now=loads_now)):
                problems[field] = problem
        # A checkpoint without config takes its configs, tokenizer and safety checker from SD 1.5 on the Hub.
        single_file_alone = is_single_file(self.source) and self.config is None and "source" not in problems
        if single_file_alone and (problem := _hub_problem(DEFAULT_MODEL_SOURCE, loads_now=loads_now)):
            problems["config"] = (
                f"unset, so the configs of the checkpoint {self.source} would come from the Hub, but "
                f"{problem}; set config to a diffusers folder of the same architecture"
            )
        return problems

    @property
    def pixel_budget(self) -> int:
        """Pixels an aspect ratio (or an img2img upload's shape) is fitted into: the model's own size."""
        return self.width * self.height


class GenerationSettings(EnvSettings):
    model_config = SettingsConfigDict(env_prefix="GENERATION_")

    models: dict[str, ModelSpec] = Field(
        default_factory=lambda: {
            "sd15": ModelSpec(source=DEFAULT_MODEL_SOURCE, preview_vae=DEFAULT_PREVIEW_VAE)
        },
        description=(
            "model registry, as JSON: "
            "{name: {source, config, width, height, steps, guidance, sampler, license, preview_vae}}"
        ),
    )
    default_model: str = "sd15"
    device: str = "auto"
    dtype: Literal["auto", "float16", "bfloat16", "float32"] = "auto"
    image_dir: Path = Path("data/images")
    # Days a finished job's images stay on disk (0: kept until deleted). The Discord messages keep
    # their copies; /job, upscales and variations of older jobs say the images are gone.
    image_retention_days: int = Field(default=0, ge=0, le=36500)
    upscale_strength: float = Field(default=0.3, ge=MIN_STRENGTH, le=MAX_STRENGTH)
    variation_strength: float = Field(default=0.6, ge=MIN_STRENGTH, le=MAX_STRENGTH)
    gpu_slots: int = Field(default=1, ge=1, le=16)
    max_batch: int = Field(default=8, ge=1, le=64)
    # How long the dispatcher waits for companions when jobs arrive together; a lone job starts at once.
    batch_wait_s: float = Field(default=0.05, ge=0, le=5)
    # From a job's first step: the wait for a GPU or a Ray replica, and a model loading, do not count.
    job_timeout_s: float = Field(default=600, gt=0)
    # From when a job is sent to the GPU or a Ray replica to its first step (a model loading or a new
    # shape compiling, other bot processes' batches ahead on a replica, a replica being placed).
    job_start_timeout_s: float = Field(default=1800, gt=0)
    # How long a batch lost because the backend went away (the Ray cluster restarting or unreachable,
    # every replica gone) waits for it to come back, its jobs kept, before they fail.
    backend_outage_s: float = Field(default=900, gt=0)
    # How often a bot process looks at the shared store: it renews its claim on the jobs it holds,
    # stops those deleted or erased meanwhile (their owner's /forget-me came through another
    # process's shard) and takes over jobs that no live process holds.
    store_check_s: float = Field(default=5.0, gt=0)
    # A process's claim on its jobs lapses this long after its last renewal: a process that died
    # without closing has its queued and running jobs taken over after at most this long.
    claim_ttl_s: float = Field(default=30.0, gt=0)
    global_queue_cap: int = Field(default=500, ge=1)
    backend: Literal["inprocess", "ray"] = "inprocess"
    ray_address: str | None = None
    ray_replicas: int = Field(default=1, ge=1)
    ray_gpus_per_replica: float = Field(default=1.0, ge=0)
    ray_cpus_per_replica: float = Field(default=1.0, ge=0)
    # False for the second and later bot processes: they use the application the first deployed.
    ray_deploy: bool = True
    # Load the default model at start rather than on the first job.
    warmup: bool = True
    # Speed (see generation/acceleration.py). With compile on, batches are padded up to the next
    # bucket so compiled graphs see a handful of shapes and never recompile in service; buckets past
    # max_batch give way to max_batch itself (see `compile_buckets`); empty means no padding.
    batch_buckets: tuple[Annotated[int, Field(ge=1, le=64)], ...] = (1, 2, 4, 8, 16)
    compile: bool = False
    compile_mode: Literal["default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs"] = (
        "default"
    )
    # With compile on a GPU, buckets up to this size replay CUDA graphs (0: none).
    cuda_graph_max_batch: int = Field(default=0, ge=0, le=64)
    # Scaled-dot-product attention kernels on CUDA; "auto" lets torch pick per shape.
    attention: AttentionBackend = "auto"
    # Encode and decode images of more than twice the model's pixels (upscales) in tiles, for bounded memory.
    vae_tiling: bool = True
    # Inductor's on-disk cache, so a restart reuses compiled kernels instead of compiling again.
    compile_cache_dir: Path = Path("data/compile-cache")
    # Aspect ratios (like "16:9") whose sizes are compiled at start too, for every bucket; any other
    # size compiles on its first batch (once: the cache keeps it), holding its GPU slot meanwhile.
    compile_warmup_aspects: tuple[str, ...] = ()
    channels_last: bool = True
    fuse_qkv: bool = True
    # At most one rough preview per running batch this often (0: text progress only). Previews are
    # classified like results and shown only when plainly safe; Ray replicas stream them too.
    preview_interval_s: float = Field(default=2.0, ge=0)
    # /metrics and /healthz; 0 turns the server off. Loopback unless told otherwise.
    metrics_port: int = Field(default=0, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"

    @field_validator("image_dir", "compile_cache_dir")
    @classmethod
    def _home_expanded(cls, folder: Path) -> Path:
        # As a shell would: in .env nothing else expands ~.
        return folder.expanduser()

    @field_validator("claim_ttl_s")
    @classmethod
    def _claims_outlive_a_missed_renewal(cls, ttl: float, info: ValidationInfo) -> float:
        check = info.data.get("store_check_s")
        if check is not None and ttl < 3 * check:
            raise ValueError(
                f"must be at least three times GENERATION_STORE_CHECK_S ({check:g} s), so that one "
                "slow or missed renewal does not hand a live process's jobs to another"
            )
        return ttl

    @field_validator("device")
    @classmethod
    def _device_is_known(cls, device: str) -> str:
        # Checked here, not when the model loads minutes later; availability is not checked, since
        # with the Ray backend the GPUs are on the replicas' machines, not this one.
        if not _DEVICE_SETTING.fullmatch(device):
            raise ValueError(
                f"{device!r} is not a device; use auto, cpu, cuda, cuda:N (N a GPU index) or mps"
            )
        return device

    @field_validator("compile_warmup_aspects")
    @classmethod
    def _aspects_parse(cls, aspects: tuple[str, ...]) -> tuple[str, ...]:
        for aspect in aspects:
            try:
                parse_aspect_ratio(aspect)
            except InvalidParameters as exc:
                raise ValueError(exc.reason) from None
        return aspects

    @field_validator("models")
    @classmethod
    def _registry_is_not_empty(cls, models: dict[str, ModelSpec]) -> dict[str, ModelSpec]:
        if not models:
            example = json.dumps({"sd15": {"source": DEFAULT_MODEL_SOURCE}})
            raise ValueError(f"name at least one model, such as {example}")
        return models

    @field_validator("default_model")
    @classmethod
    def _default_model_is_registered(cls, name: str, info: ValidationInfo) -> str:
        # Absent when GENERATION_MODELS itself is wrong: that is reported on its own.
        models = info.data.get("models")
        if models and name not in models:
            raise ValueError(
                f"{name!r} is not a model in GENERATION_MODELS (which has {', '.join(models)}); "
                f"set it to one of those, or add {name!r} there"
            )
        return name

    @property
    def batches_at_once(self) -> int:
        """How many batches the scheduler runs at once: one per GPU slot in this process, or one per Ray
        replica (each makes one pipeline call at a time), so that every replica has work."""
        return self.ray_replicas if self.backend == "ray" else self.gpu_slots

    def spec(self, name: str | None) -> tuple[str, ModelSpec]:
        """The registry entry for `name` (or the default); an unknown name is taken as a source."""
        if name is None:
            return self.default_model, self.models[self.default_model]
        if name in self.models:
            return name, self.models[name]
        native = native_size(name)
        if native is None:
            return name, ModelSpec(source=name)
        preview = Path(name) / PREVIEW_VAE_FOLDER
        return name, ModelSpec(
            source=name,
            width=native[0],
            height=native[1],
            preview_vae=str(preview) if (preview / "config.json").is_file() else None,
        )

    def compiled_sizes(self, spec: ModelSpec) -> tuple[tuple[int, int], ...]:
        """The image sizes compiled at start for a model: its own, then one per warm-up aspect ratio
        (none when compile is off). Any other size compiles on its first batch."""
        if not self.compile:
            return ()
        sizes = [(spec.width, spec.height)]
        for aspect in self.compile_warmup_aspects:
            size = size_for_aspect(*parse_aspect_ratio(aspect), spec.pixel_budget)
            if size not in sizes:
                sizes.append(size)
        return tuple(sizes)


def native_size(source: str) -> tuple[int, int] | None:
    """The size a local diffusers folder was built for (UNet sample size x VAE scale), as diffusers' default.

    None for a hub id: its configs are not on disk before the first download.
    """
    folder = Path(source)
    try:
        unet = json.loads((folder / "unet" / "config.json").read_text())
        vae = json.loads((folder / "vae" / "config.json").read_text())
        sample = unet["sample_size"]
        side = int(sample if isinstance(sample, int) else sample[0]) * 2 ** (
            len(vae["block_out_channels"]) - 1
        )
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return side, side
