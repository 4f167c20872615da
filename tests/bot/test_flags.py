"""Inline flags: what parses, what is refused, and that each refusal names the flag."""

from __future__ import annotations

import pytest

from bot.errors import FlagError
from bot.flags import InlineFlags, parse_flags
from generation.params import MAX_SEED


def test_a_prompt_without_flags_is_left_alone() -> None:
    assert parse_flags("  a castle on a hill  ") == InlineFlags(prompt="a castle on a hill")


def test_every_flag_is_parsed() -> None:
    flags = parse_flags(
        "a castle --ar 16:9 --seed 7 --steps 30 --cfg 6.5 --n 4 --strength 0.4 --no text, blur"
    )
    assert flags == InlineFlags(
        prompt="a castle",
        aspect=(16, 9),
        seed=7,
        negative="text, blur",
        steps=30,
        guidance=6.5,
        count=4,
        strength=0.4,
    )


def test_no_takes_everything_up_to_the_next_flag() -> None:
    flags = parse_flags("a dog --no blurry, low quality --seed 3")
    assert flags.negative == "blurry, low quality"
    assert flags.seed == 3


@pytest.mark.parametrize(
    ("text", "negative"),
    [
        ('a dog --no "text, watermark"', "text, watermark"),
        ("a dog --no 'text'", "text"),
        ("a dog --no “curly quotes”", "curly quotes"),
    ],
)
def test_quoted_values(text: str, negative: str) -> None:
    assert parse_flags(text).negative == negative


def test_quoted_single_word_value() -> None:
    assert parse_flags('a dog --ar "3:2"').aspect == (3, 2)


def test_flag_names_are_case_insensitive_and_em_dash_works() -> None:
    flags = parse_flags("a dog —AR 2:3 --Seed 5")
    assert flags.aspect == (2, 3)
    assert flags.seed == 5


def test_double_dash_inside_a_word_is_prompt_text() -> None:
    assert parse_flags("a well--lit room").prompt == "a well--lit room"


def test_apostrophes_in_the_prompt_are_fine() -> None:
    assert parse_flags("a dog's dream --seed 1").prompt == "a dog's dream"


@pytest.mark.parametrize(
    ("text", "flag", "words"),
    [
        ("a dog --size 5", "--size", "unknown flag"),
        ("a dog --seed 1 --seed 2", "--seed", "twice"),
        ("a dog --seed", "--seed", "needs a value"),
        ("a dog --seed abc", "--seed", "not a whole number"),
        ("a dog --seed -1", "--seed", "not a whole number"),
        (f"a dog --seed {MAX_SEED + 1}", "--seed", "out of range"),
        ("a dog --seed 99999999999999999999", "--seed", "not a whole number"),
        ("a dog --steps 0", "--steps", "out of range"),
        ("a dog --steps 1000", "--steps", "out of range"),
        ("a dog --steps 2.5", "--steps", "not a whole number"),
        ("a dog --cfg nan", "--cfg", "not a number"),
        ("a dog --cfg inf", "--cfg", "not a number"),
        ("a dog --cfg 31", "--cfg", "out of range"),
        ("a dog --n 5", "--n", "out of range"),
        ("a dog --n 0", "--n", "out of range"),
        ("a dog --strength 0.01", "--strength", "out of range"),
        ("a dog --strength 2", "--strength", "out of range"),
        ("a dog --ar 16x", "--ar", "16:9"),
        ("a dog --ar 10:1", "--ar", "4:1"),
        ("a dog --ar 0:1", "--ar", "positive"),
        ('a dog --no "unclosed', "--no", "closing quote"),
        ('a dog --no ""', "--no", "needs a value"),
        ("a dog --seed 5 in space", "--seed", "unexpected text"),
        ("a dog --ar16:9", "--ar16", "unknown flag"),
    ],
)
def test_refusals_name_the_flag(text: str, flag: str, words: str) -> None:
    with pytest.raises(FlagError) as caught:
        parse_flags(text)
    assert caught.value.flag == flag
    assert words in caught.value.reason


def test_only_flags_leaves_an_empty_prompt_for_the_domain_to_refuse() -> None:
    assert parse_flags("--seed 4").prompt == ""
