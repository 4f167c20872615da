"""Normalisation undoes obfuscation without inventing words out of ordinary numbers."""

from __future__ import annotations

import pytest

from moderation.normalize import analyze, normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NUDE", "nude"),
        ("n u d e", "nude"),
        ("n.u.d.e", "nude"),
        ("n-u-d-e", "nude"),
        ("n_u_d_e", "nude"),
        ("nu.de", "nude"),
        ("ｎｕｄｅ", "nude"),
        ("𝓷𝓾𝓭𝓮", "nude"),
        ("ⓝⓤⓓⓔ", "nude"),
        ("ɴᴜᴅᴇ", "nude"),
        ("🇳🇺🇩🇪", "nude"),
        ("пudе", "nude"),
        ("ηυδε", "nude"),
        ("nüdé", "nude"),
        ("nu\u200bde", "nude"),
        ("n\u0301u\u0308de", "nude"),
        ("s3x", "sex"),
        ("p0rn", "porn"),
        ("k1d", "kid"),
        ("n@ked", "naked"),
        ("$exy", "sexy"),
        ("(nude:1.3)", "nude"),
        ("[[nude]]", "nude"),
        ("{nude}", "nude"),
        ("<lora:detail_tweaker:0.8> castle", "detailtweaker castle"),
        ("👶", "child"),
        ("cat's toy", "cats toy"),
    ],
)
def test_normalize_folds_obfuscation(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    ["4k", "8k uhd", "1990s", "1920x1080", "16 9", "35mm", "3rd", "1080p", "60fps", "h264", "12yo", "2d"],
)
def test_numbers_with_units_are_not_read_as_leetspeak(text: str) -> None:
    assert normalize(text) == text


def test_one_is_read_as_both_i_and_l() -> None:
    views = analyze("sk1ll k1d l0l1")
    assert {"skill", "kid", "loli"} <= views.tokens
    # The canonical string reads "1" as "i", the token set has the "l" readings too.
    assert normalize("sk1ll") == "skill"
    assert "kld" in views.tokens


def test_views_keep_plain_tokens_next_to_folded_ones() -> None:
    views = analyze("a 4k photo")
    assert "4k" in views.tokens
    assert ("a", "4k", "photo") in views.sequences


def test_plurals_and_repeated_letters_have_variants() -> None:
    tokens = analyze("kiiids babies nuuuude").tokens
    assert {"kid", "kids", "baby", "nude"} <= tokens


def test_spaced_letter_runs_are_kept_for_substring_matching() -> None:
    views = analyze("a n u d e c h i l d")
    assert "anudechild" in views.runs


def test_zero_or_negative_weight_is_a_hidden_negative_prompt() -> None:
    views = analyze("a kid, (clothes:-1), (hat:0), (smile:1.2)")
    assert views.negated.split() == ["clothes", "hat"]
    assert "clothes" not in views.tokens
    assert "smile" in views.tokens


def test_masked_words_are_kept() -> None:
    assert analyze("s*x and n**ed").masked == ("s*x", "n**ed")


def test_word_edges_are_not_invented() -> None:
    # Scunthorpe and friends stay whole words.
    tokens = analyze("Scunthorpe, Essex, cocktail, grapefruit, therapist").tokens
    assert not {"sex", "cock", "rape", "rapist"} & tokens
