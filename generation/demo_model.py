"""Build a tiny random-weight Stable Diffusion 1.x pipeline, fully offline.

The folder it writes has the layout of a real SD 1.x repository (unet, vae, text_encoder, tokenizer,
scheduler, safety_checker, feature_extractor, model_index.json), so it loads through exactly the same
`from_pretrained` path as the real model. It draws noise, not pictures: it exists for tests, the CPU
benchmark and trying the bot without downloading gigabytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

from generation.settings import PREVIEW_VAE_FOLDER

# Byte-level BPE needs an entry for every byte; with no merges each character is its own token.
_SPECIAL_TOKENS = ("<|startoftext|>", "<|endoftext|>")


def _bytes_to_unicode() -> dict[int, str]:
    # The same table as CLIP's tokenizer: printable bytes map to themselves, the rest past 255.
    printable = (
        list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    )
    chars = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, (chr(c) for c in chars), strict=True))


def _write_tokenizer(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    symbols = list(_bytes_to_unicode().values())
    vocab_list = symbols + [s + "</w>" for s in symbols] + list(_SPECIAL_TOKENS)
    vocab = {token: index for index, token in enumerate(vocab_list)}
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    config = {
        "tokenizer_class": "CLIPTokenizer",
        "model_max_length": 77,
        "bos_token": "<|startoftext|>",
        "eos_token": "<|endoftext|>",
        "unk_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>",
        "do_lower_case": True,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    return len(vocab)


def make_demo_model(folder: str | Path, *, seed: int = 0) -> Path:
    """Write a tiny random-weight SD 1.x pipeline (a few MB) to `folder` and return its path."""
    from diffusers import (
        AutoencoderKL,
        DPMSolverMultistepScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import (
        CLIPConfig,
        CLIPImageProcessor,
        CLIPTextConfig,
        CLIPTextModel,
        CLIPTokenizer,
    )

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)

    vocab_size = _write_tokenizer(out / "tokenizer")
    tokenizer = CLIPTokenizer.from_pretrained(out / "tokenizer")
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            intermediate_size=37,
            num_attention_heads=4,
            num_hidden_layers=2,
            max_position_embeddings=77,
            bos_token_id=vocab_size - 2,
            eos_token_id=vocab_size - 1,
            pad_token_id=vocab_size - 1,
        )
    )
    unet = UNet2DConditionModel(
        sample_size=32,
        in_channels=4,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=8,
        norm_num_groups=32,
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(32, 64),
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=32,
        sample_size=64,
    )
    scheduler = DPMSolverMultistepScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        num_train_timesteps=1000,
        steps_offset=1,
    )
    safety_checker = StableDiffusionSafetyChecker(
        CLIPConfig(
            text_config={
                "hidden_size": 16,
                "intermediate_size": 37,
                "num_attention_heads": 2,
                "num_hidden_layers": 1,
                "vocab_size": 99,
                "bos_token_id": 0,
                "eos_token_id": 2,
                "pad_token_id": 1,
            },
            vision_config={
                "hidden_size": 16,
                "intermediate_size": 37,
                "num_attention_heads": 2,
                "num_hidden_layers": 1,
                "image_size": 32,
                "patch_size": 8,
            },
            projection_dim=16,
        )
    )
    feature_extractor = CLIPImageProcessor(crop_size=32, size=32)
    pipeline = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=safety_checker,
        feature_extractor=feature_extractor,
        requires_safety_checker=True,
    )
    pipeline.save_pretrained(out)
    make_demo_preview_decoder(out / PREVIEW_VAE_FOLDER)
    return out


def make_demo_preview_decoder(folder: str | Path, *, seed: int = 0) -> Path:
    """A tiny random autoencoder of the TAESD architecture for the demo model's latents.

    The demo VAE has two blocks (a scale factor of 2), so this decoder upsamples once, as TAESD's
    three upsamplings match SD's factor of 8.
    """
    from diffusers import AutoencoderTiny

    torch.manual_seed(seed)
    decoder = AutoencoderTiny(
        encoder_block_out_channels=(8, 8),
        decoder_block_out_channels=(8, 8),
        num_encoder_blocks=(1, 1),
        num_decoder_blocks=(1, 1),
        latent_channels=4,
    )
    decoder.save_pretrained(folder)
    return Path(folder)
