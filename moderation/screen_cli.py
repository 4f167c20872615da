"""Screen prompts from a file or stdin and print one JSON verdict per line.

    python -m moderation.screen_cli [--policy policy.json] [--semantic] [prompts.txt]

Each input line is a prompt, or a JSON object {"prompt": ..., "negative_prompt": ...}.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError
from pydantic_settings import SettingsError

from moderation.errors import InvalidPolicy, ModerationError
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


def _parse_line(line: str) -> tuple[str, str]:
    if line.lstrip().startswith("{"):
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            return line, ""
        if isinstance(item, dict) and isinstance(item.get("prompt"), str):
            negative = item.get("negative_prompt", "")
            return item["prompt"], negative if isinstance(negative, str) else ""
    return line, ""


def run_screen(
    lines: Iterable[str], out: TextIO, *, policy: GuildPolicy | None, screener: PromptScreener
) -> int:
    """Screen each non-blank line and write its verdict as a JSON line; return how many were blocked."""
    blocked = 0
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        prompt, negative = _parse_line(line)
        verdict = screener.screen(prompt, negative, policy)
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
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return blocked


def _settings_problems(exc: ValidationError | SettingsError) -> list[str]:
    """A MODERATION_* setting that is wrong, one line each, named as the operator sets it."""
    if isinstance(exc, SettingsError):
        # Raised before validation when a JSON setting does not parse; the cause says where.
        return [f"MODERATION_* settings: {exc} ({exc.__cause__})"]
    lines = []
    for error in exc.errors(include_url=False):
        name = f"MODERATION_{str(error['loc'][0]).upper()}" if error["loc"] else "MODERATION_* settings"
        lines.append(f"{name}: {error['msg'].removeprefix('Value error, ')}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; exits 0 when screening ran, 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="python -m moderation.screen_cli", description=__doc__.splitlines()[0]
    )
    parser.add_argument("file", nargs="?", help="prompts, one a line (default: stdin)")
    parser.add_argument("--policy", help="a guild policy as a JSON file")
    parser.add_argument("--semantic", action="store_true", help="also run the semantic screener")
    args = parser.parse_args(argv)
    try:
        policy = load_policy_file(args.policy) if args.policy else None
        semantic = None
        if args.semantic:
            from moderation.semantic import SemanticScreener
            from moderation.settings import ModerationSettings

            semantic = SemanticScreener.load(ModerationSettings())
    except ModerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValidationError, SettingsError) as exc:
        for line in _settings_problems(exc):
            print(f"error: {line}", file=sys.stderr)
        return 2
    screener = PromptScreener(semantic=semantic)
    if args.file:
        try:
            handle = open(args.file, encoding="utf-8")  # noqa: SIM115 (closed below)
        except OSError as exc:
            print(f"error: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        with handle:
            run_screen(handle, sys.stdout, policy=policy, screener=screener)
    else:
        run_screen(sys.stdin, sys.stdout, policy=policy, screener=screener)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
