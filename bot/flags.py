"""Inline flags typed into a prompt: `a castle --ar 16:9 --seed 7 --no "text, watermark" --steps 30`.

Rules (what `/imagine`'s help says too):
- Flags come after the prompt text. A flag is `--name` (or `—name`: phones turn `--` into an em dash)
  at the start of a word. Text after a one-word flag's value is refused rather than guessed at.
- `--no` takes everything up to the next flag; every other flag takes one word. Any value may be
  quoted with "double" or 'single' quotes.
- Unknown flags, repeated flags, missing and out-of-range values are errors naming the flag.
- When a flag and the matching slash-command option are both given, the option wins and the reply
  says so (see `bot.options`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.errors import FlagError
from generation.errors import InvalidParameters
from generation.params import MAX_COUNT, MAX_SEED, MAX_STEPS, parse_aspect_ratio

# One flag name at the start of a word, e.g. "--ar" or "—seed"; "--" alone or "--5" is prompt text.
_FLAG = re.compile(r"(?:(?<=\s)|^)(?:--|—)(?P<name>[A-Za-z][A-Za-z0-9_]*)")
_INT = re.compile(r"\d{1,12}")
_FLOAT = re.compile(r"(?:\d{1,6}(?:\.\d*)?|\.\d+)")


@dataclass(frozen=True)
class InlineFlags:
    """The prompt without its flags, and the value of each flag that was given."""

    prompt: str
    aspect: tuple[int, int] | None = None
    seed: int | None = None
    negative: str | None = None
    steps: int | None = None
    guidance: float | None = None
    count: int | None = None
    strength: float | None = None


KNOWN_FLAGS = {
    "ar": "aspect ratio, e.g. --ar 16:9",
    "seed": f"seed of the first image, 0 to {MAX_SEED}",
    "no": "what to leave out (negative prompt), e.g. --no text, watermark",
    "steps": f"denoising steps, 1 to {MAX_STEPS}",
    "cfg": "guidance scale, 0 to 30",
    "n": f"number of images, 1 to {MAX_COUNT}",
    "strength": "how far to move from the attached image, 0.05 to 1",
}


def flags_help() -> str:
    """One line per flag, for help texts and error messages."""
    return "\n".join(f"`--{name}`: {text}" for name, text in KNOWN_FLAGS.items())


def parse_flags(text: str) -> InlineFlags:
    """Split `text` into the prompt and its inline flags; raise FlagError naming the flag at fault."""
    matches = list(_FLAG.finditer(text))
    if not matches:
        return InlineFlags(prompt=text.strip())
    prompt = text[: matches[0].start()].strip()
    values: dict[str, str] = {}
    for number, match in enumerate(matches):
        name = match.group("name").lower()
        flag = f"--{name}"
        if name not in KNOWN_FLAGS:
            known = ", ".join(f"--{known}" for known in KNOWN_FLAGS)
            raise FlagError(flag, f"unknown flag; the flags are {known}")
        if name in values:
            raise FlagError(flag, "given twice; keep one")
        end = matches[number + 1].start() if number + 1 < len(matches) else len(text)
        values[name] = _flag_value(flag, text[match.end() : end], whole=name == "no")
    return InlineFlags(
        prompt=prompt,
        aspect=_aspect(values["ar"]) if "ar" in values else None,
        seed=_int("--seed", values["seed"], 0, MAX_SEED) if "seed" in values else None,
        negative=values.get("no"),
        steps=_int("--steps", values["steps"], 1, MAX_STEPS) if "steps" in values else None,
        guidance=_float("--cfg", values["cfg"], 0.0, 30.0) if "cfg" in values else None,
        count=_int("--n", values["n"], 1, MAX_COUNT) if "n" in values else None,
        strength=_float("--strength", values["strength"], 0.05, 1.0) if "strength" in values else None,
    )


def _flag_value(flag: str, raw: str, *, whole: bool) -> str:
    """The value following a flag: quoted, the rest of the segment (`whole`), or one word."""
    raw = raw.strip()
    if not raw:
        raise FlagError(flag, "needs a value")
    if raw[0] in "\"'“”‘’":
        closing = {"“": "”", "‘": "’"}.get(raw[0], raw[0])
        end = raw.find(closing, 1)
        if end < 0 and raw[0] in "”’":
            end = raw.find(raw[0], 1)
        if end < 0:
            raise FlagError(flag, f"the value starting with {raw[0]} has no closing quote")
        value, rest = raw[1:end].strip(), raw[end + 1 :].strip()
        if not value:
            raise FlagError(flag, "needs a value")
    elif whole:
        value, rest = raw, ""
    else:
        value, _, rest = raw.partition(" ")
        rest = rest.strip()
    if rest:
        raise FlagError(flag, f"unexpected text after its value: {rest!r}; put the prompt before the flags")
    return value


def _aspect(value: str) -> tuple[int, int]:
    try:
        return parse_aspect_ratio(value)
    except InvalidParameters as exc:
        raise FlagError("--ar", exc.reason) from None


def _int(flag: str, value: str, low: int, high: int) -> int:
    if not _INT.fullmatch(value):
        raise FlagError(flag, f"{value!r} is not a whole number between {low} and {high}")
    number = int(value)
    if not low <= number <= high:
        raise FlagError(flag, f"{number} is out of range; use {low} to {high}")
    return number


def _float(flag: str, value: str, low: float, high: float) -> float:
    if not _FLOAT.fullmatch(value):
        raise FlagError(flag, f"{value!r} is not a number between {low:g} and {high:g}")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise FlagError(flag, f"{value} is out of range; use {low:g} to {high:g}")
    return number
