"""Options and flags merged into generation parameters: precedence, notes, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import FlagError
from bot.options import ImagineOptions, build_params
from generation.errors import InvalidParameters
from generation.params import MAX_SEED, GenerationParams, Sampler
from generation.settings import ModelSpec

MODELS = {"demo": ModelSpec(source="x", width=64, height=64, steps=4, sampler=Sampler.EULER, guidance=5.0)}


def build(**options: Any) -> tuple[GenerationParams, tuple[str, ...]]:
    built = build_params(
        ImagineOptions(**options),
        models=MODELS,
        default_model="demo",
    )
    return built.params, built.notes


def test_model_defaults_apply() -> None:
    params, notes = build(prompt="a cat")
    assert (params.width, params.height, params.steps, params.guidance, params.sampler) == (
        64,
        64,
        4,
        5.0,
        Sampler.EULER,
    )
    assert params.count == 1
    assert notes == ()


def test_flags_apply_and_seeds_follow_the_first() -> None:
    params, _ = build(prompt="a cat --seed 10 --n 3 --steps 3 --cfg 2 --no dogs")
    assert params.seeds == (10, 11, 12)
    assert params.steps == 3
    assert params.guidance == 2.0
    assert params.negative_prompt == "dogs"
    assert params.prompt == "a cat"


def test_seeds_wrap_at_the_top_of_the_range() -> None:
    params, _ = build(prompt="a cat", seed=MAX_SEED, count=2)
    assert params.seeds == (MAX_SEED, 0)


def test_the_option_wins_over_the_flag_and_says_so() -> None:
    params, notes = build(prompt="a cat --seed 5 --steps 3", seed=7, steps=3)
    assert params.seeds == (7,)
    assert len(notes) == 1
    assert "--seed 5" in notes[0] and "seed" in notes[0]


def test_aspect_option_and_flag() -> None:
    params, _ = build(prompt="a cat --ar 16:9")
    assert params.width > params.height
    params, notes = build(prompt="a cat --ar 16:9", aspect="9:16")
    assert params.width < params.height
    assert "--ar 16:9" in notes[0]


def test_width_and_height() -> None:
    params, _ = build(prompt="a cat", width=128, height=64)
    assert (params.width, params.height) == (128, 64)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"prompt": "a cat", "width": 128}, "size"),
        ({"prompt": "a cat", "width": 128, "height": 64, "aspect": "1:1"}, "aspect"),
        ({"prompt": "a cat", "has_image": True, "aspect": "1:1"}, "aspect"),
        ({"prompt": "a cat --ar 2:3", "has_image": True}, "aspect"),
        ({"prompt": "a cat", "strength": 0.5}, "strength"),
        ({"prompt": "a cat --strength 0.5"}, "strength"),
        ({"prompt": "a cat", "model": "stabilityai/some-hub-model"}, "model"),
        ({"prompt": "a cat", "sampler": "LMS"}, "sampler"),
    ],
)
def test_refusals_name_the_field(options: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidParameters) as caught:
        build(**options)
    assert caught.value.field == field


def test_strength_with_an_image() -> None:
    params, _ = build(prompt="a cat", has_image=True, strength=0.3)
    assert params.strength == 0.3


def test_flag_errors_pass_through() -> None:
    with pytest.raises(FlagError):
        build(prompt="a cat --bogus 1")
