"""The screening CLI: one JSON verdict per input line, and policy files with unknown keys refused."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from moderation.errors import InvalidPolicy
from moderation.policy import GuildPolicy, NsfwMode
from moderation.screen_cli import ScreenTally, load_policy_file, run_screen
from moderation.screening import PromptScreener


def test_run_screen_writes_one_verdict_per_line() -> None:
    lines = [
        "a castle on a hill\n",
        "\n",
        "nude child\n",
        '{"prompt": "portrait of a woman", "negative_prompt": "clothes"}\n',
        "call 312-846-2291",
    ]
    out = io.StringIO()
    tally = run_screen(lines, out, policy=None, screener=PromptScreener())
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert tally == ScreenTally(blocked=3, malformed=0)
    assert [r["prompt"] for r in records] == [
        "a castle on a hill",
        "nude child",
        "portrait of a woman",
        "call 312-846-2291",
    ]
    assert records[0] == {
        "prompt": "a castle on a hill",
        "allowed": True,
        "rule_id": None,
        "category": None,
        "reason": None,
    }
    assert records[1]["rule_id"] == "floor.minor_sexual"
    assert records[1]["allowed"] is False
    assert records[2]["rule_id"] == "policy.nsfw"
    assert records[2]["negative_prompt"] == "clothes"
    assert records[3]["category"] == "privacy"


def test_policy_file_applies(tmp_path: Path) -> None:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"nsfw_mode": "age_restricted", "banned_terms": ["clown"]}))
    policy = load_policy_file(path)
    assert policy.nsfw_mode is NsfwMode.AGE_RESTRICTED
    out = io.StringIO()
    run_screen(["a nude sculpture", "a clown"], out, policy=policy, screener=PromptScreener())
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[0]["allowed"] is True
    assert records[1]["rule_id"] == "policy.banned_term"


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ('{"nsfw_mode": "off", "colour": "red"}', "colour"),
        ('{"max_steps": 1000}', "max_steps"),
        ('{"banned_patterns": ["(a"]}', "banned_patterns"),
        ("[1, 2]", "policy"),
        ("{not json", "policy"),
        # Refused as /policy terms add refuses them: they would block a great many prompts, or all.
        ('{"banned_terms": ["clown", "a"]}', "banned_terms"),
        ('{"banned_terms": ["c++"]}', "banned_terms"),
        ('{"banned_patterns": [".*"]}', "banned_patterns"),
        ('{"banned_patterns": ["clown|"]}', "banned_patterns"),
    ],
)
def test_bad_policy_files_are_refused(tmp_path: Path, content: str, key: str) -> None:
    path = tmp_path / "policy.json"
    path.write_text(content)
    with pytest.raises(InvalidPolicy) as caught:
        load_policy_file(path)
    assert caught.value.key == key


def test_a_missing_policy_file_is_a_bad_policy_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(InvalidPolicy) as caught:
        load_policy_file(tmp_path / "missing.json")
    assert caught.value.key == "policy"
    assert "missing.json" in str(caught.value)


def test_a_policy_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Notepad and other Windows editors start UTF-8 files with a byte-order mark.
    path = tmp_path / "policy.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"banned_terms": ["clown"]}).encode())
    assert load_policy_file(path).banned_terms == ["clown"]


def test_a_prompt_that_edits_an_attached_picture_is_screened_as_one() -> None:
    lines = [
        '{"prompt": "make her naked", "image": true}',
        '{"prompt": "make it a watercolor", "image": true}',
    ]
    policy = GuildPolicy(nsfw_mode=NsfwMode.AGE_RESTRICTED)
    out = io.StringIO()
    assert run_screen(lines, out, policy=policy, screener=PromptScreener()).blocked == 1
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[0]["rule_id"] == "floor.upload_sexual" and records[0]["image"] is True
    assert records[1]["allowed"] is True
    # Without the key, the same words are this server's to allow.
    out = io.StringIO()
    assert run_screen(["make her naked"], out, policy=policy, screener=PromptScreener()).blocked == 0


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ('{"prompt": "broken json"', "not valid JSON (Expecting ',' delimiter"),
        ("{nude child}", 'a prompt that starts with { goes in an object: {"prompt": "..."}'),
        ('{"negative_prompt": "text"}', 'no "prompt"'),
        ('{"promt": "a castle"}', "unknown key 'promt'; the keys are prompt, negative_prompt, image"),
        ('{"prompt": 5}', '"prompt" must be a string'),
        ('{"prompt": "a castle", "negative_prompt": ["text"]}', '"negative_prompt" must be a string'),
        ('{"prompt": "make her naked", "image": "yes"}', '"image" must be true or false'),
    ],
)
def test_a_line_that_starts_as_json_and_is_not_a_prompt_is_an_error_not_a_verdict(
    line: str, error: str
) -> None:
    """Such a line was screened as text, and allowed: the prompt meant was never screened."""
    out = io.StringIO()
    tally = run_screen(["a castle", line, "nude child"], out, policy=None, screener=PromptScreener())
    assert tally == ScreenTally(blocked=1, malformed=1)
    first, problem, last = (json.loads(record) for record in out.getvalue().splitlines())
    assert first["allowed"] is True and last["allowed"] is False  # in input order
    assert problem == {"line": 2, "input": line, "error": problem["error"]}
    assert error in problem["error"]
