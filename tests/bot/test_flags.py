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
        # Whole numbers outside the range are called that, not "not a whole number".
        ("a dog --seed -1", "--seed", "out of range"),
        (f"a dog --seed {MAX_SEED + 1}", "--seed", "out of range"),
        ("a dog --seed 99999999999999999999", "--seed", "out of range"),
        ("a dog --seed 9" + "9" * 1400, "--seed", "out of range"),
        ("a dog --cfg 1000000", "--cfg", "out of range"),
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
        ("a dog --ar 1" + "0" * 400 + ":1", "--ar", "4:1"),
        ("a dog --ar 1_6:9", "--ar", "16:9"),
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


def test_leading_zeros_do_not_make_a_number_out_of_range() -> None:
    assert parse_flags("a dog --seed " + "0" * 30 + "7").seed == 7
    assert parse_flags("a dog --seed " + "0" * 5000 + "7").seed == 7  # past int()'s 4,300 digits
    assert parse_flags("a dog --seed -000").seed == 0


def test_only_flags_leaves_an_empty_prompt_for_the_domain_to_refuse() -> None:
    assert parse_flags("--seed 4").prompt == ""


@pytest.mark.parametrize("dash", ["--", "—", "–", "―", "−−", "---", "—-", "–-"])
def test_dashes_that_autocorrect_makes_of_two_hyphens_start_a_flag(dash: str) -> None:
    # Left in the prompt, "–ar 16:9" would silently give a square image with the flag drawn in.
    flags = parse_flags(f"a castle {dash}ar 16:9 {dash}seed 7")
    assert flags == InlineFlags(prompt="a castle", aspect=(16, 9), seed=7)


@pytest.mark.parametrize(
    "text",
    [
        "a castle －－ａｒ　１６：９　－－ｓｅｅｄ　７",
        "a castle ﹣﹣ar 16:9 ﹣﹣seed 7",
        "a castle －ar １６:９ ﹘seed ７",
    ],
)
def test_flags_typed_in_full_width_forms_are_flags(text: str) -> None:
    # Chinese, Japanese and Korean input methods in full-width mode type these; left in the prompt,
    # the flag would be drawn into a square image.
    assert parse_flags(text) == InlineFlags(prompt="a castle", aspect=(16, 9), seed=7)


def test_minus_zero_is_zero() -> None:
    # It was kept as -0.0, and the result showed "CFG -0".
    guidance = parse_flags("a castle --cfg -0").guidance
    assert guidance == 0 and str(guidance) == "0.0"


def test_a_full_width_value_is_read_as_its_ascii_form() -> None:
    assert parse_flags("a castle --cfg ７．５ --n ２").guidance == 7.5
    with pytest.raises(FlagError) as caught:
        parse_flags("a castle --seed －１")
    assert "out of range" in caught.value.reason


def test_one_ascii_hyphen_is_prompt_text() -> None:
    assert parse_flags("a castle -ar 16:9").prompt == "a castle -ar 16:9"


def test_a_quoted_value_may_contain_a_flag() -> None:
    flags = parse_flags('a cat --no "blurry --ar 2:3" --seed 4')
    assert flags.negative == "blurry --ar 2:3"
    assert flags.seed == 4
    assert flags.aspect is None


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        (
            'a poster reading "make love --no war"',
            InlineFlags(prompt='a poster reading "make love --no war"'),
        ),
        (
            "a poster reading “make love --no war” --seed 3",
            InlineFlags(prompt="a poster reading “make love --no war”", seed=3),
        ),
        (
            "a sign reading 'keep out --n 2' --n 1",
            InlineFlags(prompt="a sign reading 'keep out --n 2'", count=1),
        ),
        # An inch mark or an apostrophe opens no quotation.
        ('a 12" pizza --no cheese', InlineFlags(prompt='a 12" pizza', negative="cheese")),
        ("a dog's toy --no cats' toys", InlineFlags(prompt="a dog's toy", negative="cats' toys")),
    ],
)
def test_a_flag_inside_a_passage_the_prompt_quotes_is_prompt_text(text: str, flags: InlineFlags) -> None:
    # Taken as a flag, "--no war" cut the prompt at the quotation and made `war"` the negative prompt.
    assert parse_flags(text) == flags


@pytest.mark.parametrize("space", ["\n", "\t", "\u00a0"])
def test_text_after_a_value_is_refused_whatever_space_separates_it(space: str) -> None:
    with pytest.raises(FlagError) as caught:
        parse_flags(f"a cat --ar 16:9{space}sunset")
    assert caught.value.flag == "--ar"
    assert "unexpected text" in caught.value.reason
    assert "'sunset'" in caught.value.reason


def test_a_flag_right_after_a_flag_means_the_first_has_no_value() -> None:
    with pytest.raises(FlagError) as caught:
        parse_flags("a cat --seed --ar 1:1")
    assert caught.value.flag == "--seed"
    assert "needs a value" in caught.value.reason


@pytest.mark.parametrize(
    "text",
    [
        "--ar 16:9 " + 'it\'s a "castle" ' * 90,
        "a cat --" + "x" * 1400,
        "a cat --seed " + "x" * 1400,
        "a cat --cfg " + "1" * 1400,
    ],
)
def test_errors_repeat_only_a_short_piece_of_what_was_typed(text: str) -> None:
    # The answer (reason plus the flags' help) must stay within Discord's 2,000 characters.
    with pytest.raises(FlagError) as caught:
        parse_flags(text)
    assert len(caught.value.flag) + len(caught.value.reason) < 200


@pytest.mark.parametrize(
    ("text", "prompt", "negative"),
    [
        # As AUTOMATIC1111 and civitai write a prompt, pasted into one line of a slash command.
        (
            "masterpiece, 1girl, library. Negative prompt: lowres, bad anatomy, nsfw Steps: 20, Sampler: Euler a",
            "masterpiece, 1girl, library. Steps: 20, Sampler: Euler a",
            "lowres, bad anatomy, nsfw",
        ),
        ("a castle\nNegative prompt: text, watermark", "a castle", "text, watermark"),
        ("a castle. negative prompt:", "a castle.", None),
        # Quoted, it is text the picture shows.
        ('a sign reading "negative prompt: none"', 'a sign reading "negative prompt: none"', None),
    ],
)
def test_a_pasted_negative_prompt_is_the_negative_prompt(
    text: str, prompt: str, negative: str | None
) -> None:
    flags = parse_flags(text)
    assert (flags.prompt, flags.negative) == (prompt, negative)


def test_a_pasted_negative_prompt_goes_with_other_flags_but_not_with_no() -> None:
    flags = parse_flags("a castle Negative prompt: text, watermark --ar 16:9")
    assert (flags.prompt, flags.negative, flags.aspect) == ("a castle", "text, watermark", (16, 9))
    with pytest.raises(FlagError, match="--no: given twice"):
        parse_flags("a castle Negative prompt: text --no blur")
