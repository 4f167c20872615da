"""Turn `/imagine`'s options and the prompt's inline flags into checked generation parameters.

Precedence: a slash-command option beats the inline flag for the same thing. The option is a typed,
validated field the user filled in on purpose; the flag may have come along with a pasted prompt. The
override is never silent: `BuiltParams.notes` says which flag was ignored and the reply shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

from bot.errors import FlagError
from bot.flags import InlineFlags, parse_flags
from generation.errors import InvalidParameters
from generation.params import (
    GenerationParams,
    Sampler,
    parse_aspect_ratio,
    seed_series,
    size_for_aspect,
)
from generation.settings import ModelSpec

ASPECT_CHOICES = ("1:1", "3:2", "2:3", "16:9", "9:16", "4:3", "3:4", "21:9")
DEFAULT_COUNT = 1

T = TypeVar("T")


@dataclass(frozen=True)
class ImagineOptions:
    """What `/imagine` received, before any checks (None: not given)."""

    prompt: str
    negative: str | None = None
    has_image: bool = False
    strength: float | None = None
    aspect: str | None = None
    width: int | None = None
    height: int | None = None
    steps: int | None = None
    guidance: float | None = None
    seed: int | None = None
    count: int | None = None
    model: str | None = None
    sampler: str | None = None


@dataclass(frozen=True)
class BuiltParams:
    params: GenerationParams
    notes: tuple[str, ...] = field(default=())
    # Whether the steps and the size were left to the bot (the model's defaults, or an aspect ratio
    # fitted to the model's size): only those are fitted to a server's lower limits.
    steps_from_model: bool = False
    size_from_model: bool = False


def build_params(
    options: ImagineOptions,
    *,
    models: Mapping[str, ModelSpec],
    default_model: str,
    default_strength: float = 0.75,
) -> BuiltParams:
    """Merge options and flags over the model's defaults; raise FlagError or InvalidParameters."""
    # 1. Flags out of the prompt, and the model (only registered ones: an unknown name would be
    #    taken by the registry as a Hugging Face id to download).
    flags = parse_flags(options.prompt)
    model = options.model or default_model
    if model not in models:
        raise InvalidParameters("model", f"unknown model {model!r}; choose one of {', '.join(models)}")
    spec = models[model]
    notes: list[str] = []

    # 2. Size: an image sets it (img2img keeps the picture's shape); else aspect, or width and height.
    width, height = _size(options, flags, spec, notes)

    # 3. Everything else: option, else flag, else the model's default.
    steps = _pick(options.steps, flags.steps, "--steps", "steps", notes)
    guidance = _pick(options.guidance, flags.guidance, "--cfg", "guidance", notes)
    count = _pick(options.count, flags.count, "--n", "count", notes) or DEFAULT_COUNT
    seed = _pick(options.seed, flags.seed, "--seed", "seed", notes)
    negative = _pick(options.negative, flags.negative, "--no", "negative", notes, repeat=False)
    strength = _pick(options.strength, flags.strength, "--strength", "strength", notes)
    if strength is not None and not options.has_image:
        raise InvalidParameters(
            "strength", "strength only applies with an attached image; attach one or drop it"
        )
    params = GenerationParams(
        prompt=flags.prompt,
        model=model,
        negative_prompt=negative or "",
        width=width,
        height=height,
        steps=steps if steps is not None else spec.steps,
        guidance=guidance if guidance is not None else spec.guidance,
        sampler=Sampler.parse(options.sampler) if options.sampler else spec.sampler,
        seeds=seed_series(seed, count),
        strength=strength if strength is not None else default_strength,
    )
    size_chosen = options.has_image or options.width is not None or options.height is not None
    return BuiltParams(params, tuple(notes), steps_from_model=steps is None, size_from_model=not size_chosen)


def within_server_limits(built: BuiltParams, *, max_steps: int, max_pixels: int) -> BuiltParams:
    """Lower the steps and size the member left to the model to a server's limits, where its
    moderators set them below the model's defaults; what the member chose is left to be checked
    (and refused, saying which limit), and an image's size is fitted by the service."""
    params = built.params
    if built.steps_from_model and params.steps > max_steps:
        params = replace(params, steps=max_steps)
    if built.size_from_model and params.pixels > max_pixels:
        width, height = size_for_aspect(params.width, params.height, max_pixels)
        params = replace(params, width=width, height=height)
    return replace(built, params=params)


def _pick(
    option: T | None,
    flag: T | None,
    flag_name: str,
    option_name: str,
    notes: list[str],
    *,
    repeat: bool = True,
) -> T | None:
    """The option if given, else the flag; a note when a different flag value is dropped.

    `repeat=False` for free text: the note is posted publicly in the channel, and the ignored text
    was never screened (it is not part of the job), nor is its length bounded by anything but the
    prompt's; a note that repeated it would let anyone post any text through the bot.
    """
    if option is not None and flag is not None and option != flag:
        if repeat:
            notes.append(f"`{flag_name} {flag}` was ignored: the `{option_name}` option ({option}) wins")
        else:
            notes.append(f"`{flag_name}` was ignored: the `{option_name}` option wins")
    return option if option is not None else flag


def _size(options: ImagineOptions, flags: InlineFlags, spec: ModelSpec, notes: list[str]) -> tuple[int, int]:
    given_size = options.width is not None or options.height is not None
    if options.has_image and (options.aspect or given_size or flags.aspect):
        raise InvalidParameters(
            "aspect", "with an attached image the image's shape is used; drop aspect, width, height and --ar"
        )
    if options.aspect and given_size:
        raise InvalidParameters("aspect", "give either aspect or width and height, not both")
    if given_size:
        if options.width is None or options.height is None:
            raise InvalidParameters("size", "give both width and height (or use aspect instead)")
        if flags.aspect:
            notes.append("`--ar` was ignored: the `width` and `height` options win")
        return options.width, options.height
    if options.aspect:
        aspect = parse_aspect_ratio(options.aspect)
        if flags.aspect and flags.aspect != aspect:
            notes.append(f"`--ar {flags.aspect[0]}:{flags.aspect[1]}` was ignored: the `aspect` option wins")
        return size_for_aspect(*aspect, spec.pixel_budget)
    if flags.aspect:
        return size_for_aspect(*flags.aspect, spec.pixel_budget)
    return spec.width, spec.height


__all__ = [
    "ASPECT_CHOICES",
    "BuiltParams",
    "FlagError",
    "ImagineOptions",
    "build_params",
    "within_server_limits",
]
