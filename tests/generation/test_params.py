from __future__ import annotations

import pytest
from pydantic import ValidationError

from generation.errors import InvalidParameters
from generation.params import (
    GenerationParams,
    JobKind,
    Limits,
    Sampler,
    check_params,
    nearest_compiled_size,
    parse_aspect_ratio,
    size_for_aspect,
)
from generation.settings import ModelSpec


def params(**overrides: object) -> GenerationParams:
    base: dict[str, object] = {"prompt": "a red fox", "model": "demo", "seeds": (1,)}
    base.update(overrides)
    return GenerationParams(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ratio", "expected"),
    [("1:1", (512, 512)), ("16:9", (680, 384)), ("9:16", (384, 680)), ("3x2", (624, 416))],
)
def test_aspect_ratio_snaps_to_grid_within_budget(ratio: str, expected: tuple[int, int]) -> None:
    width, height = size_for_aspect(*parse_aspect_ratio(ratio), 512 * 512)
    assert (width, height) == expected
    assert width % 8 == 0 and height % 8 == 0
    assert width * height <= 512 * 512


@pytest.mark.parametrize("digits", [300, 308, 309, 310, 1000])
def test_a_ratio_of_long_numbers_is_sized_like_the_short_one_it_equals(digits: int) -> None:
    # Past 308 digits a side no longer fits a float; the ratio of the two still does.
    side = int("1" * digits)
    ratio = parse_aspect_ratio(f"{side}:{side + 1}")
    assert size_for_aspect(*ratio, 512 * 512) == size_for_aspect(1, 1, 512 * 512)


@pytest.mark.parametrize(
    "bad", ["16", "a:b", "0:1", "-1:2", "10:1", "", "1" + "0" * 400 + ":1", "1_6:9", "16:+9"]
)
def test_bad_aspect_ratio_is_refused(bad: str) -> None:
    with pytest.raises(InvalidParameters) as caught:
        parse_aspect_ratio(bad)
    assert caught.value.field == "aspect"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"prompt": "   "}, "prompt"),
        ({"prompt": "x" * 2000}, "prompt"),
        ({"width": 500}, "width"),
        ({"height": 32}, "height"),
        ({"width": 2048, "height": 2048}, "size"),
        ({"steps": 0}, "steps"),
        ({"steps": 51}, "steps"),
        ({"guidance": float("nan")}, "guidance"),
        ({"guidance": 31.0}, "guidance"),
        ({"guidance": 1.0, "negative_prompt": "text"}, "negative"),
        ({"guidance": 0.0, "negative_prompt": "text"}, "negative"),
        ({"seeds": ()}, "count"),
        ({"seeds": (1, 2, 3, 4, 5)}, "count"),
        ({"seeds": (-1,)}, "seed"),
        ({"seeds": (2**33,)}, "seed"),
    ],
)
def test_check_params_names_the_field_to_change(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidParameters) as caught:
        check_params(params(**overrides), JobKind.TXT2IMG, Limits())
    assert caught.value.field == field
    assert caught.value.reason


def test_guild_limits_lower_the_bounds_and_a_limit_of_one_reads_as_one() -> None:
    # It said "count must be between 1 and 1" where a server allows one image.
    with pytest.raises(InvalidParameters) as caught:
        check_params(params(seeds=(1, 2)), JobKind.TXT2IMG, Limits(max_count=1))
    assert caught.value.reason == "count must be 1 on this server"
    with pytest.raises(InvalidParameters) as caught:
        check_params(params(seeds=(1, 2, 3, 4, 5)), JobKind.TXT2IMG, Limits(max_count=3))
    assert caught.value.reason == "count must be between 1 and 3"


def test_guidance_off_is_allowed_without_a_negative_prompt() -> None:
    # At guidance 1 or below the pipeline never reads the negative prompt; without one it is fine.
    check_params(params(guidance=0.0), JobKind.TXT2IMG, Limits())
    check_params(params(guidance=1.0, negative_prompt=" "), JobKind.TXT2IMG, Limits())
    check_params(params(guidance=1.5, negative_prompt="text"), JobKind.TXT2IMG, Limits())


def test_strength_is_checked_only_with_an_init_image() -> None:
    check_params(params(strength=0.0), JobKind.TXT2IMG, Limits())
    with pytest.raises(InvalidParameters) as caught:
        check_params(params(strength=0.0), JobKind.IMG2IMG, Limits())
    assert caught.value.field == "strength"
    with pytest.raises(InvalidParameters):
        check_params(params(strength=0.1, steps=5), JobKind.IMG2IMG, Limits())


def test_sampler_parses_labels_and_values() -> None:
    assert Sampler.parse("DPM++ 2M") is Sampler.DPMPP_2M
    assert Sampler.parse("euler a") is Sampler.EULER_A
    assert Sampler.parse("ddim") is Sampler.DDIM
    with pytest.raises(InvalidParameters):
        Sampler.parse("heun")


def test_params_round_trip_through_json_and_rerun_changes_seeds() -> None:
    original = params(seeds=(1, 2, 3), sampler=Sampler.EULER_A, negative_prompt="blurry")
    assert GenerationParams.from_json(original.to_json()) == original
    rerun = original.with_new_seeds()
    assert rerun.count == 3 and rerun.seeds != original.seeds
    assert rerun.prompt == original.prompt and rerun.sampler is original.sampler


def test_a_model_folder_outside_the_registry_defaults_to_its_native_size(
    demo_model: object, tmp_path: object
) -> None:
    from pathlib import Path

    from generation.settings import GenerationSettings, native_size

    assert native_size(str(demo_model)) == (64, 64)  # tiny UNet sample 32 x VAE scale 2
    assert native_size(str(Path(str(tmp_path)) / "missing")) is None
    _, spec = GenerationSettings().spec(str(demo_model))
    assert (spec.width, spec.height) == (64, 64)
    _, hub = GenerationSettings().spec("someone/some-model")
    assert (hub.width, hub.height) == (512, 512)


def test_an_upload_close_to_a_compiled_shape_is_cropped_to_it_and_others_keep_their_own() -> None:
    compiled = [(512, 512), (624, 416), (416, 624)]  # the model's size, 3:2 and 2:3
    assert nearest_compiled_size(4032, 3024, compiled) == (624, 416)  # a 4:3 phone photo
    assert nearest_compiled_size(3024, 4032, compiled) == (416, 624)
    assert nearest_compiled_size(1000, 1080, compiled) == (512, 512)
    assert nearest_compiled_size(1920, 1080, compiled) is None  # 16:9 is too far from 3:2 to crop
    assert nearest_compiled_size(4032, 3024, []) is None  # compile off: nothing to snap to


@pytest.mark.parametrize("name", ["DPM++ 2M", "dpmpp_2m", "dpm++2m"])
def test_a_registered_model_takes_its_sampler_by_either_name(name: str) -> None:
    # The registry took only "dpmpp_2m", where /imagine and `generate --sampler` take "DPM++ 2M" too.
    assert ModelSpec(source="x", sampler=name).sampler is Sampler.DPMPP_2M  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="unknown sampler 'DPM 3M'; choose one of Euler a"):
        ModelSpec(source="x", sampler="DPM 3M")  # type: ignore[arg-type]
