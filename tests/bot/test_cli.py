"""`imagine-bot` commands as an operator runs them, on the tiny model, fully offline."""

from __future__ import annotations

import json
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


@pytest.fixture
def operator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'data' / 'imagine.db'}")
    monkeypatch.setenv("GENERATION_IMAGE_DIR", str(tmp_path / "data" / "images"))
    monkeypatch.setenv("GENERATION_DEVICE", "cpu")
    return tmp_path


def generate(model: Path, out: Path, *extra: str) -> list[Path]:
    with pytest.raises(SystemExit) as done:
        main(
            [
                "generate",
                "--model",
                str(model),
                "--accept-license",
                "--width",
                "64",
                "--height",
                "64",
                "--steps",
                "3",
                "--out",
                str(out),
                *extra,
            ]
        )
    assert done.value.code == 0
    return sorted(out.glob("*.png"))


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
        demo_model, operator_env / "c", "a red fox", "--image", str(first[0]), "--strength", "0.6"
    )
    assert len(varied) == 1
    with Image.open(varied[0]) as png:
        assert json.loads(png.text["imagine-bot"])["kind"] == "img2img"


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


def test_migrate_and_make_demo_model(operator_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["migrate"])
    assert (operator_env / "data" / "imagine.db").is_file()
    main(["make-demo-model", str(operator_env / "tiny")])
    assert (operator_env / "tiny" / "model_index.json").is_file()
    assert "newest revision" in capsys.readouterr().out
