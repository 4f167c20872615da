"""Inline flags typed into a prompt: `a castle --ar 16:9 --seed 7 --no "text, watermark" --steps 30`.

Rules (what `/imagine`'s help says too):
- Flags come after the prompt text. A flag is `--name` at the start of a word; phones and word
  processors turn `--` into a dash (`—name`, `–name`), and those are flags too, as is a flag typed
  in full-width forms (`－－ａｒ　１６：９`). Text after a one-word flag's value is refused rather than
  guessed at.
- A flag inside a passage the prompt quotes is part of the prompt: `a sign saying "--no entry"`,
  `a poster reading "make love --no war"`. A quotation opens at the start of a word (the inch mark
  of `12"` opens nothing), and a straight quote closes at the end of one.
- `--no` takes everything up to the next flag; every other flag takes one word. Any value may be
  quoted with "double" or 'single' quotes, and a quoted value may contain anything, flags included.
- Unknown flags, repeated flags, missing and out-of-range values are errors naming the flag.
- When a flag and the matching slash-command option are both given, the option wins and the reply
  says so (see `bot.options`).
- A prompt copied from another front end with its "Negative prompt: ..." (as AUTOMATIC1111 and
  civitai write it) has that part taken as `--no`; its "Steps: 20, Sampler: ..." line stays text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.errors import FlagError
from generation.errors import InvalidParameters
from generation.params import (
    CFG_OFF_AT,
    MAX_COUNT,
    MAX_GUIDANCE,
    MAX_SEED,
    MAX_STEPS,
    MAX_STRENGTH,
    MIN_GUIDANCE,
    MIN_STRENGTH,
    parse_aspect_ratio,
)
from moderation.policy import DEFAULT_MAX_STEPS

# Dashes that keyboards and autocorrect put where "--" was typed: hyphen, non-breaking hyphen, figure
# dash, en dash, em dash, horizontal bar, minus sign, and the full-width and small hyphen-minus and
# small em dash that Chinese, Japanese and Korean input methods type in full-width mode. "—ar" (iOS)
# and "–ar" (macOS, Android) are flags; so are two or three dashes of any kind ("---ar", "—-ar").
# One ASCII "-" is not: "-5" and "-ish" are prompt text.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\ufe63\ufe58"
_UNICODE_DASH = f"[{_DASHES[1:]}]"
_ANY_DASH = f"[{_DASHES}]"
# Those input methods also type the flag's name and value in full-width letters and digits
# ("－－ａｒ　１６：９"); both are read as their ASCII forms, so the flag is not drawn into the image.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_LETTER = "A-Za-z\uff21-\uff3a\uff41-\uff5a"
_NAME_CHAR = f"{_LETTER}0-9_\uff10-\uff19\uff3f"
# One flag name at the start of a word, e.g. "--ar" or "—seed"; "--" alone or "--5" is prompt text.
_FLAG = re.compile(
    rf"(?:(?<=\s)|^)(?:{_ANY_DASH}{{2,3}}|{_UNICODE_DASH})(?P<name>[{_LETTER}][{_NAME_CHAR}]*)"
)
# A passage the prompt quotes (see the rules above); the flags inside one are the prompt's text.
_PROMPT_QUOTED = re.compile(r"""(?<![^\s(\[])(?:"[^"]*"|'[^']*')(?!\w)|“[^”]*”|‘[^’]*’""")
_WORD = re.compile(r"\S+")
# A pasted "Negative prompt: ..." part, up to the settings line that follows it in a copied prompt.
_PASTED_NEGATIVE = re.compile(r"(?:^|(?<=[\s.,;]))negative prompt\s*:\s*", re.IGNORECASE)
_PASTED_SETTINGS = re.compile(r"(?:^|(?<=[\s,.]))steps\s*:\s*\d", re.IGNORECASE)
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# A whole number this long is out of every range; it is refused without converting it.
_MAX_DIGITS = 20
# How much of what the member typed an error message repeats: enough to find it, and short enough
# that the answer stays within Discord's 2,000 characters whatever was pasted.
_SHOWN_CHARS = 60
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "”": "”", "’": "’"}


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
    "steps": f"denoising steps, 1 to this server's max_steps ({DEFAULT_MAX_STEPS} unless its moderators change it)",
    "cfg": f"guidance scale, {MIN_GUIDANCE:g} to {MAX_GUIDANCE:g} ({CFG_OFF_AT:g} or less: off, and --no is refused)",
    "n": f"number of images, 1 to {MAX_COUNT}",
    "strength": f"how far to move from the attached image, {MIN_STRENGTH:g} to {MAX_STRENGTH:g}",
}


def flags_help(*, max_steps: int | None = None, max_count: int | None = None) -> str:
    """One line per flag, for help texts and error messages; with a server's limits, those."""
    known = dict(KNOWN_FLAGS)
    if max_steps is not None:
        known["steps"] = f"denoising steps, 1 to {max_steps}"
    if max_count is not None:
        known["n"] = f"number of images, 1 to {max_count}"
    return "\n".join(f"`--{name}`: {text}" for name, text in known.items())


def parse_flags(text: str) -> InlineFlags:
    """Split `text` into the prompt and its inline flags; raise FlagError naming the flag at fault."""
    match = _first_flag(text)
    prompt, pasted_negative = _pasted_negative(text[: match.start()] if match else text)
    if match is None:
        return InlineFlags(prompt=prompt, negative=pasted_negative)
    values: dict[str, str] = {}
    while match is not None:
        name = match.group("name").translate(_FULL_WIDTH).lower()
        flag = f"--{_shown(name)}"
        if name not in KNOWN_FLAGS:
            known = ", ".join(f"--{known}" for known in KNOWN_FLAGS)
            raise FlagError(flag, f"unknown flag; the flags are {known}")
        if name in values:
            raise FlagError(flag, "given twice; keep one")
        if name == "no" and pasted_negative is not None:
            raise FlagError(flag, "given twice, as --no and as the prompt's “Negative prompt:”; keep one")
        values[name], end = _flag_value(flag, text, match.end(), whole=name == "no")
        if name != "no":  # numbers and ratios, which full-width input types in full-width forms
            values[name] = values[name].translate(_FULL_WIDTH)
        # The next flag is searched after the value, so that a quoted value may contain "--".
        match = _FLAG.search(text, end)
        rest = text[end : match.start() if match else len(text)].strip()
        if rest:
            raise FlagError(
                flag, f"unexpected text after its value: {_quoted(rest)}; put the prompt before the flags"
            )
    return InlineFlags(
        prompt=prompt,
        aspect=_aspect(values["ar"]) if "ar" in values else None,
        seed=_int("--seed", values["seed"], 0, MAX_SEED) if "seed" in values else None,
        negative=values.get("no", pasted_negative),
        steps=_int("--steps", values["steps"], 1, MAX_STEPS) if "steps" in values else None,
        guidance=_float("--cfg", values["cfg"], MIN_GUIDANCE, MAX_GUIDANCE) if "cfg" in values else None,
        count=_int("--n", values["n"], 1, MAX_COUNT) if "n" in values else None,
        strength=(
            _float("--strength", values["strength"], MIN_STRENGTH, MAX_STRENGTH)
            if "strength" in values
            else None
        ),
    )


def _pasted_negative(text: str) -> tuple[str, str | None]:
    """The prompt, and the negative prompt of a "Negative prompt:" part pasted into it (None if none)."""
    found = _unquoted(_PASTED_NEGATIVE, text)
    if found is None:
        return text.strip(), None
    settings = _PASTED_SETTINGS.search(text, found.end())
    end = settings.start() if settings else len(text)
    negative = text[found.end() : end].strip().rstrip(",.;").strip()
    prompt = " ".join(part.strip() for part in (text[: found.start()], text[end:]) if part.strip())
    return prompt, negative or None


def _first_flag(text: str) -> re.Match[str] | None:
    """The first flag of `text` outside the passages its prompt quotes.

    Taken as a flag, the "--no" of `a poster reading "make love --no war"` would have cut the prompt
    at the quotation and made `war"` the negative prompt, without a word.
    """
    return _unquoted(_FLAG, text)


def _unquoted(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of `pattern` in `text` that starts outside the passages its prompt quotes."""
    quoted = [passage.span() for passage in _PROMPT_QUOTED.finditer(text)]
    for match in pattern.finditer(text):
        if not any(start < match.start() < end for start, end in quoted):
            return match
    return None


def _flag_value(flag: str, text: str, start: int, *, whole: bool) -> tuple[str, int]:
    """The value of the flag ending at `start`, and where the value ends in `text`.

    Quoted: up to the closing quote. `whole` (`--no`): everything up to the next flag. Else one word.
    """
    while start < len(text) and text[start].isspace():
        start += 1
    if start == len(text) or _FLAG.match(text, start):
        raise FlagError(flag, "needs a value")
    opening = text[start]
    if opening in _QUOTES:
        end = text.find(_QUOTES[opening], start + 1)
        if end < 0:
            raise FlagError(flag, f"the value starting with {opening} has no closing quote")
        value, end = text[start + 1 : end].strip(), end + 1
    elif whole:
        following = _FLAG.search(text, start)
        end = following.start() if following else len(text)
        value = text[start:end].strip()
    else:
        word = _WORD.match(text, start)
        assert word is not None  # text[start] is not whitespace
        value, end = word.group(), word.end()
    if not value:
        raise FlagError(flag, "needs a value")
    return value, end


def _aspect(value: str) -> tuple[int, int]:
    try:
        return parse_aspect_ratio(value)
    except InvalidParameters as exc:
        raise FlagError("--ar", exc.reason) from None


def _int(flag: str, value: str, low: int, high: int) -> int:
    if not _INT.fullmatch(value):
        raise FlagError(flag, f"{_quoted(value)} is not a whole number between {low} and {high}")
    # Leading zeros do not count ("000000000000000000007" is 7, in range), nor are they converted:
    # int() refuses strings of more than 4,300 digits, zeros included.
    sign, digits = value[0] if value[0] in "+-" else "", value.lstrip("+-").lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS or not low <= (number := int(sign + digits)) <= high:
        raise FlagError(
            flag, f"{_shown(value)} is out of range; use {low} to {high}", out_of_range=_shown(value)
        )
    return number


def _float(flag: str, value: str, low: float, high: float) -> float:
    if not _FLOAT.fullmatch(value):
        raise FlagError(flag, f"{_quoted(value)} is not a number between {low:g} and {high:g}")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise FlagError(
            flag, f"{_shown(value)} is out of range; use {low:g} to {high:g}", out_of_range=_shown(value)
        )
    return number + 0.0  # "-0" is 0, not a CFG of "-0" in the result


def _shown(text: str) -> str:
    """`text` cut to what an error message repeats."""
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _quoted(text: str) -> str:
    return repr(_shown(text))
