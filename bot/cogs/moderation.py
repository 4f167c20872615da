"""/policy and /mod: a server's moderators set its content policy and deal with members.

Who is a moderator is decided here, by the bot (Manage Server, or the policy's moderator role), not
only by Discord's `default_member_permissions`: server admins can change those in their settings, and
the moderator role would not work with them set. Every change is audited by the stores and echoed to
the policy's log channel when one is set. A change that refuses more (a banned term, a stricter setting,
a banned member) holds for the jobs already waiting in the queue too, not only for later requests; a
ban stops the member's running jobs as well.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import wording
from bot.cogs.help import MODERATORS_ONLY
from bot.errors import NotHere
from bot.interactions import defer
from bot.permissions import channel_allowed, parse_duration
from moderation.audit import AuditAction
from moderation.database import utcnow
from moderation.errors import InvalidPolicy
from moderation.policy import GuildPolicy, NsfwMode, TermKind, changed_terms, setting_name, term_key

if TYPE_CHECKING:
    from bot.client import ImagineBot


Interaction = discord.Interaction[Any]
# The lists have their own commands (/policy terms); `set` is for single values.
_LIST_KEYS = {"banned_terms", "banned_patterns"}
# What moderators may look for: direct messages have no server, so the bot's settings decide them.
_OPERATOR_SETTINGS = {"dms_allowed", "dms"}
SETTABLE_KEYS = tuple(key for key in GuildPolicy.model_fields if key not in _LIST_KEYS)
# Where the moderators' commands are offered: `guild_only` alone no longer keeps them out of direct
# messages once the bot's commands name the contexts they are used in (see `ImagineBot`).
_ON_SERVERS = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
# What an action answers: a text, or a text with a file (a list too long for a message).
Answer = str | tuple[str, discord.File]


class ModerationCog(commands.Cog):
    policy = app_commands.Group(
        name="policy",
        description="This server's content policy (moderators)",
        guild_only=True,
        allowed_contexts=_ON_SERVERS,
        extras={MODERATORS_ONLY: True},
    )
    policy_terms = app_commands.Group(name="terms", description="Banned terms and patterns", parent=policy)
    mod = app_commands.Group(
        name="mod",
        description="Moderation of members (moderators)",
        guild_only=True,
        allowed_contexts=_ON_SERVERS,
        extras={MODERATORS_ONLY: True},
    )

    def __init__(self, bot: ImagineBot) -> None:
        self.bot = bot

    async def _moderated(
        self, interaction: Interaction, action: Callable[[int, GuildPolicy], Awaitable[Answer]]
    ) -> None:
        """Defer, check the member is a moderator, run `action`, answer privately with its text."""
        await defer(interaction, ephemeral=True, thinking=True)
        flow = self.bot.flow
        try:
            guild_id = interaction.guild_id
            if guild_id is None:
                raise app_commands.NoPrivateMessage()
            policy = await flow.require_moderator(interaction)
            answer = await action(guild_id, policy)
        except Exception as exc:
            await flow.reply_problem(interaction, exc)
            return
        if isinstance(answer, tuple):
            text, file = answer
            await interaction.followup.send(text, file=file, ephemeral=True)
        else:
            await interaction.followup.send(answer, ephemeral=True)

    async def _echo(self, before: GuildPolicy, after: GuildPolicy, actor_id: int, what: str) -> str:
        """Tell the log channel; returns "" or a note for the moderator (see `ModerationLogChannel.echo`)."""
        return await self.bot.modlog.echo(before, after, wording.policy_changed(actor_id, what))

    async def _recheck_queued(self, guild_id: int, policy: GuildPolicy) -> str:
        """Screen the jobs waiting in the queue under the change just made (`policy`, as it is now);
        returns a note or ""."""
        guild = self.bot.get_guild(guild_id)

        def channel_closed(channel_id: int | None) -> bool:
            # Where the bot cannot tell a thread's parent (not in its cache), the job is left to run.
            channel = guild.get_channel_or_thread(channel_id) if guild and channel_id else None
            return channel is not None and not channel_allowed(
                policy, channel.id, getattr(channel, "parent_id", None)
            )

        stopped = await self.bot.services.generation.recheck_queued(guild_id, channel_closed=channel_closed)
        return wording.queued_jobs_stopped(len(stopped))

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
            name = setting_name(key)
            if name in _OPERATOR_SETTINGS:
                raise InvalidPolicy(name, wording.dms_not_a_server_setting())
            if name in _LIST_KEYS:
                # `set` would replace the whole list: a moderator adding one term would lose the others.
                raise InvalidPolicy(name, wording.list_has_own_commands())
            if name == "moderator_role_id" and not _manages_server(interaction):
                # Moderators by role were chosen by those who manage the server: handing moderation to
                # another role (one members give themselves, say) would make moderators past them.
                raise InvalidPolicy(name, wording.moderator_role_needs_manage_server())
            # Parse first (a typo gets its own answer), then check ids against this server before writing.
            _check_ids_belong_here(interaction.guild, name, before.with_setting(name, value))
            after = await self.bot.services.policies.set(guild_id, name, value, actor_id=interaction.user.id)
            # A number as stored ("1,000" is 1000), the rest as typed (a mention reads better than its id).
            stored = getattr(after, name)
            if isinstance(stored, NsfwMode):
                shown = stored.value
            elif isinstance(stored, int) and not name.endswith("_id"):
                shown = str(stored)
            else:
                shown = value
            what = wording.setting_changed(name, shown)
            echoed = await self._echo(before, after, interaction.user.id, what)
            return wording.moderator_answer(what, await self._recheck_queued(guild_id, after), echoed)

        await self._moderated(interaction, change)

    @policy_set.autocomplete("key")
    async def _keys(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = setting_name(current)
        return [app_commands.Choice(name=key, value=key) for key in SETTABLE_KEYS if wanted in key][:25]

    @policy.command(name="reset", description="Return this server's policy to the defaults")
    async def policy_reset(self, interaction: Interaction) -> None:
        async def reset(guild_id: int, before: GuildPolicy) -> str:
            # Only those who manage the server choose the moderator role (see `set`): a role moderator's
            # reset keeps it, or it would lock every role moderator out, themselves included.
            keeps_role = not _manages_server(interaction) and before.moderator_role_id is not None
            keep = ("moderator_role_id",) if keeps_role else ()
            after = await self.bot.services.policies.reset(guild_id, actor_id=interaction.user.id, keep=keep)
            what = wording.policy_reset(before, kept_role=keeps_role)
            echoed = await self._echo(before, after, interaction.user.id, what)
            return wording.moderator_answer(what, await self._recheck_queued(guild_id, after), echoed)

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
            # Say what really changed: the policy drops repeats and terms equal to a banned one once
            # normalised ("z3ppelin" is "zeppelin"), and removal matches without case.
            changed = changed_terms(before, after, kind, adding=adding)
            # Adding: what was banned already (as typed, or once normalised); removing: what was not.
            unchanged = [item for item in parsed if not _among(item, changed, kind)]
            reply = wording.terms_change(verb, kind, changed, unchanged)
            if not changed:
                return reply
            log_line = wording.terms_changed_log(verb, kind, len(changed))
            echoed = await self._echo(before, after, interaction.user.id, log_line)
            # A removal only lets more through: nothing waiting can be refused by it.
            stopped = await self._recheck_queued(guild_id, after) if adding else ""
            return wording.moderator_answer(reply, stopped, echoed)

        await self._moderated(interaction, change)

    @policy_terms.command(name="list", description="List the banned terms and patterns")
    async def terms_list(self, interaction: Interaction) -> None:
        async def show(guild_id: int, policy: GuildPolicy) -> Answer:
            text, listing = wording.terms_listing(policy.banned_terms, policy.banned_patterns)
            if listing is None:
                return text
            return text, discord.File(io.BytesIO(listing.encode()), filename="banned-terms.txt")

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
            if user.bot:
                # Bots never ask for images; a ban of one (this bot included) would only clutter the log.
                raise NotHere("bots can't be banned from generating images; they never ask for any")
            if user.id == interaction.user.id:
                # A slip of the user picker (or a test of the command) would lock its moderator out.
                raise NotHere("you can't ban yourself")
            _check_within_reach(interaction, user)
            expires_at = utcnow() + parse_duration(duration) if duration else None
            # A reason of only spaces is no reason (it would read "( )" everywhere).
            given = reason.strip() if reason else None
            await self.bot.services.bans.ban(
                guild_id,
                user.id,
                reason=given or wording.NO_REASON,
                expires_at=expires_at,
                actor_id=interaction.user.id,
            )
            what = wording.banned(user.id, given, expires_at)
            echoed = await self._echo(policy, policy, interaction.user.id, what)
            stopped = await self.bot.services.generation.stop_member(guild_id, user.id)
            return wording.moderator_answer(what, wording.members_jobs_stopped(len(stopped)), echoed)

        await self._moderated(interaction, ban)

    @mod.command(name="unban", description="Let a member generate images here again")
    @app_commands.describe(user="Who")
    async def unban(self, interaction: Interaction, user: discord.User) -> None:
        async def unban(guild_id: int, policy: GuildPolicy) -> str:
            if not await self.bot.services.bans.unban(guild_id, user.id, actor_id=interaction.user.id):
                return wording.not_banned(user.id)  # nothing changed: nothing to audit or echo
            what = wording.unbanned(user.id)
            return wording.moderator_answer(what, await self._echo(policy, policy, interaction.user.id, what))

        await self._moderated(interaction, unban)

    @mod.command(name="purge", description="Delete a member's jobs, images and records in this server")
    @app_commands.describe(user="Whose data")
    async def purge(self, interaction: Interaction, user: discord.User) -> None:
        async def purge(guild_id: int, policy: GuildPolicy) -> str:
            _check_within_reach(interaction, user)
            # One server's moderators reach that server's data only; /forget-me erases everything.
            jobs, rows = await self.bot.services.erase_user(user.id, guild_id=guild_id)
            self.bot.flow.delivery.show_deleted_later(jobs)
            await self.bot.services.audit.record(
                guild_id=guild_id,
                actor_id=interaction.user.id,
                action=AuditAction.USER_PURGED,
                target_user_id=user.id,
                detail={"jobs": len(jobs), "records": rows},
            )
            what = wording.purged(user.id, len(jobs), rows)
            return wording.moderator_answer(what, await self._echo(policy, policy, interaction.user.id, what))

        await self._moderated(interaction, purge)

    @mod.command(name="log", description="The latest moderation log entries of this server")
    @app_commands.describe(count="How many entries")
    async def audit_log(self, interaction: Interaction, count: app_commands.Range[int, 1, 50] = 15) -> None:
        async def show(guild_id: int, policy: GuildPolicy) -> str:
            return wording.audit_log(await self.bot.services.audit.recent(guild_id, count))

        await self._moderated(interaction, show)

    @mod.command(name="bans", description="Who is banned from generating images here, why, and until when")
    async def bans(self, interaction: Interaction) -> None:
        async def show(guild_id: int, policy: GuildPolicy) -> str:
            return wording.ban_list(await self.bot.services.bans.active_bans(guild_id))

        await self._moderated(interaction, show)

    @mod.command(name="blocked", description="Recently blocked prompts of this server, for review")
    @app_commands.describe(count="How many prompts")
    async def blocked(self, interaction: Interaction, count: app_commands.Range[int, 1, 20] = 10) -> None:
        async def show(guild_id: int, policy: GuildPolicy) -> str:
            return wording.blocked_prompts(await self.bot.services.audit.blocked_prompts(guild_id, count))

        await self._moderated(interaction, show)


def _manages_server(interaction: Interaction) -> bool:
    """Manage Server (or Administrator) in the interaction's channel, as Discord computed it."""
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.administrator


def _check_within_reach(interaction: Interaction, user: discord.User | discord.Member) -> None:
    """Refuse a moderator by role acting on a member who manages the server (the owner included).

    Those members chose the moderator role; as in Discord's own role order, its holders may not ban
    them or erase their data.
    """
    if _manages_server(interaction):
        return
    if isinstance(user, discord.Member) and user.guild_permissions.manage_guild:
        raise NotHere(wording.beyond_moderator_role())


def _items(raw: str, kind: TermKind) -> list[str]:
    """Terms are comma separated; a pattern is taken whole (it may contain commas, as in `a{1,3}`).

    Repeats are dropped (terms without case, as the policy compares them), so "a, a, a…" neither counts
    as many changes nor makes an answer too long for a message.
    """
    if kind == "pattern":
        return [raw.strip()]
    first_of: dict[str, str] = {}
    for part in raw.split(","):
        if part.strip():
            first_of.setdefault(part.strip().casefold(), part.strip())
    return list(first_of.values())


def _among(item: str, changed: list[str], kind: TermKind) -> bool:
    """Whether `item`, as a moderator typed it, is one of the terms or patterns that went in (or out)."""
    if kind == "pattern":
        return item in changed
    return term_key(item) in {term_key(term) for term in changed}


def _check_ids_belong_here(guild: discord.Guild | None, name: str, policy: GuildPolicy) -> None:
    """Refuse channels and roles that are not this server's, before they are written.

    Another server's channel as the log channel would post this server's moderation there; a made-up
    channel would lock generation everywhere; @everyone as the moderator role makes every member one.
    """
    channel_ids: list[int] = []
    if name == "log_channel_id" and policy.log_channel_id is not None:
        channel_ids = [policy.log_channel_id]
    elif name == "allowed_channel_ids":
        channel_ids = policy.allowed_channel_ids
    role_id = policy.moderator_role_id if name == "moderator_role_id" else None
    if not channel_ids and role_id is None:
        return
    for channel_id in channel_ids:
        channel = guild.get_channel_or_thread(channel_id) if guild is not None else None
        if channel is None:
            raise InvalidPolicy(name, wording.not_a_channel_here(channel_id))
        if isinstance(channel, discord.CategoryChannel):
            raise InvalidPolicy(name, wording.not_a_text_channel(channel_id))
        if name == "log_channel_id" and isinstance(channel, discord.ForumChannel):
            # A forum takes posts, not messages: every entry would fail to post.
            raise InvalidPolicy(name, wording.forum_cannot_log(channel_id))
    if role_id is not None:
        role = guild.get_role(role_id) if guild is not None else None
        if role is None:
            raise InvalidPolicy(name, wording.not_a_role_here(role_id))
        if role.is_default():
            raise InvalidPolicy(name, wording.everyone_cannot_moderate())
