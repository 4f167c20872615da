"""Write a diffusers SD 1.x pipeline as one checkpoint file in the original (LDM) layout.

Community models are mostly shared that way (`model.safetensors`). Tests use this to give the tiny demo
model that shape, so the single-file loading path is tried on real weights; diffusers' own converter
(original layout to diffusers) judges whether the layout is right.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import torch
from diffusers.loaders.single_file_utils import DIFFUSERS_TO_LDM_MAPPING
from safetensors.torch import save_file

# A UNet ResNet's parts: diffusers name -> original name.
_UNET_RESNET = {
    "norm1": "in_layers.0",
    "conv1": "in_layers.2",
    "norm2": "out_layers.0",
    "conv2": "out_layers.3",
    "time_emb_proj": "emb_layers.1",
    "conv_shortcut": "skip_connection",
}
# A VAE attention's parts: diffusers name -> original name (1x1 convolutions there, linear here).
_VAE_ATTENTION = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}


def write_ldm_checkpoint(pipeline: Any, path: Path) -> Path:
    """Save `pipeline`'s UNet, VAE and text encoder to `path` (.safetensors) in the original layout."""
    state: dict[str, torch.Tensor] = {}
    layers = pipeline.unet.config.layers_per_block
    up_with_attention = ["CrossAttn" in kind for kind in pipeline.unet.config.up_block_types]
    for key, value in pipeline.unet.state_dict().items():
        state["model.diffusion_model." + _unet_key(key, layers, up_with_attention)] = value
    up_blocks = len(pipeline.vae.config.up_block_types)
    for key, value in pipeline.vae.state_dict().items():
        ldm_key = _vae_key(key, up_blocks)
        if ".mid.attn_1." in ldm_key and value.ndim == 2:
            value = value[:, :, None, None]
        state["first_stage_model." + ldm_key] = value
    for key, value in pipeline.text_encoder.state_dict().items():
        # Newer transformers releases dropped CLIPTextModel's `text_model.` level; the original has it.
        state["cond_stage_model.transformer.text_model." + key.removeprefix("text_model.")] = value
    save_file({key: value.contiguous() for key, value in state.items()}, str(path))
    return path


def _unet_key(key: str, layers: int, up_with_attention: list[bool]) -> str:
    direct: dict[str, str] = DIFFUSERS_TO_LDM_MAPPING["unet"]["layers"]
    if key in direct:
        return direct[key]
    if match := re.fullmatch(r"down_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*)", key):
        block, part, index, rest = int(match[1]), match[2], int(match[3]), match[4]
        where = f"input_blocks.{1 + block * (layers + 1) + index}"
        return _unet_part(where, part, rest)
    if match := re.fullmatch(r"down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*)", key):
        return f"input_blocks.{(int(match[1]) + 1) * (layers + 1)}.0.op.{match[2]}"
    if match := re.fullmatch(r"mid_block\.(resnets|attentions)\.(\d+)\.(.*)", key):
        part, index, rest = match[1], int(match[2]), match[3]
        return _unet_part(f"middle_block.{2 * index if part == 'resnets' else 1}", part, rest, nested=False)
    if match := re.fullmatch(r"up_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*)", key):
        block, part, index, rest = int(match[1]), match[2], int(match[3]), match[4]
        return _unet_part(f"output_blocks.{block * (layers + 1) + index}", part, rest)
    if match := re.fullmatch(r"up_blocks\.(\d+)\.upsamplers\.0\.conv\.(.*)", key):
        block = int(match[1])
        slot = 2 if up_with_attention[block] else 1
        return f"output_blocks.{block * (layers + 1) + layers}.{slot}.conv.{match[2]}"
    raise ValueError(f"no original name for UNet weight {key}")


def _unet_part(where: str, part: str, rest: str, *, nested: bool = True) -> str:
    if part == "attentions":
        return f"{where}.1.{rest}" if nested else f"{where}.{rest}"
    name, _, leaf = rest.rpartition(".")
    return f"{where}{'.0' if nested else ''}.{_UNET_RESNET[name]}.{leaf}"


def _vae_key(key: str, up_blocks: int) -> str:
    direct: dict[str, str] = DIFFUSERS_TO_LDM_MAPPING["vae"]
    if key in direct:
        return direct[key]
    key = key.replace("conv_shortcut", "nin_shortcut")
    if match := re.fullmatch(r"encoder\.down_blocks\.(\d+)\.resnets\.(.*)", key):
        return f"encoder.down.{match[1]}.block.{match[2]}"
    if match := re.fullmatch(r"encoder\.down_blocks\.(\d+)\.downsamplers\.0\.(.*)", key):
        return f"encoder.down.{match[1]}.downsample.{match[2]}"
    if match := re.fullmatch(r"decoder\.up_blocks\.(\d+)\.resnets\.(.*)", key):
        return f"decoder.up.{up_blocks - 1 - int(match[1])}.block.{match[2]}"
    if match := re.fullmatch(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.(.*)", key):
        return f"decoder.up.{up_blocks - 1 - int(match[1])}.upsample.{match[2]}"
    if match := re.fullmatch(r"(encoder|decoder)\.mid_block\.resnets\.(\d+)\.(.*)", key):
        return f"{match[1]}.mid.block_{int(match[2]) + 1}.{match[3]}"
    if match := re.fullmatch(r"(encoder|decoder)\.mid_block\.attentions\.0\.(.*)\.(weight|bias)", key):
        return f"{match[1]}.mid.attn_1.{_VAE_ATTENTION[match[2]]}.{match[3]}"
    raise ValueError(f"no original name for VAE weight {key}")
