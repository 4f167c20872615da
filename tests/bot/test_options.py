"""Options and flags merged into generation parameters: precedence, notes, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import FlagError
from bot.options import ImagineOptions, build_params, within_server_limits
from bot.wording import describe_error
from generation.errors import InvalidParameters, SourceUnavailable
from generation.params import MAX_SEED, GenerationParams, JobKind, Limits, Sampler, check_params
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


def test_what_the_member_left_to_the_model_is_lowered_to_a_servers_smaller_limits() -> None:
    models = {"big": ModelSpec(source="x", width=768, height=512, steps=30)}

    def fitted(prompt: str = "a cat", **options: Any) -> GenerationParams:
        built = build_params(ImagineOptions(prompt=prompt, **options), models=models, default_model="big")
        return within_server_limits(built, max_steps=20, max_pixels=256 * 256).params

    plain = fitted()
    assert (plain.steps, plain.width, plain.height) == (20, 312, 208)
    check_params(plain, JobKind.TXT2IMG, Limits(max_steps=20, max_pixels=256 * 256))
    square = fitted(aspect="1:1")
    assert (square.width, square.height) == (256, 256)
    # What the member chose stays as it is, for the checks to refuse with the limit it passes.
    chosen = fitted(steps=25, width=512, height=512)
    assert (chosen.steps, chosen.width, chosen.height) == (25, 512, 512)
    assert fitted("a cat --steps 25").steps == 25


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


def test_an_ignored_negative_flag_is_not_repeated_in_the_public_note() -> None:
    # The note is shown in the channel; the dropped `--no` text is never screened, so it must not
    # appear there (nor the option's text, which can be 1,500 characters long).
    params, notes = build(prompt="a cat --no some words nobody screened", negative="dogs")
    assert params.negative_prompt == "dogs"
    assert notes == ("`--no` was ignored: the `negative` option wins",)


@pytest.mark.parametrize("ratio", ["16X9", "16×9", "16x9", "16/9"])
def test_aspect_ratio_separators_people_type(ratio: str) -> None:
    params, _ = build(prompt=f"a cat --ar {ratio}")
    assert params.width > params.height


@pytest.mark.parametrize(
    "prompt", ["\u200b", "\u200b\u200d\ufeff", "\u2800", "\u3164 \u3164", "\u200e\u0301"]
)
def test_a_prompt_of_invisible_characters_is_empty(prompt: str) -> None:
    # str.strip() keeps zero-width and blank characters: such a prompt ran a whole job on nothing.
    params, _ = build(prompt=prompt)
    with pytest.raises(InvalidParameters) as caught:
        check_params(params, JobKind.TXT2IMG, Limits())
    assert caught.value.field == "prompt"


@pytest.mark.parametrize("prompt", ["🦊", "狐", "a\u200bfox", "..."])
def test_a_prompt_with_something_visible_is_kept(prompt: str) -> None:
    params, _ = build(prompt=prompt)
    check_params(params, JobKind.TXT2IMG, Limits())


@pytest.mark.parametrize(
    ("size", "limit"), [((2048, 2048), "1,048,576 pixels"), ((4096, 256), "2048 pixels a side")]
)
def test_an_upscale_too_large_says_so_rather_than_blaming_an_option(
    size: tuple[int, int], limit: str
) -> None:
    # A U1 click on a 1024x1024 image used to answer "Change the `width` option"; it has none.
    params = GenerationParams(prompt="a cat", model="demo", width=size[0], height=size[1], strength=0.3)
    with pytest.raises(SourceUnavailable) as caught:
        check_params(params, JobKind.UPSCALE, Limits())
    assert "upscaled" in caught.value.reason
    assert limit in caught.value.reason
    assert "Change" not in describe_error(caught.value)
