"""Screening prompts in bulk, one JSON verdict a line: what `imagine-bot screen` runs.

Each input line is a prompt, or a JSON object {"prompt": ..., "negative_prompt": ..., "image": true}
("image": the prompt edits an attached picture, img2img). A prompt may carry the inline flags members
type (`--no text`); the caller says how to read them, as the bot does. A line that starts with `{` is
read as such an object only: one that is not (broken JSON, no "prompt") gets an error record, not a
verdict on its text, which would be "allowed" for a line nobody meant as a prompt.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from moderation.errors import InvalidPolicy
from moderation.policy import GuildPolicy, check_new_items
from moderation.screening import PromptScreener


def load_policy_file(path: str | Path) -> GuildPolicy:
    """Read a guild policy from a JSON file; unknown keys and bad values raise `InvalidPolicy`, and so
    do the terms and patterns `/policy terms add` refuses (a one-letter term, a pattern that matches
    every prompt): the file is tried before it is applied, and must not pass what the bot refuses."""
    try:
        # "utf-8-sig": editors on Windows start a UTF-8 file with a byte-order mark.
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InvalidPolicy("policy", f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InvalidPolicy("policy", f"{path} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InvalidPolicy("policy", f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidPolicy("policy", f"{path} must hold a JSON object of settings")
    policy = GuildPolicy.from_mapping(data)
    check_new_items(policy.banned_terms, "term")
    check_new_items(policy.banned_patterns, "pattern")
    return policy


# The keys a JSON line may hold, and the type each takes.
_LINE_KEYS: dict[str, type] = {"prompt": str, "negative_prompt": str, "image": bool}


class MalformedLine(ValueError):
    """A line that starts as a JSON object and is not one `screen` reads; the message says why."""


def _parse_line(line: str) -> tuple[str, str, bool]:
    """The prompt, the negative prompt, and whether the prompt edits an attached picture; a line
    starting with `{` that is not a JSON object of those keys raises `MalformedLine`."""
    if not line.lstrip().startswith("{"):
        return line, "", False
    try:
        # Valid JSON that starts with "{" is an object.
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedLine(
            f'not valid JSON ({exc}); a prompt that starts with {{ goes in an object: {{"prompt": "..."}}'
        ) from None
    if unknown := sorted(set(item) - set(_LINE_KEYS)):
        raise MalformedLine(f"unknown key {unknown[0]!r}; the keys are {', '.join(_LINE_KEYS)}")
    if "prompt" not in item:
        raise MalformedLine('no "prompt": give the prompt to screen')
    for key, wanted in _LINE_KEYS.items():
        if key in item and not isinstance(item[key], wanted):
            shown = "true or false" if wanted is bool else "a string"
            raise MalformedLine(f'"{key}" must be {shown}')
    return item["prompt"], item.get("negative_prompt", ""), item.get("image", False)


@dataclass(frozen=True)
class ScreenTally:
    """What `run_screen` found: how many prompts were blocked, and how many lines were not prompts."""

    blocked: int = 0
    malformed: int = 0


# A typed prompt read into the prompt and the negative prompt its inline flags give (None: no `--no`).
FlagReader = Callable[[str], tuple[str, str | None]]


def run_screen(
    lines: Iterable[str],
    out: TextIO,
    *,
    policy: GuildPolicy | None,
    screener: PromptScreener,
    read_flags: FlagReader | None = None,
) -> ScreenTally:
    """Screen each non-blank line and write its verdict as a JSON line, or for a malformed one a JSON
    line saying why it was not screened ({"line": 3, "input": ..., "error": ...}), in input order.

    With `read_flags`, a prompt's inline flags are read as the bot reads them: the bot screens the text
    after `--no` as the negative prompt, where "adult" or "clothes" mean what they do not mean in the
    prompt. A negative prompt given in the JSON wins over `--no`, as the slash-command option does.
    """
    blocked = malformed = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            prompt, negative, edits_upload = _parse_line(line)
        except MalformedLine as exc:
            malformed += 1
            problem = {"line": number, "input": line, "error": str(exc)}
            out.write(json.dumps(problem, ensure_ascii=False) + "\n")
            continue
        text = prompt
        if read_flags is not None:
            text, flagged = read_flags(prompt)
            negative = negative or flagged or ""
        verdict = screener.screen(text, negative, policy, edits_upload=edits_upload)
        blocked += not verdict.allowed
        record = {
            "prompt": prompt,
            "allowed": verdict.allowed,
            "rule_id": verdict.rule_id,
            "category": verdict.category,
            "reason": verdict.reason,
        }
        if negative:
            record["negative_prompt"] = negative
        if edits_upload:
            record["image"] = True
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return ScreenTally(blocked=blocked, malformed=malformed)
