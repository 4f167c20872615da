"""/policy and /mod: a server's moderators set its content policy and deal with members.

Who is a moderator is decided here, by the bot (Manage Server, or the policy's moderator role), not
only by Discord's `default_member_permissions`: server admins can change those in their settings, and
the moderator role would not work with them set. Every change is audited by the stores and echoed to
the policy's log channel when one is set.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import wording
from bot.permissions import parse_duration
from moderation.database import utcnow
from moderation.policy import GuildPolicy

if TYPE_CHECKING:
    from bot.client import ImagineBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
TermKind = Literal["term", "pattern"]
# The lists have their own commands (/policy terms); `set` is for single values.
_LIST_KEYS = {"banned_terms", "banned_patterns"}
SETTABLE_KEYS = tuple(key for key in GuildPolicy.model_fields if key not in _LIST_KEYS)


class ModerationCog(commands.Cog):
    policy = app_commands.Group(
        name="policy", description="This server's content policy (moderators)", guild_only=True
    )
    policy_terms = app_commands.Group(name="terms", description="Banned terms and patterns", parent=policy)
    mod = app_commands.Group(name="mod", description="Moderation of members (moderators)", guild_only=True)

    def __init__(self, bot: ImagineBot) -> None:
        self.bot = bot

    async def _moderated(
        self, interaction: Interaction, action: Callable[[int, GuildPolicy], Awaitable[str]]
    ) -> None:
        """Defer, check the member is a moderator, run `action`, answer privately with its text."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        flow = self.bot.flow
        try:
            guild_id = interaction.guild_id
            if guild_id is None:
                raise app_commands.NoPrivateMessage()
            policy = await flow.require_moderator(interaction)
            text = await action(guild_id, policy)
        except Exception as exc:
            await flow.reply_problem(interaction, exc)
            return
        await interaction.followup.send(text, ephemeral=True)

    async def _echo(self, before: GuildPolicy, after: GuildPolicy, actor_id: int, what: str) -> None:
        """Tell the log channel (the new one, or the old one when it was just cleared)."""
        channel_id = after.log_channel_id or before.log_channel_id
        if channel_id is None:
            return
        try:
            await self.bot.get_partial_messageable(channel_id).send(
                wording.policy_changed(actor_id, what), allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as exc:
            log.warning("could not write to log channel %s: HTTP %s", channel_id, exc.status)

    # -- /policy ----------------------------------------------------------------------------------

    @policy.command(name="show", description="Show this server's policy")
    async def policy_show(self, interaction: Interaction) -> None:
        async def show(guild_id: int, policy: GuildPolicy) -> str:
            return wording.policy_summary(policy)

        await self._moderated(interaction, show)

    @policy.command(name="set", description="Change one setting of this server's policy")
    @app_commands.describe(
        key="The setting", value="The new value (on/off, a number, #channels, @role, or 'none')"
    )
    async def policy_set(
        self,
        interaction: Interaction,
        key: app_commands.Range[str, 1, 50],
        value: app_commands.Range[str, 1, 1000],
    ) -> None:
        async def change(guild_id: int, before: GuildPolicy) -> str:
            after = await self.bot.services.policies.set(guild_id, key, value, actor_id=interaction.user.id)
            what = wording.setting_changed(key, value)
            await self._echo(before, after, interaction.user.id, what)
            return what

        await self._moderated(interaction, change)

    @policy_set.autocomplete("key")
    async def _keys(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=key, value=key) for key in SETTABLE_KEYS if current.lower() in key][
            :25
        ]

    @policy.command(name="reset", description="Return this server's policy to the defaults")
    async def policy_reset(self, interaction: Interaction) -> None:
        async def reset(guild_id: int, before: GuildPolicy) -> str:
            after = await self.bot.services.policies.reset(guild_id, actor_id=interaction.user.id)
            what = wording.policy_reset()
            await self._echo(before, after, interaction.user.id, what)
            return what

        await self._moderated(interaction, reset)

    @policy_terms.command(name="add", description="Ban terms (comma separated) or a pattern")
    @app_commands.describe(
        items="Terms separated by commas, or one regular expression", kind="Terms or a pattern"
    )
    async def terms_add(
        self, interaction: Interaction, items: app_commands.Range[str, 1, 1000], kind: TermKind = "term"
    ) -> None:
        await self._change_terms(interaction, items, kind, adding=True)

    @policy_terms.command(name="remove", description="Unban terms (comma separated) or a pattern")
    @app_commands.describe(
        items="Terms separated by commas, or one regular expression", kind="Terms or a pattern"
    )
    async def terms_remove(
        self, interaction: Interaction, items: app_commands.Range[str, 1, 1000], kind: TermKind = "term"
    ) -> None:
        await self._change_terms(interaction, items, kind, adding=False)

    async def _change_terms(
        self, interaction: Interaction, items: str, kind: TermKind, *, adding: bool
    ) -> None:
        async def change(guild_id: int, before: GuildPolicy) -> str:
            parsed = _items(items, kind)
            policies = self.bot.services.policies
            apply = policies.add_terms if adding else policies.remove_terms
            after = await apply(guild_id, parsed, actor_id=interaction.user.id, kind=kind)
            verb = "added" if adding else "removed"
            await self._echo(
                before, after, interaction.user.id, wording.terms_changed_log(verb, kind, len(parsed))
            )
            return wording.terms_changed_reply(verb, kind, parsed)

        await self._moderated(interaction, change)

    @policy_terms.command(name="list", description="List the banned terms and patterns")
    async def terms_list(self, interaction: Interaction) -> None:
        async def show(guild_id: int, policy: GuildPolicy) -> str:
            return wording.terms_list(policy.banned_terms, policy.banned_patterns)

        await self._moderated(interaction, show)

    # -- /mod -------------------------------------------------------------------------------------

    @mod.command(name="ban", description="Stop a member from generating images here")
    @app_commands.describe(
        user="Who",
        reason="Why (shown to them)",
        duration="For how long: 30m, 12h, 7d, 2w (default: until unbanned)",
    )
    async def ban(
        self,
        interaction: Interaction,
        user: discord.User,
        reason: app_commands.Range[str, 1, 500] | None = None,
        duration: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        async def ban(guild_id: int, policy: GuildPolicy) -> str:
            expires_at = utcnow() + parse_duration(duration) if duration else None
            await self.bot.services.bans.ban(
                guild_id,
                user.id,
                reason=reason or wording.NO_REASON,
                expires_at=expires_at,
                actor_id=interaction.user.id,
            )
            what = wording.banned(user.id, reason, expires_at)
            await self._echo(policy, policy, interaction.user.id, what)
            return what

        await self._moderated(interaction, ban)

    @mod.command(name="unban", description="Let a member generate images here again")
    @app_commands.describe(user="Who")
    async def unban(self, interaction: Interaction, user: discord.User) -> None:
        async def unban(guild_id: int, policy: GuildPolicy) -> str:
            await self.bot.services.bans.unban(guild_id, user.id, actor_id=interaction.user.id)
            what = wording.unbanned(user.id)
            await self._echo(policy, policy, interaction.user.id, what)
            return what

        await self._moderated(interaction, unban)

    @mod.command(name="purge", description="Delete a member's jobs, images and records in this server")
    @app_commands.describe(user="Whose data")
    async def purge(self, interaction: Interaction, user: discord.User) -> None:
        async def purge(guild_id: int, policy: GuildPolicy) -> str:
            # One server's moderators reach that server's data only; /forget-me erases everything.
            jobs, rows = await self.bot.services.erase_user(user.id, guild_id=guild_id)
            self.bot.flow.delivery.show_erased(jobs)
            what = wording.purged(user.id, len(jobs), rows)
            await self._echo(policy, policy, interaction.user.id, what)
            return what

        await self._moderated(interaction, purge)

    @mod.command(name="log", description="The latest moderation log entries of this server")
    @app_commands.describe(count="How many entries")
    async def audit_log(self, interaction: Interaction, count: app_commands.Range[int, 1, 50] = 15) -> None:
        async def show(guild_id: int, policy: GuildPolicy) -> str:
            return wording.audit_entries(await self.bot.services.audit.recent(guild_id, count))

        await self._moderated(interaction, show)

    @mod.command(name="blocked", description="Recently blocked prompts of this server, for review")
    @app_commands.describe(count="How many prompts")
    async def blocked(self, interaction: Interaction, count: app_commands.Range[int, 1, 20] = 10) -> None:
        async def show(guild_id: int, policy: GuildPolicy) -> str:
            return wording.blocked_prompts(await self.bot.services.audit.blocked_prompts(guild_id, count))

        await self._moderated(interaction, show)


def _items(raw: str, kind: TermKind) -> list[str]:
    """Terms are comma separated; a pattern is taken whole (it may contain commas, as in `a{1,3}`)."""
    if kind == "pattern":
        return [raw.strip()]
    return [part.strip() for part in raw.split(",") if part.strip()]
