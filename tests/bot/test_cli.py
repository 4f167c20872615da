"""`imagine-bot` commands as an operator runs them, on the tiny model, fully offline."""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import logging
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import discord
import numpy as np
import pytest
from discord.http import Route
from PIL import Image
from sqlalchemy.engine import make_url

from bot.cli import main
from tests.bot.helpers import WELL_FORMED_TOKEN
from tests.conftest import (
    CACHED_HUB_ID,
    POSTGRES_ADMIN_DSN,
    UNREACHABLE_HUB,
    LoopbackHub,
    admin_sql,
    point_the_hub_at,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def operator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loopback_hub: LoopbackHub) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'data' / 'imagine.db'}")
    monkeypatch.setenv("GENERATION_IMAGE_DIR", str(tmp_path / "data" / "images"))
    monkeypatch.setenv("GENERATION_DEVICE", "cpu")
    return tmp_path


def generate(model: Path, out: Path, *extra: str, sized: bool = True) -> list[Path]:
    """The images in `out` after a run (`sized=False` for img2img, whose image sets the size)."""
    size = ["--width", "64", "--height", "64"] if sized else []
    with pytest.raises(SystemExit) as done:
        main(
            [
                "generate",
                "--model",
                str(model),
                "--accept-license",
                *size,
                "--steps",
                "3",
                "--out",
                str(out),
                *extra,
            ]
        )
    assert done.value.code == 0
    return sorted(out.glob("*.png"))


def test_generate_wraps_a_series_of_seeds_past_the_largest_as_imagine_does(
    demo_model: Path, operator_env: Path
) -> None:
    from generation.params import MAX_SEED

    images = generate(demo_model, operator_env / "a", "a red fox", "--n", "2", "--seed", str(MAX_SEED))
    seeds = []
    for path in images:
        with Image.open(path) as png:
            seeds.append(json.loads(png.text["imagine-bot"])["seed"])
    assert sorted(seeds) == [0, MAX_SEED]


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def test_generate_is_reproducible_and_img2img_works(demo_model: Path, operator_env: Path) -> None:
    # The real classifiers run here: the demo model's CLIP checker (random weights) and NudeNet.
    first = generate(demo_model, operator_env / "a", "a red fox", "--n", "2", "--seed", "5")
    second = generate(demo_model, operator_env / "b", "a red fox", "--n", "2", "--seed", "5")
    assert len(first) == len(second) == 2
    for one, two in zip(first, second, strict=True):
        assert np.array_equal(pixels(one), pixels(two))
    assert not np.array_equal(pixels(first[0]), pixels(first[1]))
    with Image.open(first[0]) as png:
        assert json.loads(png.text["imagine-bot"])["seed"] == 5
    varied = generate(
        demo_model,
        operator_env / "c",
        "a red fox",
        "--image",
        str(first[0]),
        "--strength",
        "0.6",
        sized=False,
    )
    assert len(varied) == 1
    with Image.open(varied[0]) as png:
        assert json.loads(png.text["imagine-bot"])["kind"] == "img2img"


def test_generate_never_writes_over_an_image_already_in_out(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new database numbers its jobs from 1 again: with the same seed, a second run's image had the
    first one's name, and was copied over it."""
    out = operator_env / "out"
    [first] = generate(demo_model, out, "a red fox", "--seed", "5")
    assert capsys.readouterr().out.splitlines() == [str(first)]
    first.write_bytes(b"the first run's image")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{operator_env / 'other' / 'imagine.db'}")
    monkeypatch.setenv("GENERATION_IMAGE_DIR", str(operator_env / "other" / "images"))
    [second] = [path for path in generate(demo_model, out, "a red fox", "--seed", "5") if path != first]
    assert first.read_bytes() == b"the first run's image"
    assert second.name == first.name.replace(".png", "-2.png")
    assert capsys.readouterr().out.splitlines() == [str(second)]  # the path written, not the one taken
    with Image.open(second) as png:
        assert json.loads(png.text["imagine-bot"])["seed"] == 5


def test_a_new_database_on_another_databases_image_folder_is_refused_before_it_writes(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Moving to a new database (PostgreSQL, say) with the same image folder: its job 1 would have
    been written over the old job 1's images, and the old jobs' folders removed as left behind."""
    generate(demo_model, operator_env / "out", "a red fox", "--seed", "5")
    stored = sorted((operator_env / "data" / "images").rglob("*.png"))
    before = [path.read_bytes() for path in stored]
    capsys.readouterr()
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{operator_env / 'new.db'}")
    assert cli("generate", "--model", str(demo_model), "--accept-license", "a blue owl", "--seed", "5") == 2
    told_plainly(capsys, "GENERATION_IMAGE_DIR:", "holds the images of another database", "copy-database")
    assert [path.read_bytes() for path in stored] == before


def test_a_generate_refused_at_start_records_no_acceptance_so_the_copy_can_follow(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The acceptance was written before the image folder was found to be another database's: the
    new database then held "1 license_acceptance", and copy-database refused it as holding data."""
    old_url = os.environ["DATABASE_URL"]
    generate(demo_model, operator_env / "out", "a red fox", "--seed", "5")
    new_db = operator_env / "new.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{new_db}")
    capsys.readouterr()
    assert cli("generate", "--model", str(demo_model), "--accept-license", "a blue owl") == 2
    told_plainly(capsys, "GENERATION_IMAGE_DIR:", "holds the images of another database")
    with sqlite3.connect(new_db) as database:
        assert database.execute("select count(*) from license_acceptance").fetchone() == (0,)
    main(["copy-database", old_url])
    assert "1 license_acceptance" in capsys.readouterr().out
    # The folder goes on with the copy: the next job is number 2, its images beside job 1's.
    [after] = generate(demo_model, operator_env / "after", "a blue owl", "--seed", "6")
    assert after.name.startswith("job2-")


@pytest.mark.parametrize("out", ["/proc/imagine-bot-out", "full-disk"])
def test_images_that_cannot_be_copied_into_out_are_told_in_one_line(
    demo_model: Path,
    operator_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    out: str,
) -> None:
    """A FileNotFoundError's traceback came after the job had run."""
    if out == "full-disk":

        def disk_full(original: Any, copy: Any) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(shutil, "copyfileobj", disk_full)
    status = cli(
        "generate", "--model", str(demo_model), "--accept-license", "a fox", "--width", "64", "--height", "64",
        "--steps", "2", "--out", out,
    )  # fmt: skip
    assert status == 2
    told = last_line_told(capsys)
    assert told.startswith(f"error: --out {out}: cannot write the images there: ")
    if out == "full-disk":
        assert "No space left on device" in told
        # Where the job's images are, since they were made.
        kept = told.split("images are kept in ", 1)[1].rstrip(")")
        assert list(Path(kept).glob("*.png"))
        assert list((operator_env / out).iterdir()) == []


def test_a_failed_job_is_told_to_the_operator_not_to_a_member(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generation.backends.inprocess import InProcessBackend
    from generation.errors import ModelUnavailable

    async def cannot_load(self: InProcessBackend, *_args: Any, **_kwargs: Any) -> None:
        raise ModelUnavailable("the weights are damaged", model="demo")

    monkeypatch.setattr(InProcessBackend, "run", cannot_load)
    status = cli(
        "generate", "--model", str(demo_model), "--accept-license", "a fox", "--width", "64", "--height", "64"
    )
    assert status == 5
    told = last_line_told(capsys)
    assert told == "job 1 failed: the model 'demo' could not be loaded; the log above says why"


def test_an_image_copied_out_takes_a_name_no_file_or_link_has(tmp_path: Path) -> None:
    from bot.cli import _copy_to_new_file

    source = tmp_path / "0.png"
    source.write_bytes(b"the new image")
    out = tmp_path / "out"
    out.mkdir()
    (out / "job1-0-seed5.png").write_bytes(b"an earlier image")
    # A link to nothing: looked at, it seems free; written through, it makes a file elsewhere.
    (out / "job1-0-seed5-2.png").symlink_to(tmp_path / "elsewhere.png")
    assert _copy_to_new_file(source, out, "job1-0-seed5") == out / "job1-0-seed5-3.png"
    assert (out / "job1-0-seed5.png").read_bytes() == b"an earlier image"
    assert not (tmp_path / "elsewhere.png").exists()
    assert (out / "job1-0-seed5-3.png").read_bytes() == b"the new image"


def test_runs_copying_into_one_folder_at_once_each_keep_their_image(tmp_path: Path) -> None:
    from bot.cli import _copy_to_new_file

    out = tmp_path / "out"
    out.mkdir()
    runs = 8
    sources = []
    for run in range(runs):
        sources.append(tmp_path / f"{run}.png")
        sources[-1].write_bytes(f"image of run {run}".encode() * 10_000)
    together = threading.Barrier(runs)
    written: dict[int, Path] = {}

    def copy(run: int) -> None:
        together.wait()
        written[run] = _copy_to_new_file(sources[run], out, "job1-0-seed5")

    threads = [threading.Thread(target=copy, args=(run,)) for run in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(written.values())) == runs
    for run, path in written.items():
        assert path.read_bytes() == sources[run].read_bytes()


def test_an_image_that_cannot_be_copied_out_leaves_no_half_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import _copy_to_new_file

    source = tmp_path / "0.png"
    source.write_bytes(b"the new image")
    out = tmp_path / "out"
    out.mkdir()

    def disk_full(original: Any, copy: Any) -> None:
        copy.write(original.read(4))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", disk_full)
    with pytest.raises(OSError, match="No space left"):
        _copy_to_new_file(source, out, "job1-0-seed5")
    assert list(out.iterdir()) == []


def test_generate_without_accepting_the_license_shows_the_terms(
    demo_model: Path, operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["generate", "--model", str(demo_model), "a red fox", "--width", "64", "--height", "64"])
    assert done.value.code == 3
    assert "--accept-license" in capsys.readouterr().err


def test_bad_parameters_are_refused_with_the_field(
    demo_model: Path, operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["generate", "--model", str(demo_model), "a red fox", "--n", "9"])
    assert done.value.code == 2
    assert "between 1 and 4" in capsys.readouterr().err


def test_screen_prints_one_verdict_per_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"banned_terms": ["clowns"]}))
    monkeypatch.setattr(sys, "stdin", StringIO("a lighthouse at dusk\nscary clowns\n"))
    with pytest.raises(SystemExit) as done:
        main(["screen", "--policy", str(policy)])
    assert done.value.code == 1  # something was blocked
    verdicts = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [v["allowed"] for v in verdicts] == [True, False]
    assert verdicts[1]["rule_id"] == "policy.banned_term"


def test_screen_reads_inline_flags_as_the_bot_does(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # "adult" after --no is a negative prompt: it asks for someone who is not one.
    policy = tmp_path / "policy.json"
    policy.write_text('{"nsfw_mode": "age_restricted"}')
    lines = "nude person --no adult\na castle --ar 16:9 --no text, watermark\n"
    monkeypatch.setattr(sys, "stdin", StringIO(lines))
    with pytest.raises(SystemExit) as done:
        main(["screen", "--policy", str(policy)])
    assert done.value.code == 1
    verdicts = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert verdicts[0]["rule_id"] == "floor.minor_sexual"
    assert verdicts[0]["negative_prompt"] == "adult"
    assert verdicts[1]["allowed"] and verdicts[1]["prompt"] == "a castle --ar 16:9 --no text, watermark"


def test_screen_reads_a_file_and_can_run_the_semantic_screener(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = operator_env / "prompts.txt"
    prompts.write_text("a lighthouse\nn4k3d t33n\na little one with nothing on\n")
    # A server that allows adult content in age-restricted channels: only the hard floor is left.
    policy = operator_env / "policy.json"
    policy.write_text('{"nsfw_mode": "age_restricted"}')
    assert cli("screen", "--policy", str(policy), str(prompts)) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["allowed"] for r in records] == [True, False, True]  # the words alone miss the third
    assert cli("screen", "--semantic", "--policy", str(policy), str(prompts)) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[2]["rule_id"] == "semantic.minor_sexual"


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        (["--policy", "policy.json", "prompts.txt"], "colour"),
        (["--policy", "missing.json"], "missing.json"),
        (["missing.txt"], "error: cannot read missing.txt"),
        # Not "blocked" (exit 1), which a script gating a policy change would read.
        (["binary.bin"], "error: cannot read binary.bin: not UTF-8 text"),
        # What /policy terms add refuses, a policy tried here must not pass.
        (["--policy", "one-letter.json"], "error: --policy one-letter.json: banned_terms: 'a' is a single"),
        (
            ["--policy", "everything.json"],
            "error: --policy everything.json: banned_patterns: '.*' matches every",
        ),
    ],
)
def test_screen_refuses_bad_input_in_one_line(
    operator_env: Path, capsys: pytest.CaptureFixture[str], options: list[str], refusal: str
) -> None:
    (operator_env / "policy.json").write_text('{"colour": "red"}')
    (operator_env / "one-letter.json").write_text('{"banned_terms": ["clowns", "a"]}')
    (operator_env / "everything.json").write_text('{"banned_patterns": [".*"]}')
    (operator_env / "prompts.txt").write_text("a lighthouse\n")
    (operator_env / "binary.bin").write_bytes(b"\xae\xff\x00 not text\n")
    assert cli("screen", *options) == 2
    told_plainly(capsys, refusal)


def test_screen_reports_a_line_that_is_not_a_json_prompt_in_its_place_and_exits_2(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken JSON line was screened as text, and allowed: the prompt meant was never screened."""
    lines = 'a lighthouse\n{"prompt": "broken json"\n{"promt": "a typo"}\nscary clowns\n'
    monkeypatch.setattr(sys, "stdin", StringIO(lines))
    policy = operator_env / "policy.json"
    policy.write_text('{"banned_terms": ["clowns"]}')
    # Not 1 (blocked) though a prompt was: an unscreened line must not pass for a screened one.
    assert cli("screen", "--policy", str(policy)) == 2
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert [record.get("allowed") for record in records] == [True, None, None, False]
    assert records[1]["line"] == 2 and records[1]["input"] == '{"prompt": "broken json"'
    assert records[1]["error"].startswith("not valid JSON")
    assert records[2]["line"] == 3 and "unknown key 'promt'" in records[2]["error"]
    assert "Traceback" not in captured.err
    assert captured.err.splitlines() == [
        "error: 2 lines were not screened in standard input: a line starting with { must be a JSON object "
        """with "prompt" (each one's "error" record says why)"""
    ]


@pytest.mark.parametrize("asked_by", ["--semantic", "MODERATION_SEMANTIC"])
def test_screen_without_its_semantic_model_names_the_setting_and_exits_2(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], asked_by: str
) -> None:
    """It exited 1, as for a blocked prompt, saying "refusing to start", as the bot does."""
    monkeypatch.setenv("MODERATION_SEMANTIC_MODEL_PATH", "/nonexist")
    if asked_by == "MODERATION_SEMANTIC":
        monkeypatch.setenv("MODERATION_SEMANTIC", "true")
    monkeypatch.setattr(sys, "stdin", StringIO("a lighthouse\n"))
    assert cli("screen", *(["--semantic"] if asked_by == "--semantic" else [])) == 2
    err = told_plainly(
        capsys, "error: MODERATION_SEMANTIC_MODEL_PATH: no sentence-transformers model in /nonexist;"
    )
    assert "refusing to start" not in err


def test_generate_and_screen_help_say_their_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("generate", "--help") == 0
    shown = " ".join(capsys.readouterr().out.split())
    for status in (
        "0 the images were written",
        "2 a mistake in the command line or a setting",
        "3 the license terms were shown but not accepted",
        "4 the request was refused",
        "5 the job ran and failed",
        "130 interrupted",
    ):
        assert status in shown
    # The README says --model takes a checkpoint file too.
    assert ".safetensors or .ckpt checkpoint file" in shown
    assert cli("screen", "--help") == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "Exit status: 0 every prompt was allowed; 1 some were blocked; 2 screening cannot run" in shown


def test_migrate_and_make_demo_model(operator_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["migrate"])
    assert (operator_env / "data" / "imagine.db").is_file()
    main(["make-demo-model", str(operator_env / "tiny")])
    assert (operator_env / "tiny" / "model_index.json").is_file()
    assert "newest revision" in capsys.readouterr().out


# -- operator mistakes: one short message on stderr and exit status 2, never a traceback -------------


def cli(*argv: str) -> int | str | None:
    """Run the CLI in-process; the exit status it ends with (None when it returns normally)."""
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    return done.value.code


def told_plainly(capsys: pytest.CaptureFixture[str], *expected: str) -> str:
    """stderr, checked to be a short message holding each of `expected`, with no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert 1 <= len(err.strip().splitlines()) <= 3, err
    for text in expected:
        assert text in err
    return err


def last_line_told(capsys: pytest.CaptureFixture[str]) -> str:
    """The last line on stderr, with no traceback: after a job ran, the model's loading bars are
    above it."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.fixture
def with_token(operator_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISCORD_TOKEN", WELL_FORMED_TOKEN)
    # `run` points discord.py at DISCORD_API_BASE through a class attribute: put it back afterwards.
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    return operator_env


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("GENERATION_GPU_SLOTS", "0", "GENERATION_GPU_SLOTS: Input should be greater than or equal to 1"),
        ("GENERATION_MAX_BATCH", "-1", "GENERATION_MAX_BATCH: Input should be greater than or equal to 1"),
        ("GENERATION_MODELS", "{not json", "GENERATION_MODELS: not valid JSON"),
        ("MODERATION_BLOCKED_PROMPT_RETENTION_DAYS", "-5", "MODERATION_BLOCKED_PROMPT_RETENTION_DAYS:"),
        ("GENERATION_DEVICE", "gpu", "GENERATION_DEVICE: 'gpu' is not a device; use auto, cpu, cuda"),
        ("DISCORD_SHARD_IDS", "[0, 1]", "DISCORD_SHARD_IDS: set DISCORD_SHARD_COUNT too"),
        ("DISCORD_SHARD_IDS", "0,1", "DISCORD_SHARD_IDS: Input should be a valid tuple; write a JSON list: "),
        ("GENERATION_CLAIM_TTL_S", "10", "GENERATION_CLAIM_TTL_S: must be at least three times"),
        (
            "GENERATION_BATCH_BUCKETS",
            "[0, 4]",
            "GENERATION_BATCH_BUCKETS: 0: Input should be greater than or equal to 1",
        ),
        ("DISCORD_CDN_SCHEME", "ftp", "DISCORD_CDN_SCHEME: Input should be 'https' or 'http'"),
        (
            "DISCORD_API_BASE",
            "notaurl",
            "DISCORD_API_BASE: 'notaurl' is not a https or http URL, like https://",
        ),
        (
            "DISCORD_GATEWAY_URL",
            "https://gateway.example",
            "DISCORD_GATEWAY_URL: 'https://gateway.example' is not a wss",
        ),
        (
            "GENERATION_DEFAULT_MODEL",
            "sdxl",
            "GENERATION_DEFAULT_MODEL: 'sdxl' is not a model in GENERATION_MODELS (which has sd15); "
            "set it to one of those, or add 'sdxl' there",
        ),
        ("GENERATION_MODELS", "{}", 'GENERATION_MODELS: name at least one model, such as {"sd15":'),
        (
            "GENERATION_MODELS",
            '{"sd15": {"source": "some/model", "width": 1020}}',
            "GENERATION_MODELS: sd15.width: 1020 must be a multiple of 8 from 64 to 2048",
        ),
        (
            "GENERATION_MODELS",
            '{"sd15": {"source": "some/model", "width": 1536, "height": 1024}}',
            "GENERATION_MODELS: sd15: the default size 1536x1024 is 1,572,864 pixels, over the 1,048,576 "
            "a server allows unless its moderators raise max_pixels",
        ),
        (
            "GENERATION_MODELS",
            '{"sd15": {"source": "some/model", "steps": 80}}',
            "GENERATION_MODELS: sd15.steps: 80 must be from 1 to 50, the most a server allows unless",
        ),
        (
            "GENERATION_MODELS",
            '{"sd15": {"source": "some/model", "guidance": 45}}',
            "GENERATION_MODELS: sd15.guidance: 45 must be from 0 to 30",
        ),
        (
            "GENERATION_MODELS",
            '{"sd15": {"source": "some/model", "license": "mit"}}',
            "GENERATION_MODELS: sd15.license: 'mit' is not a license whose terms imagine-bot has; "
            "use one of creativeml-openrail-m",
        ),
        (
            "GENERATION_MODELS",
            '{"sd15": {"source": "some/model", "config": "other/model"}}',
            "config is for a one-file checkpoint (.safetensors, .ckpt); 'some/model' brings its own",
        ),
    ],
)
def test_a_wrong_setting_is_named_as_the_operator_sets_it(
    with_token: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    named: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert cli("run") == 2
    told_plainly(capsys, named)


def test_every_wrong_setting_is_reported_at_once(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GENERATION_GPU_SLOTS", "0")
    monkeypatch.setenv("MODERATION_BLOCKED_PROMPT_RETENTION_DAYS", "-5")
    assert cli("generate", "a red fox") == 2
    told_plainly(capsys, "GENERATION_GPU_SLOTS", "MODERATION_BLOCKED_PROMPT_RETENTION_DAYS")


def test_valid_device_names_are_accepted() -> None:
    from generation.settings import GenerationSettings

    for device in ("auto", "cpu", "cuda", "cuda:1", "mps"):
        assert GenerationSettings(device=device).device == device


def test_a_one_file_checkpoints_parts_come_from_its_config() -> None:
    from generation.settings import DEFAULT_MODEL_SOURCE, ModelSpec

    assert ModelSpec(source="models/anime.safetensors", config="models/sd15").components == "models/sd15"
    assert ModelSpec(source="models/OLD.CKPT").components == DEFAULT_MODEL_SOURCE
    assert ModelSpec(source="models/sd15").components == "models/sd15"


def test_shard_ids_must_fit_the_shard_count() -> None:
    from pydantic import ValidationError

    from bot.settings import BotSettings

    assert BotSettings(shard_count=4, shard_ids=(2, 3)).shard_ids == (2, 3)
    with pytest.raises(ValidationError, match="numbered 0 to 1"):
        BotSettings(shard_count=2, shard_ids=(0, 2))


@pytest.mark.parametrize(
    ("url", "advice"),
    [
        (
            "postgresql://imagine:secret@127.0.0.1:5432/imagine",
            "use postgresql+asyncpg://imagine:***@127.0.0.1:5432/imagine",
        ),
        ("postgres://imagine@db-host/imagine", "use postgresql+asyncpg://imagine@db-host/imagine"),
        ("sqlite:///data/imagine.db", "use sqlite+aiosqlite:///data/imagine.db"),
        ("not a database url", "DATABASE_URL is not a database URL; use one like sqlite+aiosqlite:///"),
        ("mysql+aiomysql://imagine@db-host/imagine", "'mysql+aiomysql' databases are not supported"),
        (
            # As hosting providers hand them out: for libpq, which the bot does not use.
            "postgresql://imagine:secret@db-host/imagine?sslmode=require&channel_binding=require",
            "DATABASE_URL: postgresql:// is not an async driver, which the bot needs; asyncpg takes ssl= "
            "where libpq takes sslmode= (the same values); asyncpg does not take channel_binding=: "
            "use postgresql+asyncpg://imagine:***@db-host/imagine?ssl=require",
        ),
        (
            "postgresql+asyncpg://imagine@db-host/imagine?sslmode=verify-full&sslrootcert=/etc/ca.pem",
            "asyncpg does not take sslrootcert= (set PGSSLROOTCERT in the environment instead): "
            "use postgresql+asyncpg://imagine@db-host/imagine?ssl=verify-full",
        ),
        ("sqlite+aiosqlite:///:memory:", "an in-memory SQLite database keeps nothing"),
        ("sqlite+aiosqlite://", "an in-memory SQLite database keeps nothing"),
        # These ended in tracebacks, and the second showed part of the password as the host.
        ("postgresql+asyncpg://postgres:secret@127.0.0.1:abc/test", "DATABASE_URL is not a database URL"),
        ("postgresql+asyncpg://postgres:secret@127.0.0.1:99999/test", "port 99999 is no port (1 to 65535)"),
        ("postgresql+asyncpg://postgres:se@secret@127.0.0.1:5432/test", "write each such character"),
    ],
)
def test_a_database_url_the_bot_cannot_use_says_what_to_use_instead(
    operator_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
    advice: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    assert cli("migrate") == 2
    err = told_plainly(capsys, advice)
    assert "secret" not in err  # a password is never echoed


def test_an_unreachable_postgresql_names_host_and_port(
    with_token: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:1/test")
    assert cli("run") == 2
    told_plainly(capsys, "cannot reach the database at 127.0.0.1:1: Connection refused", "DATABASE_URL")


@pytest.mark.postgres
def test_a_missing_postgresql_database_is_named(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/imagine_never_created")
    assert cli("migrate") == 2
    told_plainly(capsys, "127.0.0.1:5432", 'database "imagine_never_created" does not exist')


@pytest.mark.postgres
def test_a_postgresql_url_with_sslmode_is_rewritten_for_asyncpg_and_that_works(
    operator_env: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"{postgres_url}?sslmode=disable")
    assert cli("migrate") == 2
    advice = told_plainly(capsys, "asyncpg takes ssl= where libpq takes sslmode=")
    monkeypatch.setenv("DATABASE_URL", advice.strip().rsplit(": use ", 1)[1])
    main(["migrate"])
    assert "is at the newest revision" in capsys.readouterr().out


@pytest.mark.postgres
def test_a_postgresql_url_without_a_database_is_refused_rather_than_filling_the_users_own(
    operator_env: Path,
    postgres_role_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # asyncpg would open the database named after the role, which exists here.
    without_database = postgres_role_url.rsplit("/", 1)[0]
    monkeypatch.delenv("PGDATABASE", raising=False)
    monkeypatch.setenv("DATABASE_URL", without_database)
    assert cli("migrate") == 2
    told_plainly(
        capsys,
        f"DATABASE_URL names no database: add the bot's own at the end, like {without_database}/imagine",
    )


@pytest.mark.postgres
def test_a_role_that_may_not_create_tables_is_told_how_to_let_it_before_anything_loads(
    with_token: Path,
    postgres_role_url: str,
    no_model_loads: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    role = make_url(postgres_role_url).username
    monkeypatch.setenv("DATABASE_URL", postgres_role_url)
    assert cli("run") == 2
    told_plainly(
        capsys,
        f"role '{role}' may not create tables in schema public of database '{role}'",
        f"ALTER DATABASE {role} OWNER TO {role}",
        f"GRANT CREATE ON SCHEMA public TO {role}",
    )
    # Done as told, the database migrates.
    asyncio.run(admin_sql(f'GRANT CREATE ON SCHEMA public TO "{role}"', database=role))
    main(["migrate"])
    assert "is at the newest revision" in capsys.readouterr().out


@pytest.mark.postgres
def test_tables_another_role_made_are_named_when_a_migration_must_alter_them(
    operator_env: Path,
    postgres_role_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import migrations

    role = make_url(postgres_role_url).username
    assert role is not None
    as_admin = make_url(POSTGRES_ADMIN_DSN).set(drivername="postgresql+asyncpg", database=role)
    # An older version, run by the administrator, made the tables; the next revision indexes one.
    migrations.upgrade(as_admin.render_as_string(hide_password=False), "0006_job_undeliverable")
    asyncio.run(admin_sql(f'GRANT CREATE ON SCHEMA public TO "{role}"', database=role))
    monkeypatch.setenv("DATABASE_URL", postgres_role_url)
    assert cli("migrate") == 2
    told_plainly(
        capsys,
        "permission denied for table alembic_version: the bot's tables belong to another role",
        f"REASSIGN OWNED BY that_role TO {role}",
    )
    # Allowed to read them, it is the migration, indexing a table of another's, that is refused.
    asyncio.run(admin_sql(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"', database=role))
    assert cli("migrate") == 2
    told_plainly(capsys, "must be owner of table job: the bot's tables belong to another role")


def test_a_sqlite_folder_that_cannot_be_made_is_named(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (operator_env / "data").write_text("a file where the database folder should be")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{operator_env / 'data' / 'imagine.db'}")
    assert cli("migrate") == 2
    told_plainly(capsys, f"cannot create the folder {operator_env / 'data'}", "not a folder")


def test_a_database_from_a_newer_version_is_refused(
    with_token: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["migrate"])
    with sqlite3.connect(with_token / "data" / "imagine.db") as database:
        database.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    capsys.readouterr()
    assert cli("run") == 2
    told_plainly(capsys, "revision '9999_from_the_future'", "does not know", "newer version")


def test_migrate_logs_one_line_and_only_when_it_migrates(
    operator_env: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from alembic.script import ScriptDirectory

    import migrations

    head = ScriptDirectory.from_config(migrations.alembic_config("sqlite://")).get_current_head()
    caplog.set_level(logging.INFO)
    main(["migrate"])
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.INFO] == [
        f"migrating the database at {operator_env / 'data' / 'imagine.db'} from nothing (a new database) "
        f"to revision {head}"
    ]
    caplog.clear()
    main(["migrate"])
    assert [record for record in caplog.records if record.levelno >= logging.INFO] == []


def test_a_token_discord_refuses_says_to_reset_it(
    with_token: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.client import ImagineBot

    async def refused(self: ImagineBot, token: str, *, reconnect: bool = True) -> None:
        # What discord.py raises when Discord answers 401 to the token.
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(ImagineBot, "start", refused)
    assert cli("run") == 2
    told_plainly(capsys, "Discord refused the token in DISCORD_TOKEN", "Reset Token")


def test_discord_out_of_reach_names_the_host(
    with_token: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_API_BASE", "http://127.0.0.1:1/api/v10")
    assert cli("run") == 2
    told_plainly(capsys, "cannot reach Discord at 127.0.0.1:1: Connection refused", "DISCORD_API_BASE")


def test_a_metrics_port_in_use_is_named(
    demo_model: Path,
    operator_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        monkeypatch.setenv("GENERATION_METRICS_PORT", str(port))
        assert (
            cli("generate", "--model", str(demo_model), "a red fox", "--width", "64", "--height", "64") == 2
        )
    told_plainly(capsys, f"GENERATION_METRICS_PORT: port {port} on 127.0.0.1 is already in use")


def test_a_metrics_host_that_does_not_resolve_or_a_privileged_port_is_named() -> None:
    import errno

    from bot.app import Settings
    from bot.startup_errors import explain
    from generation.settings import GenerationSettings

    settings = Settings(generation=GenerationSettings(metrics_port=80, metrics_host="metrics.invalid"))
    unresolved = explain(socket.gaierror(socket.EAI_NONAME, "Name or service not known"), settings)
    assert unresolved == (
        "GENERATION_METRICS_HOST: cannot resolve metrics.invalid (Name or service not known); use 127.0.0.1"
    )
    privileged = explain(PermissionError(errno.EACCES, "Permission denied"), settings)
    assert privileged is not None and privileged.startswith(
        "GENERATION_METRICS_PORT: port 80 needs privileges"
    )


def test_semantic_screening_without_its_model_refuses_to_start_in_one_line(
    demo_model: Path,
    operator_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MODERATION_SEMANTIC", "true")
    monkeypatch.setenv("MODERATION_SEMANTIC_MODEL_PATH", str(operator_env / "no-model-here"))
    with pytest.raises(SystemExit) as refused:
        main(["generate", "--model", str(demo_model), "a red fox", "--width", "64", "--height", "64"])
    assert str(refused.value.code).startswith("refusing to start: no sentence-transformers model in")
    assert "Traceback" not in capsys.readouterr().err


@pytest.fixture
def no_model_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the command gets as far as building the services (classifiers, model)."""

    async def must_not_build(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the command line was checked after the model started loading")

    monkeypatch.setattr("bot.app.build_services", must_not_build)


@pytest.mark.parametrize(
    ("options", "refusal"),
    [
        (["--image", "/missing.png"], "error: --image /missing.png: No such file or directory"),
        (["--image", "policy.txt"], "error: --image policy.txt: the file is not a readable image"),
        (["--out", "policy.txt"], "error: --out policy.txt is a file; give a folder for the images"),
        (["--out", "policy.txt/images"], "is a file, not a folder"),
        # 0 is refused, not replaced by the model's default (`args.steps or default` did that).
        # The option is named once ("error: width: width 0 must be ..." before).
        (["--steps", "0"], "error: --steps must be between 1 and"),
        (["--width", "0"], "error: --width 0 must be between"),
        (["--width", "100000"], "error: --width 100000 must be between"),
        (["--height", "0"], "error: --height 0 must be between"),
        (["--n", "9"], "error: --n must be between 1 and 4"),
        (["--guidance", "99"], "error: --guidance (CFG) must be between"),
        (["--ar", "wide"], "error: --ar: aspect ratio 'wide' should look like 16:9"),
        (["--sampler", "fastest"], "error: --sampler: unknown sampler 'fastest'"),
        (["--seed", "-1"], "error: --seed: must be from 0 to"),
        # Ignored, or one of two silently winning, before: refused as /imagine refuses them.
        (["--strength", "5"], "error: --strength only applies with --image (img2img)"),
        (["--strength", "0.6"], "error: --strength only applies with --image (img2img)"),
        (["--ar", "16:9", "--width", "64"], "error: give either --ar or --width and --height, not"),
        (["--ar", "16:9", "--height", "64"], "error: give either --ar or --width and --height, not"),
        (["--image", "fox.png", "--width", "64"], "error: with --image the image's shape is used"),
        (["--image", "fox.png", "--ar", "1:1"], "error: with --image the image's shape is used"),
        # Worded for the operator at the terminal, not for a member uploading to Discord.
        (["--image", "cut.png"], "error: --image cut.png: the file stops part-way through the picture; copy"),
    ],
)
def test_generate_checks_its_options_before_the_model_loads(
    demo_model: Path,
    operator_env: Path,
    no_model_loads: None,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    refusal: str,
) -> None:
    (operator_env / "policy.txt").write_text("not an image")
    Image.new("RGB", (64, 64)).save(operator_env / "fox.png")
    noise = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(operator_env / "cut.png")
    whole = (operator_env / "cut.png").read_bytes()
    (operator_env / "cut.png").write_bytes(whole[: len(whole) // 2])
    assert cli("generate", "--model", str(demo_model), "a red fox", *options) == 2
    assert "upload" not in told_plainly(capsys, refusal)


@pytest.mark.parametrize(
    ("field", "reason", "told"),
    [
        ("width", "width 100000 must be between 64 and 2048", "--width 100000 must be between 64 and 2048"),
        ("n", "--n must be between 1 and 4", "--n must be between 1 and 4"),
        ("seed", "must be from 0 to 9", "--seed: must be from 0 to 9"),
        ("aspect", "aspect ratio '3' should look like 16:9", "--ar: aspect ratio '3' should look like 16:9"),
        ("prompt", "the prompt is empty; describe the image you want", "the prompt is empty; describe the"),
        ("size", "2048x2048 is 4,194,304 pixels", "size: 2048x2048 is 4,194,304 pixels"),
    ],
)
def test_a_parameters_problem_names_its_option_once(field: str, reason: str, told: str) -> None:
    from bot.cli import _parameter_problem
    from generation.errors import InvalidParameters

    assert _parameter_problem(InvalidParameters(field, reason)).startswith(told)


def test_every_command_and_argument_says_what_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import _parser

    parser = _parser()
    [commands] = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    assert set(commands.choices) == {
        "run",
        "migrate",
        "copy-database",
        "make-demo-model",
        "generate",
        "screen",
    }
    for name, command in commands.choices.items():
        assert command.description, f"{name} --help has no description"
        for action in command._actions:
            assert action.help not in (None, "", argparse.SUPPRESS), f"{name} {action.dest} has no help"
    assert cli("generate", "--help") == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "(default: out)" in shown and "(default: the model's)" in shown


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["migrate"],
        ["copy-database", "sqlite+aiosqlite:///old.db"],
        ["make-demo-model", "tiny"],
        ["generate", "a fox"],
        ["screen"],
    ],
)
def test_verbose_is_taken_after_the_command_as_well_as_before(command: list[str]) -> None:
    from bot.cli import _parser

    parser = _parser()
    assert parser.parse_args([*command, "-v"]).verbose is True
    assert parser.parse_args([*command, "--verbose"]).verbose is True
    assert parser.parse_args(["-v", *command]).verbose is True  # the command's unset -v keeps it
    assert parser.parse_args(command).verbose is False


def test_migrate_runs_with_verbose_after_it(operator_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["migrate", "-v"])  # "unrecognized arguments: -v" (exit 2) before
    assert "newest revision" in capsys.readouterr().out


def test_explicit_sizes_and_steps_are_kept() -> None:
    from bot.cli import _cli_params, _parser
    from generation.params import Sampler

    args = _parser().parse_args(["generate", "a fox", "--width", "64", "--steps", "1", "--guidance", "0"])
    params = _cli_params(args, "sd15", 512, 512, 25, 7.5, Sampler.DDIM, 512 * 512)
    assert (params.width, params.height, params.steps, params.guidance) == (64, 512, 1, 0.0)


@pytest.fixture
def ctrl_c_while_waiting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Ctrl-C (SIGINT) arrives while `generate` waits for its job; yields what was closed."""
    from bot.app import Services
    from generation.service import GenerationService

    closed: list[str] = []
    close = Services.close

    async def close_and_note(self: Services) -> None:
        await close(self)
        closed.append("services")

    async def interrupted(self: GenerationService, job_id: int) -> None:
        signal.raise_signal(signal.SIGINT)
        await asyncio.Event().wait()  # asyncio.run cancels the command here, as after a real Ctrl-C

    monkeypatch.setattr(Services, "close", close_and_note)
    monkeypatch.setattr(GenerationService, "wait", interrupted)
    yield closed


def test_ctrl_c_in_generate_closes_what_it_opened_and_exits_130(
    demo_model: Path,
    operator_env: Path,
    ctrl_c_while_waiting: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = cli(
        "generate",
        "--model",
        str(demo_model),
        "--accept-license",
        "a red fox",
        "--width",
        "64",
        "--height",
        "64",
    )
    assert code == 130
    assert ctrl_c_while_waiting == ["services"]
    assert "Traceback" not in capsys.readouterr().err


def test_an_unexpected_error_keeps_its_traceback(with_token: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.client import ImagineBot

    async def broken(self: ImagineBot, token: str, *, reconnect: bool = True) -> None:
        # An OSError that is no port or connection mistake: a bug to report, not a setting to change.
        raise PermissionError(13, "Permission denied", "/somewhere")

    monkeypatch.setattr(ImagineBot, "start", broken)
    with pytest.raises(PermissionError):
        main(["run"])


@pytest.mark.parametrize(
    ("token", "told"),
    [
        (f'"{WELL_FORMED_TOKEN}"', "DISCORD_TOKEN: remove the quotes around the token"),
        (f"Bot {WELL_FORMED_TOKEN}", "DISCORD_TOKEN: leave out the 'Bot ' before the token"),
        (WELL_FORMED_TOKEN.replace(".", ". ", 1), "DISCORD_TOKEN: the token has a space in it; copy it"),
        ("1234567890123456789", "DISCORD_TOKEN: this is the application id, not the bot token; copy it"),
        # An OAuth2 client secret, and a public key.
        ("aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI", "DISCORD_TOKEN: this is not a bot token, which is three parts"),
        ("0f" * 32, "DISCORD_TOKEN: this is not a bot token, which is three parts"),
    ],
)
def test_a_token_of_the_wrong_form_is_refused_before_anything_loads(
    operator_env: Path,
    no_model_loads: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    token: str,
    told: str,
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", token)
    monkeypatch.delitem(sys.modules, "bot.client", raising=False)
    assert cli("run") == 2
    err = told_plainly(capsys, told)
    assert token not in err
    assert "bot.client" not in sys.modules  # nothing of Discord's was even imported


def test_no_token_still_gets_the_instructions(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert cli("run") == 2  # a setting's mistake, as a malformed token is
    told = capsys.readouterr().err
    assert told.startswith("No Discord bot token is set.") and "Traceback" not in told
    # .env is read from the folder the bot starts in, not the repository's: "next to pyproject.toml"
    # sent an operator starting it from elsewhere to a file it never reads.
    assert f"a file named .env in the folder you start the bot from ({operator_env / '.env'})" in told


@pytest.mark.slow
def test_generate_from_a_model_folder_with_a_long_path(
    demo_model: Path, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("GENERATION_IMAGE_DIR", str(tmp_path / "data" / "images"))
    monkeypatch.setenv("GENERATION_DEVICE", "cpu")
    # A Hugging Face cache snapshot or a shared models volume easily makes a path this long.
    deep = (
        tmp_path / "models" / ("stable-diffusion-fine-tunes-" + "x" * 60) / ("snapshots-" + "0" * 80) / "demo"
    )
    shutil.copytree(demo_model, deep)
    assert len(str(deep)) > 200
    assert len(generate(deep, tmp_path / "out", "a red fox")) == 1


@pytest.mark.parametrize("seed", ["-1", "4294967296", "18446744073709551615"])
def test_generate_refuses_a_seed_out_of_range_rather_than_using_another(
    demo_model: Path, operator_env: Path, capsys: pytest.CaptureFixture[str], seed: str
) -> None:
    status = cli("generate", "--model", str(demo_model), "--accept-license", "a fox", "--seed", seed)
    assert status == 2
    told_plainly(capsys, "seed: must be from 0 to 4294967295")


def test_an_image_folder_that_cannot_take_files_is_refused_before_anything_loads(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = operator_env / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("GENERATION_IMAGE_DIR", str(blocker / "images"))
    assert cli("generate", "--model", str(demo_model), "--accept-license", "a red fox") == 2
    told_plainly(
        capsys, f"GENERATION_IMAGE_DIR: cannot store images in {blocker / 'images'}: it is not a folder"
    )


def test_a_compile_cache_folder_that_cannot_take_files_is_refused_before_anything_loads(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # It was found only after the model had loaded (and, running the bot, after Discord's login).
    blocker = operator_env / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("GENERATION_COMPILE", "true")
    monkeypatch.setenv("GENERATION_COMPILE_CACHE_DIR", str(blocker))
    assert cli("generate", "--model", str(demo_model), "--accept-license", "a red fox") == 2
    told_plainly(
        capsys, f"GENERATION_COMPILE_CACHE_DIR: cannot cache compiled kernels in {blocker}: it is not a"
    )


def test_a_gpu_this_machine_lacks_is_named_before_anything_loads(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv("GENERATION_DEVICE", "cuda")
    assert cli("generate", "--model", str(demo_model), "--accept-license", "a red fox") == 2
    told_plainly(capsys, "GENERATION_DEVICE: cuda is set, but PyTorch finds no CUDA GPU here")
    # A machine with one GPU, asked for the eighth.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setenv("GENERATION_DEVICE", "cuda:7")
    assert cli("generate", "--model", str(demo_model), "--accept-license", "a red fox") == 2
    told_plainly(capsys, "GENERATION_DEVICE: cuda:7 is set, but this machine has 1 CUDA GPU (cuda:0)")


def test_a_model_that_is_not_where_the_settings_say_is_named_not_blamed_on_the_classifier(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = operator_env / "models" / "mine"
    monkeypatch.setenv("GENERATION_MODELS", json.dumps({"mine": {"source": str(missing)}}))
    monkeypatch.setenv("GENERATION_DEFAULT_MODEL", "mine")
    assert cli("generate", "--accept-license", "a fox") == 2
    told_plainly(capsys, f"GENERATION_MODELS: mine.source: {missing} does not exist", "Hugging Face id")
    assert cli("generate", "--model", "models/anime.safetensors", "--accept-license", "a fox") == 2
    told_plainly(
        capsys,
        "--model: 'models/anime.safetensors' is not a model in GENERATION_MODELS (mine), "
        "and models/anime.safetensors does not exist",
    )


# -- .env itself --------------------------------------------------------------------------------------


def test_a_env_folder_is_named(operator_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (operator_env / ".env").mkdir()
    assert cli("migrate") == 2
    told_plainly(capsys, ".env is a folder: settings go in a file named .env")


def test_a_env_link_to_nothing_is_named(with_token: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (with_token / ".env").symlink_to(with_token / "secrets" / "bot.env")
    assert cli("run") == 2
    told_plainly(capsys, f".env links to {with_token / 'secrets' / 'bot.env'}, which does not exist")


def test_a_env_that_is_not_utf8_is_named_once(operator_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # What some editors save by default on Windows.
    (operator_env / ".env").write_text("GENERATION_DEVICE=cpu\n", encoding="utf-16")
    assert cli("generate", "a red fox") == 2
    err = told_plainly(capsys, ".env is not UTF-8 text: save it again as UTF-8")
    assert err.count(".env") == 1  # read by each package's settings, told once


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A working folder another user may enter (pytest's own temporary folders are root's alone)."""
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        yield Path(folder)


# Root reads and writes anything: the command runs as nobody then, once the interpreter has loaded
# what it needs from folders nobody may enter (it may live under /root).
_UNPRIVILEGED_CLI = """
import os, sys
import bot.cli, bot.settings, generation.settings, migrations, moderation.settings
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
bot.cli.main(sys.argv[1:])
"""


def cli_unprivileged(
    folder: Path, *argv: str, settings: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI run in `folder` with `settings` by a user that file permissions hold for."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DISCORD_", "GENERATION_", "MODERATION_", "DATABASE_"))
    }
    environment |= {"PYTHONPATH": str(REPOSITORY), "PYTHONDONTWRITEBYTECODE": "1", **(settings or {})}
    return subprocess.run(
        [sys.executable, "-c", _UNPRIVILEGED_CLI, *argv],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_env_the_bot_may_not_read_is_named(shared_folder: Path) -> None:
    env_file = shared_folder / ".env"
    env_file.write_text("DISCORD_TOKEN=x\n")
    env_file.chmod(0o000)
    done = cli_unprivileged(shared_folder, "migrate")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        ".env cannot be read: Permission denied; let the user that runs the bot read it "
        "(chown that user .env && chmod 600 .env)"
    )


def test_a_misspelt_token_name_in_env_is_named_with_the_right_one(
    operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    (operator_env / ".env").write_text("DISCROD_TOKEN=MTIz.GaBcDe.abcdefghijklmnopqrstuvwxyz\n")
    assert cli("run") == 2
    told_plainly(capsys, "DISCROD_TOKEN (in .env): no setting has this name; did you mean DISCORD_TOKEN?")


def test_names_no_setting_has_are_named_and_other_tools_names_left_alone(
    demo_model: Path,
    operator_env: Path,
    no_model_loads: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (operator_env / ".env").write_text(
        "GENERATION_MAX_BACH=4\nDEVICE=cpu\nGENERATION_TURBO=true\nHF_TOKEN=hf_x\nPOSTGRES_PASSWORD=pw\n"
    )
    monkeypatch.setenv("MODERATION_NUDENET_TRESHOLD", "0.5")
    monkeypatch.setenv("GENERATION_SOMETHING_ELSE", "another program's")
    assert cli("generate", "--model", str(demo_model), "a red fox") == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "GENERATION_MAX_BACH (in .env): no setting has this name; did you mean GENERATION_MAX_BATCH?",
        "DEVICE (in .env): no setting has this name; did you mean GENERATION_DEVICE?",
        "GENERATION_TURBO (in .env): no setting has this name; .env.example lists every one",
        "MODERATION_NUDENET_TRESHOLD (in the environment): no setting has this name; "
        "did you mean MODERATION_NUDENET_THRESHOLD?",
    ]


def test_a_sqlite_database_in_a_folder_the_bot_may_not_write_in_is_named(shared_folder: Path) -> None:
    folder = shared_folder / "read-only"
    folder.mkdir(mode=0o555)
    done = cli_unprivileged(
        shared_folder, "migrate", settings={"DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'imagine.db'}"}
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"DATABASE_URL: this user may not write in {folder}, where the SQLite")


def test_a_read_only_sqlite_database_is_named_before_a_job_fails_on_it(shared_folder: Path) -> None:
    database = shared_folder / "imagine.db"
    url = f"sqlite+aiosqlite:///{database}"
    shared_folder.chmod(0o777)
    database.touch(mode=0o444)
    done = cli_unprivileged(shared_folder, "migrate", settings={"DATABASE_URL": url})
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"DATABASE_URL: the SQLite database {database} is read-only for this user: "
        "let the user that runs the bot write it"
    )


def test_a_home_folder_in_path_settings_is_expanded_as_a_shell_would(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = operator_env / "home"
    shutil.copytree(demo_model, home / "models" / "demo")
    monkeypatch.setenv("HOME", str(home))
    # In .env, where no shell expands ~.
    (operator_env / ".env").write_text(
        "DATABASE_URL=sqlite+aiosqlite:///~/bot/imagine.db\n"
        "GENERATION_IMAGE_DIR=~/bot/images\n"
        'GENERATION_MODELS={"demo": {"source": "~/models/demo"}}\n'
        "GENERATION_DEFAULT_MODEL=demo\n"
    )
    for name in ("DATABASE_URL", "GENERATION_IMAGE_DIR"):
        monkeypatch.delenv(name)
    assert cli("generate", "--accept-license", "a red fox", "--width", "64", "--height", "64") == 0
    assert (home / "bot" / "imagine.db").is_file()
    assert len(list((home / "bot" / "images").rglob("*.png"))) == 1
    assert not (operator_env / "~").exists()


def test_a_home_folder_in_the_moderation_and_compile_paths_is_expanded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from generation.settings import GenerationSettings
    from moderation.settings import ModerationSettings

    monkeypatch.setenv("HOME", str(tmp_path))
    moderation = ModerationSettings(
        clip_checker_path="~/checker", clip_feature_extractor_path="~/extractor", semantic_model_path="~/mini"
    )
    assert (
        moderation.clip_checker_path,
        moderation.clip_feature_extractor_path,
        moderation.semantic_model_path,
    ) == (str(tmp_path / "checker"), str(tmp_path / "extractor"), str(tmp_path / "mini"))
    assert GenerationSettings(compile_cache_dir=Path("~/cache")).compile_cache_dir == tmp_path / "cache"


@pytest.mark.parametrize(
    ("variable", "value", "told"),
    [
        ("GENERATION_BATCH_BUCKETS", "1,4,16", "not valid JSON (Extra data: line 1 column 2 (char 1))"),
        ("GENERATION_BATCH_BUCKETS", "[1, 4, 16", "not valid JSON (Expecting ',' delimiter"),
        ("MODERATION_NUDENET_LABELS", "FEMALE_BREAST_EXPOSED, ANUS_EXPOSED", "not valid JSON"),
        ("GENERATION_COMPILE_WARMUP_ASPECTS", "16:9 9:16", "not valid JSON"),
        # Valid JSON, but one number where a list is taken.
        ("DISCORD_SYNC_GUILD_IDS", "123456789012345678", "Input should be a valid tuple"),
        ("GENERATION_MODELS", "sd15", "not valid JSON"),
        ("MODERATION_SEMANTIC_THRESHOLDS", "hate=0.5", "not valid JSON"),
    ],
)
def test_a_list_or_mapping_not_written_as_json_is_shown_in_a_form_the_setting_takes(
    operator_env: Path, capsys: pytest.CaptureFixture[str], variable: str, value: str, told: str
) -> None:
    from bot.settings import BotSettings
    from bot.startup_errors import OperatorError, read_settings
    from generation.settings import GenerationSettings
    from moderation.settings import ModerationSettings

    cls = {"DISCORD": BotSettings, "GENERATION": GenerationSettings, "MODERATION": ModerationSettings}[
        variable.split("_", 1)[0]
    ]
    (operator_env / ".env").write_text(f"{variable}={value}\n")
    with pytest.raises(OperatorError) as refused:
        read_settings(cls)
    [line] = refused.value.lines
    assert line.startswith(f"{variable}") and told in line
    form = line.split("; write a JSON ", 1)[1]
    assert form.startswith(("list: ", "object, like "))
    suggested = form.split(f"{variable}=", 1)[1]
    (operator_env / ".env").write_text(f"{variable}={suggested}\n")
    read_settings(cls)  # the form shown is one the setting takes


def test_make_demo_model_never_writes_over_a_folder_that_holds_anything(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = operator_env / "models" / "notes.txt"
    notes.parent.mkdir()
    notes.write_text("mine")
    assert cli("make-demo-model", str(notes.parent)) == 2
    told_plainly(capsys, f"make-demo-model: {notes.parent} is not empty", "delete the old one first")
    assert [path.name for path in notes.parent.iterdir()] == ["notes.txt"]
    assert cli("make-demo-model", str(notes)) == 2
    told_plainly(capsys, f"make-demo-model: {notes} is a file; give a new or empty folder")
    assert notes.read_text() == "mine"


def test_make_demo_model_says_what_a_folder_holds_rather_than_that_files_would_be_overwritten(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """README: it "writes only into a new or empty folder": an empty hidden folder is something, but
    nothing of it would be overwritten, as the message said."""
    models = operator_env / "models"
    (models / ".cache").mkdir(parents=True)
    assert cli("make-demo-model", str(models)) == 2
    err = told_plainly(capsys, f"make-demo-model: {models} is not empty (it holds .cache); give a new")
    assert "overwritten" not in err
    for name in ("d", "c", "b", "a"):
        (models / name).mkdir()
    assert cli("make-demo-model", str(models)) == 2
    told_plainly(capsys, "(it holds .cache, a, b and 2 more)")


def test_a_model_setting_that_cannot_be_a_model_says_what_it_is_before_anything_loads(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refused(source: str, *expected: str) -> None:
        monkeypatch.setenv("GENERATION_MODELS", json.dumps({"mine": {"source": source}}))
        monkeypatch.setenv("GENERATION_DEFAULT_MODEL", "mine")
        assert cli("generate", "--accept-license", "a fox") == 2
        told_plainly(capsys, *expected)

    # A relative path whose first folder is here is a path mistyped, not a Hugging Face id.
    (operator_env / "models").mkdir()
    refused(
        "models/sd", f"mine.source: models/sd does not exist (in {operator_env}), though the folder models"
    )
    refused(str(demo_model / "unet"), "is a folder but not a diffusers model (it has no model_index.json)")
    refused(str(demo_model / "model_index.json"), "is a file, not a diffusers folder or one .safetensors")


def test_a_hugging_face_id_that_cannot_be_downloaded_is_told_apart_from_a_missing_folder(
    demo_model: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(operator_env / "hub-cache"))
    monkeypatch.setenv("GENERATION_MODELS", json.dumps({"demo": {"source": str(demo_model)}}))
    monkeypatch.setenv("GENERATION_DEFAULT_MODEL", "demo")
    assert cli("generate", "--model", "someorg/sd", "--accept-license", "a fox") == 2
    told_plainly(
        capsys,
        "--model: 'someorg/sd' is not a model in GENERATION_MODELS (demo), and the Hugging Face id "
        "someorg/sd is not in the cache",
        "cannot be downloaded with HF_HUB_OFFLINE set",
    )
    # Neither a registered name, a path nor an id: the registered names are listed.
    assert cli("generate", "--model", "dmeo", "--accept-license", "a fox") == 2
    told_plainly(
        capsys, "--model: 'dmeo' is not a model in GENERATION_MODELS (demo), and dmeo does not exist"
    )
    # A checkpoint file without config would take its configs from SD 1.5 on the Hub.
    checkpoint = operator_env / "anime.safetensors"
    checkpoint.write_bytes(b"")
    monkeypatch.setenv("GENERATION_MODELS", json.dumps({"anime": {"source": str(checkpoint)}}))
    monkeypatch.setenv("GENERATION_DEFAULT_MODEL", "anime")
    assert cli("generate", "--accept-license", "a fox") == 2
    told_plainly(
        capsys, "anime.config: unset, so the configs of the checkpoint", "set config to a diffusers folder"
    )


def test_a_model_in_the_hugging_face_cache_serves_with_the_hub_out_of_reach_without_retrying(
    hub_cache: Path, operator_env: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A file a cached model does not have (the processor_config.json Stable Diffusion repositories never
    had) was asked of the Hub five times, half a minute at start, before the cached copy was used."""
    point_the_hub_at(monkeypatch, UNREACHABLE_HUB)
    # The CLIP checker inside the cached model is the one classifier, so it must load.
    monkeypatch.setenv("MODERATION_NUDENET", "false")
    tiny = {"source": CACHED_HUB_ID, "width": 64, "height": 64, "steps": 3}
    monkeypatch.setenv("GENERATION_MODELS", json.dumps({"tiny": tiny}))
    monkeypatch.setenv("GENERATION_DEFAULT_MODEL", "tiny")
    out = operator_env / "out"
    with caplog.at_level(logging.INFO):
        assert cli("generate", "--accept-license", "--out", str(out), "a red fox") == 0
    assert len(list(out.glob("*.png"))) == 1
    assert "safety classifiers loaded: clip_concepts" in caplog.text
    assert "Retrying" not in caplog.text


def test_a_hugging_face_id_the_hub_cannot_be_reached_for_is_named_not_blamed_on_the_classifier(
    demo_model: Path, with_token: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default sd15, not in the cache, on a machine without the Hub: the download retried for
    half a minute and the bot stopped on 'no image safety classifier could be loaded' (the CLIP
    checker comes from the model), or with NudeNet went on to Discord and stopped on the model."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(with_token / "hub-cache"))
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:1")
    # Discord out of reach too, so that nothing but loopback is asked whichever comes first.
    monkeypatch.setenv("DISCORD_API_BASE", "http://127.0.0.1:1/api/v10")
    assert cli("run") == 2
    told_plainly(
        capsys,
        "GENERATION_MODELS: sd15.source: the Hugging Face id stable-diffusion-v1-5/stable-diffusion-v1-5 "
        f"is not in the cache ({with_token / 'hub-cache'}) and the Hub cannot be reached at "
        "http://127.0.0.1:1: ",
        "Connection refused",
        "HF_ENDPOINT if it is set); download it once where the Hub is reachable, or name a local folder",
    )
    # Only the model that loads must be downloadable now: a folder asked for runs without the Hub.
    assert len(generate(demo_model, with_token / "out", "a red fox")) == 1
    capsys.readouterr()
    # A checkpoint without config, whose configs would come from SD 1.5 on the Hub.
    checkpoint = with_token / "anime.safetensors"
    checkpoint.write_bytes(b"")
    monkeypatch.setenv("GENERATION_MODELS", json.dumps({"anime": {"source": str(checkpoint)}}))
    monkeypatch.setenv("GENERATION_DEFAULT_MODEL", "anime")
    assert cli("run") == 2
    told_plainly(
        capsys,
        f"anime.config: unset, so the configs of the checkpoint {checkpoint} would come from the Hub, but "
        "the Hugging Face id stable-diffusion-v1-5/stable-diffusion-v1-5 is not in the cache",
        "the Hub cannot be reached at http://127.0.0.1:1",
        "set config to a diffusers folder of the same architecture",
    )


@pytest.mark.postgres
def test_a_sqlite_database_is_copied_into_postgresql_and_the_bot_goes_on_with_its_images(
    demo_model: Path,
    operator_env: Path,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """README's step 2: moving to PostgreSQL kept nothing (policies, bans, jobs), and the image folder
    then belonged to a database that was no longer used."""
    sqlite_url = os.environ["DATABASE_URL"]
    generate(demo_model, operator_env / "out", "a red fox", "--seed", "5")
    generate(demo_model, operator_env / "out", "a blue owl", "--seed", "6")
    capsys.readouterr()
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    main(["copy-database", sqlite_url])
    said = capsys.readouterr().out
    assert "2 job" in said and "2 job_image" in said and "1 license_acceptance" in said
    # The bot goes on where it was: the same image folder, and the next job is number 3.
    [third] = generate(demo_model, operator_env / "after", "a green frog", "--seed", "7")
    assert third.name.startswith("job3-")
    capsys.readouterr()
    # Copied once: a second copy would number rows twice.
    assert cli("copy-database", sqlite_url) == 2
    told_plainly(capsys, "holds data already (3 job", "copy into a new, empty database")


def test_copying_from_a_sqlite_file_that_is_not_there_is_refused(
    operator_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("copy-database", f"sqlite+aiosqlite:///{operator_env / 'no-such.db'}") == 2
    told_plainly(capsys, "there is no SQLite database at")
