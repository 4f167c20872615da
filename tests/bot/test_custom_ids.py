"""custom_ids round-trip, and anything tampered is refused with BadButton (never another error)."""

from __future__ import annotations

import re

import pytest

from bot.buttons import DYNAMIC_ITEMS, STRAY_TEMPLATE, TERMS_TEMPLATE
from bot.custom_ids import TEMPLATES, Action, JobButton, make_custom_id, parse_custom_id
from bot.errors import BadButton


@pytest.mark.parametrize(
    "button",
    [
        JobButton(Action.RERUN, 12),
        JobButton(Action.DELETE, 12),
        JobButton(Action.CANCEL, 9),
        JobButton(Action.UPSCALE, 12, 0),
        JobButton(Action.VARY, 2**31 - 1, 3),
    ],
)
def test_round_trip(button: JobButton) -> None:
    assert parse_custom_id(button.custom_id) == button
    assert len(button.custom_id) <= 100


def test_templates_match_what_the_bot_makes() -> None:
    assert make_custom_id(Action.UPSCALE, 5, 1) == "imagine:upscale:5:1"
    for action, template in TEMPLATES.items():
        assert re.fullmatch(template, make_custom_id(action, 5, 0 if action.takes_index else None))


def test_the_largest_job_id_is_still_one() -> None:
    assert parse_custom_id("imagine:rerun:2147483647").job_id == 2**31 - 1


@pytest.mark.parametrize(
    "custom_id",
    [
        "imagine:rerun:abc",
        "imagine:rerun:",
        "imagine:rerun:0",
        "imagine:rerun:-4",
        "imagine:rerun:1:2",
        "imagine:rerun:99999999999999999999999",
        "imagine:rerun:2147483648",  # past the largest job id PostgreSQL can hold
        "imagine:upscale:5",
        "imagine:upscale:5:4",
        "imagine:upscale:5:-1",
        "imagine:upscale:5:x",
        "imagine:vary:5:1:2",
        "imagine:explode:5",
        "other:rerun:5",
        "",
    ],
)
def test_tampered_ids_are_refused(custom_id: str) -> None:
    with pytest.raises(BadButton):
        parse_custom_id(custom_id)


def test_every_id_with_our_prefix_reaches_exactly_one_dynamic_item() -> None:
    ids = [
        "imagine:rerun:abc",
        "imagine:terms:accept:x:1",
        "imagine:explode:1",
        "imagine:upscale:1:2",
        "imagine:",
    ]
    for custom_id in ids:
        matches = [
            item for item in DYNAMIC_ITEMS if item.__discord_ui_compiled_template__.fullmatch(custom_id)
        ]
        assert len(matches) == 1, custom_id
    assert re.fullmatch(TERMS_TEMPLATE, "imagine:terms:decline:creativeml-openrail-m:1.0")
    assert not re.fullmatch(STRAY_TEMPLATE, "imagine:rerun:1")


@pytest.mark.parametrize(
    "custom_id",
    ["imagine:rerun:5\n", "imagine:upscale:\n5:0", "imagine:terms:accept:x:1\n", "imagine:\nexplode"],
)
def test_an_id_with_a_line_break_still_reaches_a_dynamic_item(custom_id: str) -> None:
    # `.` does not match a line break by default: such an id matched no template, and the click got
    # Discord's "This interaction failed" instead of our answer.
    matches = [item for item in DYNAMIC_ITEMS if item.__discord_ui_compiled_template__.fullmatch(custom_id)]
    assert len(matches) == 1
    with pytest.raises(BadButton):
        parse_custom_id(custom_id)
