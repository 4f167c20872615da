"""The fate of a classified image: post, spoiler, or withhold."""

from __future__ import annotations

import pytest

from moderation.classifiers import SafetyVerdict
from moderation.outcome import ImageAction, decide_image_outcome
from moderation.policy import GuildPolicy, NsfwMode

SAFE = SafetyVerdict(unsafe=False, classifier="test")
UNSAFE = SafetyVerdict(unsafe=True, labels=("x",), classifier="test")
OFF = GuildPolicy()
AGE = GuildPolicy(nsfw_mode=NsfwMode.AGE_RESTRICTED)


@pytest.mark.parametrize(
    ("verdict", "policy", "age_restricted", "action"),
    [
        (SAFE, OFF, False, ImageAction.POST),
        (SAFE, AGE, True, ImageAction.POST),
        (UNSAFE, OFF, False, ImageAction.WITHHOLD),
        (UNSAFE, OFF, True, ImageAction.WITHHOLD),
        (UNSAFE, AGE, False, ImageAction.WITHHOLD),
        (UNSAFE, AGE, True, ImageAction.SPOILER),
        (None, OFF, False, ImageAction.WITHHOLD),
        (None, AGE, True, ImageAction.WITHHOLD),
    ],
)
def test_decision_table(
    verdict: SafetyVerdict | None,
    policy: GuildPolicy,
    age_restricted: bool,
    action: ImageAction,
) -> None:
    outcome = decide_image_outcome(verdict, policy, channel_age_restricted=age_restricted)
    assert outcome.action is action
    if action is ImageAction.POST:
        assert outcome.reason is None
    else:
        assert outcome.reason and outcome.reason.endswith(".")


def test_classifier_failure_says_so() -> None:
    outcome = decide_image_outcome(None, AGE, channel_age_restricted=True)
    assert outcome.reason is not None and "could not run" in outcome.reason


def test_withheld_outside_age_restricted_channel_explains_where() -> None:
    outcome = decide_image_outcome(UNSAFE, AGE, channel_age_restricted=False)
    assert outcome.reason is not None and "age-restricted" in outcome.reason


def test_a_flagged_image_made_from_an_upload_is_withheld_even_where_spoilers_are_allowed() -> None:
    outcome = decide_image_outcome(UNSAFE, AGE, channel_age_restricted=True, from_upload=True)
    assert outcome.action is ImageAction.WITHHOLD
    assert outcome.reason is not None and "uploaded picture" in outcome.reason
    assert decide_image_outcome(SAFE, AGE, channel_age_restricted=True, from_upload=True).action is (
        ImageAction.POST
    )
