"""Guild policy: typed defaults, parsing what moderators type, and re2-validated patterns."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from moderation.errors import InvalidPolicy
from moderation.policy import (
    MAX_BANNED_PATTERNS,
    MAX_BANNED_TERMS,
    MAX_PATTERN_CHARS,
    GuildPolicy,
    NsfwMode,
    check_new_items,
    compile_pattern,
)


def test_defaults_are_the_safe_choice() -> None:
    policy = GuildPolicy()
    assert policy.nsfw_mode is NsfwMode.OFF
    assert policy.banned_terms == []
    assert policy.max_steps == 50
    assert policy.max_pixels == 1024 * 1024
    assert policy.max_count == 4
    assert policy.allowed_channel_ids == []


@pytest.mark.parametrize(
    ("key", "raw", "attribute", "expected"),
    [
        ("nsfw_mode", "age_restricted", "nsfw_mode", NsfwMode.AGE_RESTRICTED),
        ("nsfw-mode", "Age-Restricted", "nsfw_mode", NsfwMode.AGE_RESTRICTED),
        ("NSFW_MODE", "off", "nsfw_mode", NsfwMode.OFF),
        ("max_steps", "30", "max_steps", 30),
        ("max_pixels", "1_048_576", "max_pixels", 1024 * 1024),
        ("max_count", "1", "max_count", 1),
        ("allowed_channel_ids", "<#123>, <#456> 789", "allowed_channel_ids", [123, 456, 789]),
        ("allowed_channel_ids", "none", "allowed_channel_ids", []),
        ("moderator_role_id", "<@&42>", "moderator_role_id", 42),
        ("log_channel_id", "<#99>", "log_channel_id", 99),
        ("log_channel_id", "none", "log_channel_id", None),
        ("banned_terms", "clown, spider ,hot dog", "banned_terms", ["clown", "spider", "hot dog"]),
        ("banned_patterns", "a{1,3}b\n\\bspiders?\\b", "banned_patterns", ["a{1,3}b", r"\bspiders?\b"]),
    ],
)
def test_with_setting_parses_what_a_moderator_types(
    key: str, raw: str, attribute: str, expected: object
) -> None:
    before = GuildPolicy()
    after = before.with_setting(key, raw)
    assert getattr(after, attribute) == expected
    # The original is untouched: with_setting returns a copy.
    assert before == GuildPolicy()


@pytest.mark.parametrize(
    ("key", "raw", "reported_key", "reason_part"),
    [
        ("colour", "red", "colour", "unknown setting"),
        ("max_steps", "lots", "max_steps", "not a whole number"),
        ("max_steps", "151", "max_steps", "less than or equal to 150"),
        ("max_steps", "0", "max_steps", "greater than or equal to 1"),
        ("max_count", "5", "max_count", "less than or equal to 4"),
        ("nsfw_mode", "always", "nsfw_mode", "must be one of"),
        ("log_channel_id", "#general", "log_channel_id", "not an id"),
        # A digit int() refuses ("²" is one) and ids beyond Discord's 64 bits are refused, not crashes.
        ("moderator_role_id", "²", "moderator_role_id", "not an id"),
        ("allowed_channel_ids", "1, ³", "allowed_channel_ids", "not an id"),
        ("log_channel_id", "9" * 30, "log_channel_id", "not an id"),
        ("banned_patterns", "(unclosed", "banned_patterns", "not a valid regular expression"),
        ("banned_patterns", "(a)\\1", "banned_patterns", "not a valid regular expression"),
        ("banned_patterns", "x" * (MAX_PATTERN_CHARS + 1), "banned_patterns", "longer than"),
        ("banned_terms", "!!!", "banned_terms", "no letters, digits or emoji"),
        ("banned_terms", "one two three four five six", "banned_terms", "more than 5 words"),
    ],
)
def test_bad_settings_raise_invalid_policy_with_the_key_and_a_reason(
    key: str, raw: str, reported_key: str, reason_part: str
) -> None:
    with pytest.raises(InvalidPolicy) as caught:
        GuildPolicy().with_setting(key, raw)
    assert caught.value.key == reported_key
    assert reason_part in caught.value.reason


def test_unknown_keys_are_refused_on_construction_and_from_mapping() -> None:
    with pytest.raises(ValidationError):
        GuildPolicy(colour="red")  # type: ignore[call-arg]
    with pytest.raises(InvalidPolicy) as caught:
        GuildPolicy.from_mapping({"nsfw_mode": "off", "colour": "red"})
    assert caught.value.key == "colour"


def test_assignment_is_validated() -> None:
    policy = GuildPolicy()
    with pytest.raises(ValidationError):
        policy.max_steps = 1000
    with pytest.raises(ValidationError, match="not a valid regular expression"):
        policy.banned_patterns = ["(a"]


def test_pattern_count_is_capped() -> None:
    with pytest.raises(InvalidPolicy):
        GuildPolicy().with_values(banned_patterns=[f"p{i}" for i in range(MAX_BANNED_PATTERNS + 1)])


def test_terms_are_deduplicated_by_their_normalised_form() -> None:
    policy = GuildPolicy(banned_terms=["Clown", "clown", "CL0WN", "spider"])
    assert policy.banned_terms == ["Clown", "spider"]
    # Emoji terms by their emoji, whatever skin tone or variation selector they were typed with.
    assert GuildPolicy(banned_terms=["🍆", "🍆\ufe0f", "💦", "👍🏽", "👍"]).banned_terms == [
        "🍆",
        "💦",
        "👍🏽",
    ]


@pytest.mark.timeout(10)
def test_catastrophic_backtracking_pattern_cannot_hang() -> None:
    # A backtracking engine would not finish this search in our lifetime (and the timeout would fail the
    # test); re2 runs in time linear in the text.
    policy = GuildPolicy().with_setting("banned_patterns", "(a+)+$")
    pattern = compile_pattern(policy.banned_patterns[0])
    assert pattern.search("a" * 100_000 + "!") is None
    assert pattern.search("a" * 100_000) is not None


def test_patterns_are_case_insensitive() -> None:
    assert compile_pattern("spider").search("SPIDER") is not None


def test_the_number_of_terms_and_patterns_is_bounded_once_repeats_are_merged() -> None:
    # Adding banned terms again in other forms ("ＣＬＯＷＮ" for "clown") was refused as too many
    # before the repeats were merged, though the list would not have grown.
    terms = [f"term{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(MAX_BANNED_TERMS)]
    policy = GuildPolicy(banned_terms=terms)
    again = policy.with_values(banned_terms=[*terms, *(term.upper() for term in terms)])
    assert again.banned_terms == terms
    with pytest.raises(InvalidPolicy) as caught:
        policy.with_values(banned_terms=[*terms, "one more"])
    assert caught.value.key == "banned_terms"
    assert (
        f"at most {MAX_BANNED_TERMS} banned terms; this would make {MAX_BANNED_TERMS + 1}"
        in caught.value.reason
    )
    patterns = [f"p{i}x" for i in range(MAX_BANNED_PATTERNS)]
    assert GuildPolicy(banned_patterns=patterns * 2).banned_patterns == patterns
    with pytest.raises(ValidationError, match=f"at most {MAX_BANNED_PATTERNS} banned patterns"):
        GuildPolicy(banned_patterns=[*patterns, "q"])


@pytest.mark.parametrize(("raw", "stored"), [("1,000", 1000), ("25", 25), ("1_000", 1000)])
def test_thousands_separators_are_read_and_other_commas_refused(raw: str, stored: int) -> None:
    assert GuildPolicy().with_setting("guild_queue_cap", raw).guild_queue_cap == stored
    # "2,5" and "1,2,3" were read as 25 and 123, and echoed as typed.
    for odd in ("2,5", "1,2,3"):
        with pytest.raises(InvalidPolicy, match="is not a whole number"):
            GuildPolicy().with_setting("guild_queue_cap", odd)


def test_a_long_odd_value_is_quoted_briefly() -> None:
    with pytest.raises(InvalidPolicy) as caught:
        GuildPolicy().with_setting("max_steps", "\u200b" * 400 + "1")
    assert len(caught.value.reason) < 120


@pytest.mark.parametrize(
    ("items", "kind", "says"),
    [
        (["c++"], "term", "kind: pattern"),
        (["\\bcat\\b"], "term", "kind: pattern"),
        (["C#"], "term", "single letter"),
        (["a"], "term", "single letter"),
        (["^"], "pattern", "matches every prompt"),
        ([".*"], "pattern", "matches every prompt"),
    ],
)
def test_items_that_would_not_do_what_they_look_like_are_refused_when_added(
    items: list[str], kind: str, says: str
) -> None:
    with pytest.raises(InvalidPolicy, match=re.escape(says)):
        check_new_items(items, kind)  # type: ignore[arg-type]
    # Stored by an earlier version, a list holding one still loads whole.
    field = "banned_terms" if kind == "term" else "banned_patterns"
    assert getattr(GuildPolicy(**{field: [*items, "zeppelin"]}), field)[-1] == "zeppelin"
