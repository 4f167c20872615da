"""Meta-tests of the command tree: unique names, descriptions everywhere, buttons parse tampered ids."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest
from discord import app_commands

from bot.buttons import DYNAMIC_ITEMS, RerunButton, StrayButton, TermsButton, UpscaleButton
from bot.cogs.help import MODERATORS_ONLY, HelpCog
from bot.cogs.imagine import ImagineCog
from bot.cogs.jobs import JobsCog
from bot.cogs.moderation import ModerationCog

DEFAULT_DESCRIPTION = "…"


def top_level() -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    bot = MagicMock()
    commands: list[Any] = []
    for cog in (ImagineCog(bot), JobsCog(bot), ModerationCog(bot), HelpCog(bot)):
        commands.extend(cog.get_app_commands())
    return commands


def walk(items: list[Any]) -> Iterator[Any]:
    for item in items:
        yield item
        if isinstance(item, app_commands.Group):
            yield from walk(list(item.commands))


def test_command_names_are_unique() -> None:
    names = [command.name for command in top_level()]
    assert len(names) == len(set(names)), names
    for group in (item for item in walk(top_level()) if isinstance(item, app_commands.Group)):
        sub = [command.name for command in group.commands]
        assert len(sub) == len(set(sub)), group.name


def test_the_expected_commands_exist() -> None:
    names = {item.qualified_name for item in walk(top_level())}
    expected = {"imagine", "terms", "queue", "cancel", "job", "history", "help", "mod ban", "mod unban"}
    expected |= {"mod purge"}
    expected |= {"mod log", "policy show", "policy set", "policy reset"}
    expected |= {"policy terms add", "policy terms remove", "policy terms list"}
    assert expected <= names


def test_every_command_and_option_has_a_description() -> None:
    for item in walk(top_level()):
        assert item.description and item.description != DEFAULT_DESCRIPTION, item.qualified_name
        assert len(item.description) <= 100, item.qualified_name
        if isinstance(item, app_commands.Command):
            for parameter in item.parameters:
                assert parameter.description and parameter.description != DEFAULT_DESCRIPTION, (
                    f"{item.qualified_name} {parameter.name}"
                )
                assert len(parameter.description) <= 100, f"{item.qualified_name} {parameter.name}"


def test_moderation_groups_are_guild_only_and_listed_by_help_to_moderators_only() -> None:
    groups = [command for command in top_level() if isinstance(command, app_commands.Group)]
    assert {group.name for group in groups} == {"policy", "mod"}
    for group in groups:
        assert group.guild_only and group.extras.get(MODERATORS_ONLY)


def test_imagine_options_are_ranged() -> None:
    imagine = next(command for command in top_level() if command.name == "imagine")
    assert isinstance(imagine, app_commands.Command)
    options = {parameter.name: parameter for parameter in imagine.parameters}
    assert (options["count"].min_value, options["count"].max_value) == (1, 4)
    assert [choice.value for choice in options["aspect"].choices] == [
        "1:1",
        "3:2",
        "2:3",
        "16:9",
        "9:16",
        "4:3",
        "3:4",
        "21:9",
    ]
    assert options["model"].autocomplete


def _match(item: type[discord.ui.DynamicItem[Any]], custom_id: str) -> re.Match[str]:
    match = item.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    return match


async def test_tampered_ids_become_items_that_carry_the_problem() -> None:
    interaction = MagicMock(spec_set=discord.Interaction)
    item = MagicMock()
    rerun = await RerunButton.from_custom_id(interaction, item, _match(RerunButton, "imagine:rerun:x1"))
    assert rerun.parsed is None and rerun.problem is not None
    upscale = await UpscaleButton.from_custom_id(
        interaction, item, _match(UpscaleButton, "imagine:upscale:7:9")
    )
    assert upscale.parsed is None and upscale.problem is not None
    good = await UpscaleButton.from_custom_id(interaction, item, _match(UpscaleButton, "imagine:upscale:7:1"))
    assert good.parsed is not None and (good.parsed.job_id, good.parsed.index) == (7, 1)
    terms = await TermsButton.from_custom_id(
        interaction, item, _match(TermsButton, "imagine:terms:maybe:x:1")
    )
    assert not terms.valid
    stray = await StrayButton.from_custom_id(interaction, item, _match(StrayButton, "imagine:nope"))
    assert stray.custom_id == "imagine:nope"


@pytest.mark.parametrize("item", DYNAMIC_ITEMS)
def test_dynamic_items_have_templates_with_our_prefix(item: type[discord.ui.DynamicItem[Any]]) -> None:
    assert item.__discord_ui_compiled_template__.pattern.startswith("imagine:")
