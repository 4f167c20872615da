"""Making one GPU go fast: memory layout, fused attention projections, compiled graphs, batch buckets.

At batch 1 the SD 1.5 UNet is bound by kernel launches, not by the GPU: batching and compiled graphs
are what bring images/s close to the card's peak. Compiled graphs are specialised on shapes, so batches
are padded up to a small fixed set of bucket sizes and each bucket is compiled once at warm-up; the
inductor cache on disk lets a restart skip compiling again. Small buckets may also replay CUDA graphs
(compile mode "reduce-overhead"), which removes the launch overhead that dominates them; large buckets
keep plain compiled kernels, whose CUDA graphs would pin a lot of memory for little gain.
"""

from __future__ import annotations

import bisect
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch

log = logging.getLogger(__name__)

AttentionBackend = Literal["auto", "flash", "efficient", "cudnn", "math"]

# Each bucket and image size is one compiled graph; dynamo's default limit (8) would silently fall
# back to eager mode after a few aspect ratios.
_RECOMPILE_LIMIT = 64


def bucket_for(size: int, buckets: Sequence[int]) -> int:
    """The smallest bucket that holds `size` items; sizes past the largest bucket are not padded."""
    ordered = sorted(buckets)
    if not ordered:
        return size
    index = bisect.bisect_left(ordered, size)
    return ordered[index] if index < len(ordered) else size


def compile_buckets(buckets: Sequence[int], max_batch: int) -> tuple[int, ...]:
    """The batch sizes compiled graphs run at: the buckets below `max_batch`, then `max_batch`
    itself, so that no batch is padded past the largest one the scheduler makes (with buckets
    [1, 4, 16] and batches of at most 8, a batch of 5 runs as 8, not 16)."""
    if not buckets:
        return ()
    return (*sorted({bucket for bucket in buckets if bucket < max_batch}), max_batch)


def enable_compile_cache(folder: Path) -> None:
    """Point inductor's FX graph and kernel caches at `folder` (kept across restarts)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", str(folder.resolve()))
    os.environ.setdefault("TORCHINDUCTOR_FX_GRAPH_CACHE", "1")
    os.environ.setdefault("TORCHINDUCTOR_AUTOGRAD_CACHE", "1")


def select_attention_backend(backend: AttentionBackend) -> None:
    """Restrict scaled-dot-product attention to one CUDA kernel family (math stays as the fallback).

    The choice is process-wide (torch keeps it in global flags), like the model it serves; "auto"
    leaves torch's own per-shape choice alone.
    """
    if backend == "auto":
        return
    torch.backends.cuda.enable_flash_sdp(backend == "flash")
    torch.backends.cuda.enable_mem_efficient_sdp(backend == "efficient")
    torch.backends.cuda.enable_cudnn_sdp(backend == "cudnn")
    torch.backends.cuda.enable_math_sdp(True)


@dataclass
class Acceleration:
    """What `optimize_pipeline` applied, and the CUDA-graph UNet that small buckets run on."""

    applied: list[str] = field(default_factory=list)
    compiled: bool = False
    graph_unet: Any = None
    graph_max_batch: int = 0

    def uses_graphs(self, bucket: int) -> bool:
        return self.graph_unet is not None and bucket <= self.graph_max_batch


def _uniform_unet_inputs(
    _module: torch.nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Give the compiled UNet one input layout whatever the sampler or the pipeline kind.

    Compiled graphs guard on dtypes and strides: DPM++ and DDIM pass integer timesteps, the Euler
    samplers float ones, and img2img latents come out of the VAE encoder with other strides than
    txt2img noise. Without this each of those would compile (and cache) another graph. The UNet casts
    timesteps to float itself, so this changes no value. It runs as a hook on the compiled module,
    outside the graph, where the guards are checked.
    """
    args_list = list(args)
    if args_list:
        sample = args_list[0] = args_list[0].contiguous()
    else:
        sample = kwargs["sample"] = kwargs["sample"].contiguous()
    if len(args_list) > 1:
        args_list[1] = torch.as_tensor(args_list[1], dtype=torch.float32, device=sample.device)
    elif "timestep" in kwargs:
        kwargs["timestep"] = torch.as_tensor(kwargs["timestep"], dtype=torch.float32, device=sample.device)
    return tuple(args_list), kwargs


def compile_unet(unet: torch.nn.Module, mode: str) -> torch.nn.Module:
    """torch.compile the UNet for fixed shapes, with inputs made uniform before the graph's guards."""
    # dynamic=False: one graph per bucket shape, no guards re-checked on every step.
    compiled = torch.compile(unet, mode=mode, fullgraph=True, dynamic=False)
    assert isinstance(compiled, torch.nn.Module)  # compiling a module gives an OptimizedModule
    compiled.register_forward_pre_hook(_uniform_unet_inputs, with_kwargs=True)
    return compiled


def compile_vae_decode(decode: Callable[..., Any], mode: str) -> Callable[..., Any]:
    """torch.compile the VAE decoder; latents are made contiguous first (img2img's come strided)."""
    compiled = torch.compile(decode, mode=mode, dynamic=False)

    def decode_contiguous(latents: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        return compiled(latents.contiguous(), *args, **kwargs)

    return decode_contiguous


def optimize_pipeline(
    pipeline: Any,
    *,
    device: torch.device,
    channels_last: bool,
    fuse_qkv: bool,
    compile_graphs: bool,
    compile_mode: str = "default",
    cache_dir: Path | None = None,
    attention: AttentionBackend = "auto",
    vae_tile_above_pixels: int = 0,
    cuda_graph_max_batch: int = 0,
) -> Acceleration:
    """Apply the speed-ups; says what was applied. All preserve the output up to rounding, except
    tiled VAE decoding of large images (`vae_tile_above_pixels`), whose tile seams blend."""
    done = Acceleration()
    if fuse_qkv:
        # One matmul for Q, K and V instead of three: fewer, larger kernels.
        pipeline.fuse_qkv_projections()
        done.applied.append("fused QKV")
    if device.type == "cuda":
        if channels_last:
            # Convolutions on tensor cores prefer NHWC; on the CPU it only adds copies.
            pipeline.unet.to(memory_format=torch.channels_last)
            pipeline.vae.to(memory_format=torch.channels_last)
            done.applied.append("channels_last")
        if attention != "auto":
            select_attention_backend(attention)
            done.applied.append(f"attention: {attention}")
    if compile_graphs:
        if cache_dir is not None:
            enable_compile_cache(cache_dir)
        torch._dynamo.config.recompile_limit = max(torch._dynamo.config.recompile_limit, _RECOMPILE_LIMIT)
        eager_unet = pipeline.unet
        pipeline.unet = compile_unet(eager_unet, compile_mode)
        pipeline.vae.decode = compile_vae_decode(pipeline.vae.decode, compile_mode)
        done.compiled = True
        done.applied.append(f"torch.compile ({compile_mode})")
        if cuda_graph_max_batch > 0 and device.type == "cuda":
            done.graph_unet = compile_unet(eager_unet, "reduce-overhead")
            done.graph_max_batch = cuda_graph_max_batch
            done.applied.append(f"CUDA graphs up to batch {cuda_graph_max_batch}")
    if vae_tile_above_pixels > 0:
        pipeline.vae.decode = decode_large_in_tiles(
            pipeline.vae, pipeline.vae.decode, vae_tile_above_pixels, pipeline.vae_scale_factor
        )
        # An upscale's refinement pass encodes the 2x image first: as large, and as heavy, as its decode.
        pipeline.vae.encode = encode_large_in_tiles(pipeline.vae, pipeline.vae.encode, vae_tile_above_pixels)
        done.applied.append(f"tiled VAE decode and encode above {vae_tile_above_pixels} pixels")
    return done


def decode_large_in_tiles(
    vae: Any, decode: Callable[..., Any], above_pixels: int, scale_factor: int
) -> Callable[..., Any]:
    """Decode images of more than `above_pixels` (2x upscales) tile by tile, the rest as `decode` does.

    Tiling bounds a large image's memory to that of one tile, at the price of slightly different
    pixels where tiles are blended, so it is kept to images well past the model's own size. Diffusers'
    own switch (`enable_tiling`) goes by side length, which would tile every wide aspect ratio too.
    """

    def decode_by_size(latents: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        pixels = latents.shape[-1] * latents.shape[-2] * scale_factor * scale_factor
        if pixels > above_pixels:
            return vae.tiled_decode(latents, return_dict=kwargs.get("return_dict", True))
        return decode(latents, *args, **kwargs)

    return decode_by_size


def encode_large_in_tiles(vae: Any, encode: Callable[..., Any], above_pixels: int) -> Callable[..., Any]:
    """Encode images of more than `above_pixels` tile by tile, the rest as `encode` does (see
    `decode_large_in_tiles`)."""
    from diffusers.models.autoencoders.vae import DiagonalGaussianDistribution
    from diffusers.models.modeling_outputs import AutoencoderKLOutput

    def encode_by_size(images: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        if images.shape[-1] * images.shape[-2] > above_pixels:
            # `_tiled_encode` returns the moments, as diffusers' deprecation of `tiled_encode` directs.
            posterior = DiagonalGaussianDistribution(vae._tiled_encode(images))
            if kwargs.get("return_dict", True):
                return AutoencoderKLOutput(latent_dist=posterior)
            return (posterior,)
        return encode(images, *args, **kwargs)

    return encode_by_size


def log_warmup(bucket: int, width: int, height: int, started: float, total: int, index: int) -> None:
    log.info(
        "warm-up %d/%d: batch bucket %d at %dx%d ready in %.1f s",
        index,
        total,
        bucket,
        width,
        height,
        time.perf_counter() - started,
    )
