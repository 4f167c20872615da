"""Screening prompts in bulk, one JSON verdict a line: what `imagine-bot screen` runs.

Each input line is a prompt, or a JSON object {"prompt": ..., "negative_prompt": ..., "image": true}
("image": the prompt edits an attached picture, img2img). A prompt may carry the inline flags members
type (`--no text`); the caller says how to read them, as the bot does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from moderation.errors import InvalidPolicy
from moderation.policy import GuildPolicy
from moderation.screening import PromptScreener


def load_policy_file(path: str | Path) -> GuildPolicy:
    """Read a guild policy from a JSON file; unknown keys and bad values raise `InvalidPolicy`."""
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
    return GuildPolicy.from_mapping(data)


def _parse_line(line: str) -> tuple[str, str, bool]:
    """The prompt, the negative prompt, and whether the prompt edits an attached picture."""
    if line.lstrip().startswith("{"):
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            return line, "", False
        if isinstance(item, dict) and isinstance(item.get("prompt"), str):
            negative = item.get("negative_prompt", "")
            return item["prompt"], negative if isinstance(negative, str) else "", item.get("image") is True
    return line, "", False


# A typed prompt read into the prompt and the negative prompt its inline flags give (None: no `--no`).
FlagReader = Callable[[str], tuple[str, str | None]]


def run_screen(
    lines: Iterable[str],
    out: TextIO,
    *,
    policy: GuildPolicy | None,
    screener: PromptScreener,
    read_flags: FlagReader | None = None,
) -> int:
    """Screen each non-blank line and write its verdict as a JSON line; return how many were blocked.

    With `read_flags`, a prompt's inline flags are read as the bot reads them: the bot screens the text
    after `--no` as the negative prompt, where "adult" or "clothes" mean what they do not mean in the
    prompt. A negative prompt given in the JSON wins over `--no`, as the slash-command option does.
    """
    blocked = 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        prompt, negative, edits_upload = _parse_line(line)
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
    return blocked
