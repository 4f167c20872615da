"""The Discord client: one async composition root (`setup_hook`) that builds and wires everything."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.app import Services, Settings, build_services
from bot.attachments import AttachmentDownloader
from bot.buttons import DYNAMIC_ITEMS
from bot.delivery import Delivery
from bot.jobflow import JobFlow
from bot.modlog import ModerationLogChannel
from bot.settings import DISCORD_API_BASE, DISCORD_GATEWAY_URL, BotSettings
from generation.backends import Backend
from moderation.classifiers import SafetyClassifier
from moderation.database import utcnow

log = logging.getLogger(__name__)

# How often blocked prompts past their retention are deleted.
RETENTION_SWEEP_S = 3600
# How long a closing bot waits for a sweep under way to finish before cancelling it.
RETENTION_STOP_S = 5.0
# Image folders of jobs no longer on record are removed once untouched this long: a job being stored
# right now (by this or another bot process sharing the folder) has its folder before its record.
ORPHANED_IMAGES_AFTER = timedelta(hours=1)
# Erasure notes (who, when) outlive by far every request being checked when they were made.
ERASURES_KEPT = timedelta(days=1)


def point_at(settings: BotSettings) -> None:
    """Send discord.py's REST and gateway traffic to the configured endpoints (a proxy, a test server)."""
    # discord.py keeps both as class attributes; touch them only when they differ from Discord's own.
    if settings.api_base.rstrip("/") != DISCORD_API_BASE:
        Route.BASE = settings.api_base.rstrip("/")
    if settings.gateway_url != DISCORD_GATEWAY_URL:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def shard_options(settings: BotSettings) -> dict[str, Any]:
    """Which shards this process runs: all of them, unless several processes split them."""
    return {"shard_ids": list(settings.shard_ids)} if settings.shard_ids is not None else {}


def intents() -> discord.Intents:
    """Guilds, guild messages (reaction targets, no content), reactions in guilds and direct messages
    (results there take reactions too), and bans from a server (its moderators' word): nothing more,
    and nothing privileged."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.moderation = True
    wanted.guild_messages = True
    wanted.guild_reactions = True
    wanted.dm_reactions = True
    return wanted


class _CommandTree(app_commands.CommandTree[Any]):
    """Answers a command that raised (rather than leaving "The application did not respond")."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        cause: BaseException = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        client = interaction.client
        if isinstance(client, ImagineBot) and client._flow is not None:
            await client._flow.reply_problem(interaction, cause)
        else:
            log.error("command failed before the bot was set up", exc_info=cause)


class ImagineBot(commands.AutoShardedBot):
    def __init__(
        self,
        bot_settings: BotSettings,
        settings: Settings,
        *,
        classifier: SafetyClassifier | None = None,
        backend: Backend | None = None,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=bot_settings.shard_count,
            **shard_options(bot_settings),
            tree_cls=_CommandTree,
            # Commands of a server install, used on servers and in direct messages with the bot (which
            # DISCORD_DMS_ALLOWED governs). Left to Discord's default, an application that users may
            # install too would offer them everywhere as a member's own app: images in servers that never
            # added the bot, under no policy of theirs, and in group chats between members.
            allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=False
            ),
            # How long READY waits for guilds to stream in before on_ready (tests shorten it).
            guild_ready_timeout=guild_ready_timeout,
        )
        self.bot_settings = bot_settings
        self.settings = settings
        self._classifier = classifier
        self._backend = backend
        self._services: Services | None = None
        self._flow: JobFlow | None = None
        # The servers' moderation log channels: commands echo to them, audit entries are posted there.
        self.modlog = ModerationLogChannel(self)
        self._downloader: AttachmentDownloader | None = None
        self._maintenance: asyncio.Task[None] | None = None
        # Set when closing: a sweep under way ends at its next step rather than being cancelled inside
        # a query (the session would be closed later, in a task of SQLAlchemy's own, on a connection
        # the engine's disposal has lost: an error in the log at every such stop).
        self._stop_sweeping = asyncio.Event()
        if bot_settings.gateway_url != DISCORD_GATEWAY_URL:
            self.http.get_bot_gateway = self._configured_gateway  # type: ignore[method-assign]

    async def _configured_gateway(self) -> tuple[int, str, Any]:
        """Discord's shard count and session limits, with DISCORD_GATEWAY_URL (a proxy, a test server):
        without a shard count, AutoShardedClient connects to the gateway GET /gateway/bot names, and
        DiscordWebSocket.DEFAULT_GATEWAY (`point_at`) serves only a set shard count."""
        shards, _discords_own, session_start_limit = await discord.http.HTTPClient.get_bot_gateway(self.http)
        return shards, self.bot_settings.gateway_url, session_start_limit

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("services are built in setup_hook")
        return self._services

    @property
    def flow(self) -> JobFlow:
        if self._flow is None:
            raise RuntimeError("the job flow is built in setup_hook")
        return self._flow

    async def setup_hook(self) -> None:
        # Imported here: the cogs import this module for its types.
        from bot.cogs.help import HelpCog
        from bot.cogs.imagine import ImagineCog
        from bot.cogs.jobs import JobsCog
        from bot.cogs.moderation import ModerationCog

        # 1. Services: classifiers, database, generation (the model loads in step 5).
        services = await build_services(self.settings, classifier=self._classifier, backend=self._backend)
        self._services = services

        # 2. What shows jobs in Discord, and the way requests reach the service.
        delivery = Delivery(
            self, services.generation, progress_interval_s=self.bot_settings.progress_interval_s
        )
        services.generation.observer = delivery
        self._downloader = AttachmentDownloader(
            hosts=self.bot_settings.cdn_hosts,
            scheme=self.bot_settings.cdn_scheme,
            max_bytes=self.bot_settings.max_attachment_bytes,
        )
        self._flow = JobFlow(self, services, delivery, self._downloader, self.bot_settings)
        services.audit.on_recorded = self.modlog.on_recorded

        # 3. Commands and the buttons that must work for messages posted before this start.
        await self.add_cog(ImagineCog(self))
        await self.add_cog(JobsCog(self))
        await self.add_cog(ModerationCog(self))
        await self.add_cog(HelpCog(self))
        self.add_dynamic_items(*DYNAMIC_ITEMS)

        # 4. Register the commands with Discord.
        if self.bot_settings.sync_commands:
            await self._sync_commands()

        # 5. Blocked prompts and images are kept only as long as the retention settings say, and the
        # images of jobs no longer on record (an erasure stopped half-way) do not stay at all.
        self._maintenance = asyncio.create_task(self._apply_retention(), name="retention")

        # 6. Load the model, resume unfinished jobs and post results that never got out.
        await services.generation.start(owns_guild=self.bot_settings.owns_guild)
        log.info("bot set up (application %s)", self.application_id)

    async def _sync_commands(self) -> None:
        if self.bot_settings.sync_guild_ids:
            for guild_id in self.bot_settings.sync_guild_ids:
                guild = discord.Object(guild_id)
                self.tree.copy_global_to(guild=guild)
                try:
                    synced = await self.tree.sync(guild=guild)
                except discord.Forbidden:
                    # A server the bot has left, or a mistyped id, must not keep the bot from serving
                    # the others (nor stop every restart): said plainly, and the start goes on.
                    log.error(
                        "DISCORD_SYNC_GUILD_IDS: could not register the commands in server %s: the bot is "
                        "not in it, or was invited without the applications.commands scope (invite it "
                        "again with the URL in the README's Getting a token)",
                        guild_id,
                    )
                    continue
                log.info("synced %d commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))

    async def _apply_retention(self) -> None:
        retention_days = self.settings.moderation.blocked_prompt_retention_days
        image_days = self.settings.generation.image_retention_days
        while not self._stop_sweeping.is_set():
            # A database hiccup must not end the loop; the next round retries.
            try:
                await self.services.audit.purge_expired(retention_days)
                # The refused job's record holds the same prompt: it goes at the same age.
                await self.services.generation.store.purge_blocked(utcnow() - timedelta(days=retention_days))
            except Exception:
                log.exception("purging expired blocked prompts failed")
            if image_days:
                try:
                    await self.services.generation.remove_old_images(utcnow() - timedelta(days=image_days))
                except Exception:
                    log.exception("removing old images failed")
            try:
                await self.services.generation.remove_orphaned_images(utcnow() - ORPHANED_IMAGES_AFTER)
            except Exception:
                log.exception("removing the images of erased jobs failed")
            try:
                await self.services.generation.store.forget_erasures(utcnow() - ERASURES_KEPT)
            except Exception:
                log.exception("removing old erasure notes failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop_sweeping.wait(), timeout=RETENTION_SWEEP_S)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Kicked, banned, or the server deleted (not merely unavailable): its queued jobs go."""
        if self._services is not None:
            dropped = await self._services.generation.drop_guild(guild.id)
            log.info("removed from guild %s: %d queued jobs cancelled", guild.id, len(dropped))

    async def on_member_ban(self, guild: discord.Guild, user: discord.User | discord.Member) -> None:
        """Banned from the server by its moderators: nothing of theirs is made or posted there any more,
        as after `/mod ban` (they can no longer ask for anything there themselves)."""
        if self._services is not None:
            stopped = await self._services.generation.stop_member(guild.id, user.id)
            log.info(
                "member %s banned from guild %s: %d of their jobs stopped", user.id, guild.id, len(stopped)
            )

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        if self._flow is not None:
            await self._flow.on_reaction(payload)

    async def close(self) -> None:
        if self._maintenance is not None:
            self._stop_sweeping.set()
            _, hanging = await asyncio.wait({self._maintenance}, timeout=RETENTION_STOP_S)
            for task in hanging:
                task.cancel()  # a database that does not answer
            await asyncio.gather(self._maintenance, return_exceptions=True)
        # Requests not queued yet are told to be sent again, while Discord still answers.
        if self._flow is not None:
            await self._flow.close()
        # Generation first: a job finishing now still finds discord.py's HTTP session open. Then the
        # delivery (results being posted finish), and only then the database.
        if self._services is not None:
            await self._services.generation.close()
        if self._flow is not None:
            await self._flow.delivery.close()
        await self.modlog.close()
        if self._services is not None:
            await self._services.close()
            self._services = None
        if self._downloader is not None:
            await self._downloader.close()
        await super().close()
