"""/help: how to make images here, and the commands this member can use.

Built from what is live, so it cannot drift from the bot: the flags from the flag parser, the commands
from the command tree, the limits from this server's policy, the models from the registry. Moderator
commands are listed to moderators only; commands that work only on a server are left out of DMs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import wording
from bot.formatting import EMBED_COLOUR
from bot.interactions import defer
from moderation.policy import GuildPolicy

if TYPE_CHECKING:
    from bot.client import ImagineBot

Interaction = discord.Interaction[Any]
TreeCommand = app_commands.Command[Any, ..., Any] | app_commands.Group | app_commands.ContextMenu
# Marks a command group as moderators' (its `extras`), for /help to list it to them only.
MODERATORS_ONLY = "moderators_only"
# Discord's limit on one embed field's value.
_FIELD_CHARS = 1024


class HelpCog(commands.Cog):
    def __init__(self, bot: ImagineBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="How to make images here, and every command you can use")
    async def help(self, interaction: Interaction) -> None:
        await defer(interaction, ephemeral=True, thinking=True)
        flow = self.bot.flow
        try:
            policy = await flow.policy_for(interaction.guild_id)
            moderator = await flow.is_moderator(interaction, policy)
        except Exception as exc:
            await flow.reply_problem(interaction, exc)
            return
        generation = self.bot.settings.generation
        embed = help_embed(
            self.bot.tree.get_commands(),
            policy,
            models=list(generation.models),
            default_model=generation.default_model,
            in_guild=interaction.guild_id is not None,
            dms_allowed=self.bot.bot_settings.dms_allowed,
            moderator=moderator,
        )
        await interaction.followup.send(embed=embed)


def help_embed(
    tree_commands: list[TreeCommand],
    policy: GuildPolicy,
    *,
    models: list[str],
    default_model: str,
    in_guild: bool,
    dms_allowed: bool,
    moderator: bool,
) -> discord.Embed:
    intro = wording.help_intro(policy)
    if not in_guild and not dms_allowed:
        intro = f"{wording.NO_IMAGES_IN_DMS}\n\n{intro}"
    embed = discord.Embed(title=wording.HELP_TITLE, description=intro, colour=EMBED_COLOUR)
    embed.add_field(name="Under your images", value=wording.help_buttons(policy.max_count), inline=False)
    if in_guild:
        embed.add_field(name="On this server", value=wording.help_limits(policy), inline=False)
    embed.add_field(
        name="Models", value=wording.help_models(models, default_model, _FIELD_CHARS), inline=False
    )
    members, moderators = command_lines(tree_commands, in_guild=in_guild)
    embed.add_field(name="Commands", value=wording.whole_lines(members, _FIELD_CHARS), inline=False)
    if moderator and moderators:
        embed.add_field(
            name="Moderator commands", value=wording.whole_lines(moderators, _FIELD_CHARS), inline=False
        )
    return embed


def command_lines(
    tree_commands: list[TreeCommand],
    *,
    in_guild: bool,
) -> tuple[list[str], list[str]]:
    """One line per slash command, or per group with its subcommands: members' lines, moderators'."""
    members: list[str] = []
    moderators: list[str] = []
    for command in sorted(tree_commands, key=lambda c: c.name):
        if isinstance(command, app_commands.ContextMenu) or (command.guild_only and not in_guild):
            continue
        if isinstance(command, app_commands.Group):
            subcommands = [
                sub.qualified_name.removeprefix(f"{command.name} ")
                for sub in command.walk_commands()
                if isinstance(sub, app_commands.Command)
            ]
            subcommands.sort(key=lambda name: name.count(" "))  # "set" before "terms add"
            line = wording.command_group_line(command.name, command.description, subcommands)
            (moderators if command.extras.get(MODERATORS_ONLY) else members).append(line)
        else:
            members.append(wording.command_line(command.name, command.description))
    return members, moderators
