"""/imagine: receives the options and hands them to the job flow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.options import ASPECT_CHOICES, ImagineOptions
from generation.params import (
    MAX_COUNT,
    MAX_GUIDANCE,
    MAX_SEED,
    MAX_SIDE,
    MAX_STEPS,
    MAX_STRENGTH,
    MIN_GUIDANCE,
    MIN_SIDE,
    MIN_STRENGTH,
    Sampler,
)
from moderation.policy import DEFAULT_MAX_STEPS

if TYPE_CHECKING:
    from bot.client import ImagineBot

Interaction = discord.Interaction[Any]

_ASPECTS = [app_commands.Choice(name=ratio, value=ratio) for ratio in ASPECT_CHOICES]
_SAMPLERS = [app_commands.Choice(name=sampler.label, value=sampler.value) for sampler in Sampler]


class ImagineCog(commands.Cog):
    def __init__(self, bot: ImagineBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="imagine", description="Make images from a prompt (attach an image to start from it)"
    )
    @app_commands.describe(
        prompt="What to draw. Inline flags work too: --ar 16:9 --seed 7 --no text --steps 30 --cfg 6 --n 4",
        negative="What to leave out (negative prompt)",
        image="A picture to start from (image to image)",
        strength="How far to move from the attached image: 0.05 (barely) to 1 (completely)",
        aspect="Aspect ratio of the image",
        width="Width in pixels, a multiple of 8 (with height, instead of aspect)",
        height="Height in pixels, a multiple of 8 (with width, instead of aspect)",
        steps=f"Denoising steps: more is slower and often finer (up to the server's max_steps, {DEFAULT_MAX_STEPS} by default)",
        guidance="How closely to follow the prompt (CFG scale)",
        seed="Seed of the first image; the same seed and settings give the same image",
        count="How many images to make",
        model="Which model to use",
        sampler="Which sampler to use",
    )
    @app_commands.choices(aspect=_ASPECTS, sampler=_SAMPLERS)
    async def imagine(
        self,
        interaction: Interaction,
        prompt: app_commands.Range[str, 1, 1500],
        negative: app_commands.Range[str, 1, 1500] | None = None,
        image: discord.Attachment | None = None,
        strength: app_commands.Range[float, MIN_STRENGTH, MAX_STRENGTH] | None = None,
        aspect: app_commands.Choice[str] | None = None,
        width: app_commands.Range[int, MIN_SIDE, MAX_SIDE] | None = None,
        height: app_commands.Range[int, MIN_SIDE, MAX_SIDE] | None = None,
        steps: app_commands.Range[int, 1, MAX_STEPS] | None = None,
        guidance: app_commands.Range[float, MIN_GUIDANCE, MAX_GUIDANCE] | None = None,
        seed: app_commands.Range[int, 0, MAX_SEED] | None = None,
        count: app_commands.Range[int, 1, MAX_COUNT] | None = None,
        model: app_commands.Range[str, 1, 100] | None = None,
        sampler: app_commands.Choice[str] | None = None,
    ) -> None:
        options = ImagineOptions(
            prompt=prompt,
            negative=negative,
            has_image=image is not None,
            strength=strength,
            aspect=aspect.value if aspect else None,
            width=width,
            height=height,
            steps=steps,
            guidance=guidance,
            seed=seed,
            count=count,
            model=model,
            sampler=sampler.value if sampler else None,
        )
        await self.bot.flow.imagine(interaction, options, image)

    @imagine.autocomplete("model")
    async def _model_names(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        names = self.bot.settings.generation.models
        typed = current.casefold()
        return [app_commands.Choice(name=name, value=name) for name in names if typed in name.casefold()][:25]
