"""What a job asks for: kinds, samplers and the checked generation parameters."""

from __future__ import annotations

import math
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from generation.errors import InvalidParameters, SourceUnavailable

# The SD 1.x VAE downsamples by 8; widths and heights must be multiples of it.
GRID = 8
MIN_SIDE = 64
MAX_SIDE = 2048
MAX_COUNT = 4
MAX_STEPS = 150
MAX_SEED = 2**32 - 1
MAX_PROMPT_CHARS = 1500
MIN_GUIDANCE, MAX_GUIDANCE = 0.0, 30.0
# Guidance at or below this turns classifier-free guidance off (diffusers runs the prompt alone), so
# every value from MIN_GUIDANCE to it draws the same image.
CFG_OFF_AT = 1.0
# img2img: how far to move from the starting image (1 ignores it).
MIN_STRENGTH, MAX_STRENGTH = 0.05, 1.0
# Characters that draw nothing though Python does not count them as whitespace: zero-width and
# direction marks are category Cf, combining marks alone (Mn, Me) attach to nothing; these "letters"
# are blank glyphs that people paste to post an empty-looking message.
_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp"})
# How much of a typed value an error message repeats.
_SHOWN_CHARS = 40


def steps_run(steps: int, strength: float, *, img2img: bool) -> int:
    """The denoising steps a job actually runs: img2img skips the first (1 - strength) of them."""
    return max(1, int(steps * strength)) if img2img else steps


class JobKind(StrEnum):
    TXT2IMG = "txt2img"
    IMG2IMG = "img2img"
    UPSCALE = "upscale"
    VARIATION = "variation"

    @property
    def uses_init_image(self) -> bool:
        return self is not JobKind.TXT2IMG


class Sampler(StrEnum):
    EULER_A = "euler_a"
    DPMPP_2M = "dpmpp_2m"
    DDIM = "ddim"
    EULER = "euler"

    @property
    def label(self) -> str:
        return SAMPLER_LABELS[self]

    @classmethod
    def parse(cls, name: str) -> Sampler:
        """Accept the value or the display name, case and punctuation insensitive ("DPM++ 2M")."""
        wanted = _squash(name)
        for sampler in cls:
            if wanted in (_squash(sampler.value), _squash(sampler.label)):
                return sampler
        choices = ", ".join(s.label for s in cls)
        raise InvalidParameters("sampler", f"unknown sampler {name!r}; choose one of {choices}")


SAMPLER_LABELS = {
    Sampler.EULER_A: "Euler a",
    Sampler.DPMPP_2M: "DPM++ 2M",
    Sampler.DDIM: "DDIM",
    Sampler.EULER: "Euler",
}


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum() or ch == "+")


def new_seed() -> int:
    """A fresh random seed in the range every backend accepts."""
    return secrets.randbelow(MAX_SEED + 1)


def seed_series(first: int | None, count: int) -> tuple[int, ...]:
    """The seeds of `count` images: `first` (a new random one if None) and the ones after it,
    wrapping past MAX_SEED, so any valid first seed makes a valid series. A first seed out of range
    is refused, not wrapped into another one."""
    if first is not None and not 0 <= first <= MAX_SEED:
        raise InvalidParameters("seed", f"must be from 0 to {MAX_SEED}")
    start = new_seed() if first is None else first
    return tuple((start + index) % (MAX_SEED + 1) for index in range(count))


def parse_aspect_ratio(text: str) -> tuple[int, int]:
    """Parse "16:9" (or "16x9", "16X9", "16×9", "16/9") into a pair of positive integers."""
    shown = text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"
    for sep in (":", "x", "X", "×", "/"):
        if sep in text:
            left, _, right = text.partition(sep)
            break
    else:
        raise InvalidParameters("aspect", f"aspect ratio {shown!r} should look like 16:9")
    left, right = left.strip(), right.strip()
    # Digits only: int() would also take "1_6" as 16 and "+16" as 16, reading a typo as a ratio.
    if not (left.isdecimal() and right.isdecimal()):
        raise InvalidParameters("aspect", f"aspect ratio {shown!r} should look like 16:9")
    try:
        w, h = int(left), int(right)
    except ValueError:  # past Python's limit on the digits of an int
        raise InvalidParameters("aspect", f"aspect ratio {shown!r} should look like 16:9") from None
    # Compared as whole numbers: a side hundreds of digits long overflows a float division.
    if w <= 0 or h <= 0 or max(w, h) > 4 * min(w, h):
        raise InvalidParameters("aspect", "aspect ratio sides must be positive and at most 4:1")
    return w, h


# The longest shape that can be made: the longest side over the shortest.
MAX_ELONGATION = MAX_SIDE // MIN_SIDE


def too_elongated(width: int, height: int) -> str | None:
    """Why a picture of that size is too long and thin to make or start from; None when it is not."""
    if max(width, height) <= MAX_ELONGATION * min(width, height):
        return None
    return (
        f"the image is {width}x{height}, too long and thin to use: its long side may be at most "
        f"{MAX_ELONGATION} times its short side; crop it"
    )


def size_for_aspect(aspect_w: int, aspect_h: int, pixel_budget: int) -> tuple[int, int]:
    """Width and height in multiples of 8 with that aspect ratio, as large as fits in `pixel_budget`
    and within MAX_SIDE.

    img2img passes the attached picture's own width and height here, so any shape arrives: a long
    panorama is made smaller rather than wider than MAX_SIDE, and a shape more elongated than
    MAX_SIDE to MIN_SIDE is refused (it could only be made by cropping most of the picture away).
    """
    if (reason := too_elongated(aspect_w, aspect_h)) is not None:
        raise InvalidParameters("image", reason)
    # One division of the two whole numbers, which Python rounds exactly however many digits they
    # have ("--ar 111…1:111…1"); a float times such a number would overflow.
    ratio = aspect_w / aspect_h
    width = math.sqrt(pixel_budget * ratio)
    height = width / ratio
    shrink = min(1.0, MAX_SIDE / max(width, height))
    w = max(MIN_SIDE, int(width * shrink) // GRID * GRID)
    h = max(MIN_SIDE, int(height * shrink) // GRID * GRID)
    return w, h


# How much an upload's aspect ratio may differ from a compiled size's (as a ratio of the two) and still
# be cropped to it (losing at most 13% of the picture): a 4:3 photo goes to 3:2, a 16:9 one does not.
COMPILED_SIZE_TOLERANCE = 1.15


def nearest_compiled_size(
    image_w: int, image_h: int, sizes: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """Of `sizes` (those compiled at start), the one whose shape is nearest the image's, when within
    COMPILED_SIZE_TOLERANCE; None when none is that close.

    With compiled graphs, every new size compiles on its first batch, holding a GPU slot for tens of
    seconds, and past a few dozen sizes the model runs uncompiled: uploads come in every shape, so a
    shape close to a compiled one is cropped to it instead.
    """
    if not sizes:
        return None

    def distance(size: tuple[int, int]) -> float:
        return abs(math.log((image_w / image_h) / (size[0] / size[1])))

    nearest = min(sizes, key=distance)
    return nearest if distance(nearest) <= math.log(COMPILED_SIZE_TOLERANCE) else None


def is_blank(text: str) -> bool:
    """True when `text` would draw nothing: only spaces, zero-width, format or blank characters."""
    return all(ch in _BLANK_LETTERS or unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in text)


@dataclass(frozen=True)
class GenerationParams:
    """Everything a pipeline call needs for one job, except the init image's pixels."""

    prompt: str
    model: str
    negative_prompt: str = ""
    width: int = 512
    height: int = 512
    steps: int = 25
    guidance: float = 7.5
    sampler: Sampler = Sampler.DPMPP_2M
    seeds: tuple[int, ...] = field(default_factory=lambda: (new_seed(),))
    strength: float = 0.75

    @property
    def count(self) -> int:
        return len(self.seeds)

    @property
    def pixels(self) -> int:
        return self.width * self.height

    def with_new_seeds(self) -> GenerationParams:
        """The same parameters with fresh seeds (a rerun)."""
        return replace(self, seeds=tuple(new_seed() for _ in self.seeds))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["sampler"] = self.sampler.value
        data["seeds"] = list(self.seeds)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GenerationParams:
        return cls(**{**data, "sampler": Sampler(data["sampler"]), "seeds": tuple(data["seeds"])})


@dataclass(frozen=True)
class Limits:
    """Upper bounds a request must respect; the guild policy may lower them."""

    max_steps: int = 50
    max_pixels: int = 1024 * 1024
    max_count: int = MAX_COUNT


def _one_to(most: int) -> str:
    """ "between 1 and 4", or "1" where a server allows only one ("between 1 and 1" reads as a slip)."""
    return f"between 1 and {most}" if most > 1 else "1 on this server"


def check_params(params: GenerationParams, kind: JobKind, limits: Limits) -> None:
    """Raise InvalidParameters naming the first field to change; never correct silently."""
    # Zero-width and blank characters count as empty: such a prompt is a mistake (or a test of the
    # bot), and the model would spend a whole job drawing from no prompt at all.
    if is_blank(params.prompt):
        raise InvalidParameters("prompt", "the prompt is empty; describe the image you want")
    if len(params.prompt) > MAX_PROMPT_CHARS or len(params.negative_prompt) > MAX_PROMPT_CHARS:
        raise InvalidParameters("prompt", f"prompts are limited to {MAX_PROMPT_CHARS} characters")
    if kind is JobKind.UPSCALE:
        _check_upscale_size(params, limits)
    for name, side in (("width", params.width), ("height", params.height)):
        if side % GRID:
            raise InvalidParameters(name, f"{name} {side} must be a multiple of {GRID}")
        if not MIN_SIDE <= side <= MAX_SIDE:
            raise InvalidParameters(name, f"{name} {side} must be between {MIN_SIDE} and {MAX_SIDE}")
    if params.pixels > limits.max_pixels:
        raise InvalidParameters(
            "size",
            f"{params.width}x{params.height} is {params.pixels:,} pixels; the limit here is "
            f"{limits.max_pixels:,} (for example {_example_square(limits.max_pixels)})",
        )
    if not 1 <= params.steps <= min(limits.max_steps, MAX_STEPS):
        raise InvalidParameters("steps", f"steps must be {_one_to(min(limits.max_steps, MAX_STEPS))}")
    if not (math.isfinite(params.guidance) and MIN_GUIDANCE <= params.guidance <= MAX_GUIDANCE):
        raise InvalidParameters(
            "guidance", f"guidance (CFG) must be between {MIN_GUIDANCE:g} and {MAX_GUIDANCE:g}"
        )
    # Guidance at or below 1 turns classifier-free guidance off, and with it the only use the pipeline
    # makes of the negative prompt: "--cfg 1 --no text" would draw the text all the same.
    if params.guidance <= CFG_OFF_AT and not is_blank(params.negative_prompt):
        raise InvalidParameters(
            "negative",
            f"a negative prompt works only with guidance (CFG) above {CFG_OFF_AT:g}; at {params.guidance:g} "
            "the model does not use it, so raise guidance or drop the negative prompt",
        )
    if not 1 <= params.count <= min(limits.max_count, MAX_COUNT):
        raise InvalidParameters("count", f"count must be {_one_to(min(limits.max_count, MAX_COUNT))}")
    for seed in params.seeds:
        if not 0 <= seed <= MAX_SEED:
            raise InvalidParameters("seed", f"seeds must be between 0 and {MAX_SEED}")
    if kind.uses_init_image and not (
        math.isfinite(params.strength) and MIN_STRENGTH <= params.strength <= MAX_STRENGTH
    ):
        raise InvalidParameters("strength", f"strength must be between {MIN_STRENGTH} and {MAX_STRENGTH}")
    # At least one denoising step must remain after img2img skips the first (1 - strength) of them.
    if kind.uses_init_image and int(params.steps * params.strength) < 1:
        raise InvalidParameters("strength", "steps x strength must be at least 1; raise steps or strength")


def upscalable(width: int, height: int, max_pixels: int | None = None) -> bool:
    """Whether an image this size can be upscaled 2x: within MAX_SIDE, which binds every server, and
    within a server's `max_pixels` when given."""
    within_pixels = max_pixels is None or 4 * width * height <= max_pixels
    return 2 * max(width, height) <= MAX_SIDE and within_pixels


def _check_upscale_size(params: GenerationParams, limits: Limits) -> None:
    """An upscale's size comes from the image clicked, not from options: say so when it is too big.

    Otherwise the member who pressed U1 would be told to change a `width` option they never gave.
    """
    too_long = max(params.width, params.height) > MAX_SIDE
    if too_long or params.pixels > limits.max_pixels:
        limit = f"{MAX_SIDE} pixels a side" if too_long else f"{limits.max_pixels:,} pixels here"
        raise SourceUnavailable(
            f"upscaled 2x this image would be {params.width}x{params.height}, over the limit of {limit}; "
            "only smaller images can be upscaled"
        )


def _example_square(max_pixels: int) -> str:
    side = int(math.sqrt(max_pixels)) // GRID * GRID
    return f"{side}x{side}"
