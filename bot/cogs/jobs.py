"""/terms, /queue, /cancel, /job, /history and /forget-me: a member's view of their jobs."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import formatting, wording
from bot.interactions import defer
from bot.jobflow import readable_channel, where_of
from generation.errors import JobNotFound
from generation.models import MAX_JOB_ID, JobStatus
from generation.service import guild_key
from moderation.policy import NsfwMode

if TYPE_CHECKING:
    from bot.client import ImagineBot

Interaction = discord.Interaction[Any]


class JobsCog(commands.Cog):
    def __init__(self, bot: ImagineBot) -> None:
        self.bot = bot

    @app_commands.command(name="terms", description="Read (and accept) the model's license terms")
    @app_commands.describe(model="The model whose terms to show (default: the default model)")
    async def terms(
        self, interaction: Interaction, model: app_commands.Range[str, 1, 100] | None = None
    ) -> None:
        generation = self.bot.settings.generation
        name = model or generation.default_model
        if name not in generation.models:
            await self.bot.flow.reply_text(interaction, wording.no_such_model(name))
            return
        await self.bot.flow.show_terms(interaction, self.bot.services.generation.license_for(name))

    @app_commands.command(
        name="queue", description="Your jobs in the queue, and how long this server's queue is"
    )
    async def queue(self, interaction: Interaction) -> None:
        await defer(interaction, ephemeral=True, thinking=True)
        service = self.bot.services.generation
        jobs = await service.store.waiting_of(interaction.user.id, interaction.guild_id)
        lines = []
        for job in jobs:
            place = service.position(job.id)
            if place is not None:
                position, eta = place
                lines.append(wording.queued_line(job.id, position, eta))
            else:
                lines.append(wording.running_line(job.id))
        depth = service.scheduler.queue.depth_by_guild().get(
            guild_key(interaction.guild_id, interaction.user.id), 0
        )
        await interaction.followup.send(
            wording.queue_summary(lines, depth, in_guild=interaction.guild_id is not None)
        )

    @app_commands.command(
        name="cancel", description="Cancel a queued or running job (your latest, if none given)"
    )
    @app_commands.describe(job="The job number (see /queue)")
    async def cancel(
        self, interaction: Interaction, job: app_commands.Range[int, 1, MAX_JOB_ID] | None = None
    ) -> None:
        await defer(interaction, ephemeral=True, thinking=True)
        flow = self.bot.flow
        service = self.bot.services.generation
        try:
            if job is None:
                waiting = await service.store.waiting_of(interaction.user.id, interaction.guild_id)
                if not waiting:
                    await interaction.followup.send(wording.nothing_to_cancel())
                    return
                job = waiting[0].id
            moderator = await flow.is_moderator(interaction)
            target = await service.store.get(job)
            if not flow.may_see(
                target, interaction.user, interaction.guild_id, asked_in=readable_channel(interaction)
            ):
                raise JobNotFound(job)
            stopping = service.stopping(job)
            result = await service.cancel(job, interaction.user.id, moderator=moderator)
            # "Cancelling…" only for a job this cancel stops.
            if stopping or target.status is JobStatus.CANCELLED:
                await interaction.followup.send(wording.already_cancelled(job))
            elif result.status.finished and result.status is not JobStatus.CANCELLED:
                await interaction.followup.send(wording.already_finished(result.id, result.status.value))
            else:
                await interaction.followup.send(wording.cancel_requested(job))
        except Exception as exc:
            await flow.reply_problem(interaction, exc)

    @cancel.autocomplete("job")
    async def _my_waiting_jobs(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        jobs = await self.bot.services.generation.store.waiting_of(interaction.user.id, interaction.guild_id)
        return [
            app_commands.Choice(name=wording.job_choice(job), value=job.id)
            for job in jobs
            if current in str(job.id)
        ]

    @app_commands.command(name="job", description="Show a job again, with its images and buttons")
    @app_commands.describe(job="The job number (in the footer of its message)")
    async def job(self, interaction: Interaction, job: app_commands.Range[int, 1, MAX_JOB_ID]) -> None:
        await defer(interaction, ephemeral=True, thinking=True)
        service = self.bot.services.generation
        try:
            found = await service.store.get(job)
            if not self.bot.flow.may_see(
                found, interaction.user, interaction.guild_id, asked_in=readable_channel(interaction)
            ):
                raise JobNotFound(job)
        except Exception as exc:
            await self.bot.flow.reply_problem(interaction, exc)
            return
        if found.deleted_at is not None:
            await interaction.followup.send(wording.deleted_line(found.id))
            return
        if not found.status.finished:
            place = service.position(found.id)
            text = wording.queued_line(found.id, *place) if place else wording.running_line(found.id)
            await interaction.followup.send(
                text, embed=formatting.job_embed(found, service.license_for(found.model).name)
            )
            return
        # Images flagged as sensitive were spoilered where an age-restricted channel of a server that
        # shows them allowed it; they are shown again only where a new one would be: never in another
        # channel, another server's that does not show them, one that stopped showing them, or a DM.
        policy = await self.bot.flow.policy_for(interaction.guild_id)
        spoilers = (
            policy.nsfw_mode is NsfwMode.AGE_RESTRICTED
            and where_of(
                interaction.channel, guild_id=interaction.guild_id, channel_id=interaction.channel_id
            ).age_restricted
        )
        uploads = await asyncio.to_thread(
            formatting.image_uploads, found, interaction.filesize_limit, spoilers_shown=spoilers
        )
        view = formatting.result_view(found, spoilers_shown=spoilers, max_pixels=policy.max_pixels)
        await interaction.followup.send(
            formatting.result_content(found, posted=len(uploads), spoilers_shown=spoilers),
            embed=formatting.job_embed(found, service.license_for(found.model).name, spoilers_shown=spoilers),
            files=[upload.to_file() for upload in uploads],
            view=view if view is not None else discord.utils.MISSING,
        )

    @app_commands.command(name="history", description="Your recent jobs")
    @app_commands.describe(count="How many jobs to list")
    async def history(self, interaction: Interaction, count: app_commands.Range[int, 1, 25] = 10) -> None:
        await defer(interaction, ephemeral=True, thinking=True)
        jobs = await self.bot.services.generation.store.history(
            interaction.user.id, guild_id=interaction.guild_id, limit=count
        )
        await interaction.followup.send(wording.history(jobs, in_a_server=interaction.guild_id is not None))

    @app_commands.command(
        name="forget-me", description="Delete all your jobs, images and stored records, in every server"
    )
    @app_commands.describe(confirm="Type DELETE to confirm")
    async def forget_me(self, interaction: Interaction, confirm: app_commands.Range[str, 1, 20]) -> None:
        if confirm != "DELETE":
            await self.bot.flow.reply_text(interaction, wording.forget_me_unconfirmed())
            return
        await defer(interaction, ephemeral=True, thinking=True)
        jobs, rows = await self.bot.services.erase_user(interaction.user.id)
        # Requests waiting for the terms are kept in memory only: they go too, and say so.
        await self.bot.flow.drop_pending(interaction.user.id, wording.pending_erased())
        await interaction.followup.send(wording.forgotten(len(jobs), rows))
        self.bot.flow.delivery.show_deleted_later(jobs)
