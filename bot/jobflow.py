"""The way from an interaction (command, button, reaction) to the generation service and back.

The cogs and buttons stay thin: they parse what Discord sent and call one method here. This module
defers, checks where the request comes from, builds the JobRequest, submits, and turns every refusal
into an ephemeral answer made by `bot.wording`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord

from bot import formatting, wording
from bot.attachments import AttachmentDownloader, AttachmentInfo, is_animated
from bot.buttons import terms_view
from bot.cooldown import Cooldown
from bot.custom_ids import Action, JobButton
from bot.delivery import INTERACTION_TOKEN_LIFETIME, Delivery
from bot.errors import BadButton, BotError, FlagError, NotModerator
from bot.interactions import defer
from bot.options import BuiltParams, ImagineOptions, build_params, within_server_limits
from bot.permissions import age_restricted, check_channel, check_dm, check_may_post, is_moderator
from bot.settings import BotSettings
from generation.errors import GenerationError, JobNotFound
from generation.models import Job, JobStatus
from generation.params import GenerationParams, JobKind
from generation.service import JobRequest, Submitted
from moderation.database import utcnow
from moderation.errors import LicenseNotAccepted, ModerationError
from moderation.licenses import LICENSES, ModelLicense
from moderation.policy import GuildPolicy

if TYPE_CHECKING:
    from bot.app import Services
    from bot.client import ImagineBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
# At a restart, how long requests deferred and not yet queued get to be queued before they are told to be
# sent again, and how long each of those edits may take.
CLOSE_GRACE_S = 2.0
CLOSE_EDIT_S = 5.0
# A request waiting for its member to accept the license is kept this long (the token's lifetime,
# less the time a job needs to be worth starting).
PENDING_TTL_S = 13 * 60
# Requests one member may have waiting for the terms; an older one beyond this is dropped, saying so.
MAX_PENDING_PER_USER = 5
# Attached images all members' waiting requests may keep in memory together; past it, a request with
# an image is not kept, and its member sends it again once they have accepted.
MAX_PENDING_BYTES = 64 * 1024 * 1024
# How long a flag's error waits for the server's limits before it is answered with the bot's own; the
# answer is not deferred, and Discord gives it three seconds.
POLICY_AT_HAND_S = 1.0
REACTIONS = {"🔁": Action.RERUN, "⬆": Action.UPSCALE, "❌": Action.DELETE}
# How long a public answer to a reaction stays up; a member gets no second one in a channel meanwhile.
REACTION_ANSWER_S = 60


@dataclass(frozen=True)
class Where:
    """Where a request comes from."""

    guild_id: int | None
    channel_id: int | None
    parent_id: int | None = None
    age_restricted: bool = False


def where_of(channel: object, *, guild_id: int | None, channel_id: int | None) -> Where:
    """Read the channel's age-restricted flag (threads inherit their parent's)."""
    parent_id = getattr(channel, "parent_id", None)
    return Where(
        guild_id, channel_id, parent_id if isinstance(parent_id, int) else None, bool(age_restricted(channel))
    )


def readable_channel(interaction: Interaction) -> int | None:
    """The interaction's channel, when its member can read it (the payload carries their permissions
    there): a job made in it is one they can see, whatever the bot's cache knows of the channel."""
    return interaction.channel_id if interaction.permissions.read_messages else None


def check_member_may_post(permissions: discord.Permissions, channel: object) -> None:
    """Raise NotHere unless the member may post images in `channel` themselves (`check_may_post`); in a
    thread, writing takes Send Messages in Threads."""
    in_thread = isinstance(channel, discord.Thread)
    check_may_post(
        send_messages=permissions.send_messages_in_threads if in_thread else permissions.send_messages,
        attach_files=permissions.attach_files,
    )


def member_permissions(channel: object, member: discord.Member | None) -> discord.Permissions:
    """A member's permissions in a channel of the bot's cache; none where it cannot tell (a channel or
    thread parent it does not know), so that what needs them is refused rather than allowed."""
    permissions_for = getattr(channel, "permissions_for", None)
    if member is None or not callable(permissions_for):
        return discord.Permissions.none()
    try:
        permissions = permissions_for(member)
    except discord.ClientException:  # a thread whose parent channel is not cached
        return discord.Permissions.none()
    return permissions if isinstance(permissions, discord.Permissions) else discord.Permissions.none()


def reaction_action(emoji: str) -> Action | None:
    """The action of a reaction emoji (variation selectors ignored, as clients differ in sending them)."""
    return REACTIONS.get(emoji.replace("\ufe0f", ""))


@dataclass
class _Pending:
    interaction: Interaction
    submit: Callable[[], Awaitable[Submitted]]
    license_id: str
    notes: tuple[str, ...]
    created: float
    # The attached image's bytes the request keeps.
    size: int = 0


class JobFlow:
    def __init__(
        self,
        bot: ImagineBot,
        services: Services,
        delivery: Delivery,
        downloader: AttachmentDownloader,
        settings: BotSettings,
    ) -> None:
        self.bot = bot
        self.services = services
        self.delivery = delivery
        self.downloader = downloader
        self.settings = settings
        # Per member, their requests waiting for the license terms to be accepted, oldest first.
        self._pending: dict[int, list[_Pending]] = {}
        # Edits of placeholders of requests dropped while waiting for the terms, kept until done.
        self._marking: set[asyncio.Task[None]] = set()
        # Requests deferred (the member sees "thinking…") and not yet queued or answered, by
        # interaction id: a restart tells them to be sent again (see `close`).
        self._unanswered: dict[int, Interaction] = {}
        self._none_unanswered = asyncio.Event()
        self._none_unanswered.set()
        self._closing = False
        # Per member and channel: the public answers to their reactions (see `bot.cooldown`).
        self._reaction_answers = Cooldown(REACTION_ANSWER_S)

    # -- answering --------------------------------------------------------------------------------

    async def reply_problem(self, interaction: Interaction, exc: BaseException) -> None:
        """Answer with what went wrong, only to the member who asked."""
        if not isinstance(exc, BotError | GenerationError | ModerationError):
            log.error("interaction %s failed", interaction.id, exc_info=exc)
        # Within Discord's 2,000 characters whatever the error quotes: a longer answer is refused, and
        # the member would be left with "thinking…".
        await self.reply_text(
            interaction, wording.shorten(wording.describe_error(exc), wording.MESSAGE_LIMIT)
        )

    async def reply_text(self, interaction: Interaction, text: str) -> None:
        try:
            if not interaction.response.is_done():
                await interaction.response.send_message(text, ephemeral=True)
                return
            if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
                # The public "thinking…" placeholder would otherwise stay; the answer is private. The
                # first follow-up after a public deferral takes the placeholder's place, public, whatever
                # its flags say: it goes private only once the placeholder is gone. So when it cannot be
                # deleted, the placeholder says only that nothing came of it, and the reason stays unsaid.
                try:
                    await interaction.delete_original_response()
                except discord.NotFound:
                    pass  # gone already
                except discord.HTTPException as exc:
                    log.info("could not delete the placeholder of interaction %s: %r", interaction.id, exc)
                    await interaction.edit_original_response(content=wording.NOTHING_CAME_OF_IT)
                    return
            await interaction.followup.send(text, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("could not answer interaction %s: HTTP %s", interaction.id, exc.status)

    async def policy_for(self, guild_id: int | None) -> GuildPolicy:
        return await self.services.policies.get(guild_id) if guild_id is not None else GuildPolicy()

    async def _policy_if_at_hand(self, guild_id: int | None) -> GuildPolicy | None:
        """The guild's policy if it can be read before the interaction must be answered (three
        seconds from its creation), else None: an answer with the bot's own limits beats none."""
        if guild_id is None:
            return None
        try:
            return await asyncio.wait_for(self.policy_for(guild_id), timeout=POLICY_AT_HAND_S)
        except Exception as exc:
            log.info("answering without guild %s's policy (%r)", guild_id, exc)
            return None

    async def is_moderator(self, interaction: Interaction, policy: GuildPolicy | None = None) -> bool:
        """Manage Server (or Administrator) in this guild, or the policy's moderator role."""
        if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
            return False
        policy = policy or await self.policy_for(interaction.guild_id)
        permissions = interaction.permissions
        return is_moderator(
            manage_guild=permissions.manage_guild or permissions.administrator,
            role_ids={role.id for role in interaction.user.roles},
            policy=policy,
        )

    async def require_moderator(self, interaction: Interaction) -> GuildPolicy:
        policy = await self.policy_for(interaction.guild_id)
        if not await self.is_moderator(interaction, policy):
            raise NotModerator()
        return policy

    @contextlib.contextmanager
    def _until_answered(self, interaction: Interaction) -> Iterator[None]:
        self._unanswered[interaction.id] = interaction
        self._none_unanswered.clear()
        try:
            yield
        finally:
            self._unanswered.pop(interaction.id, None)
            if not self._unanswered:
                self._none_unanswered.set()

    async def close(self) -> None:
        """Before the services close: the requests deferred but not queued yet get a moment to be,
        then are told to be sent again, and so are those waiting for the terms. A restart would leave
        their "thinking…" until Discord ends it, and nothing of them is stored to be taken up after it."""
        self._closing = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._none_unanswered.wait(), timeout=CLOSE_GRACE_S)
        for interaction in list(self._unanswered.values()):
            await self._say_restarting(interaction)
        # Those waiting for the terms are kept in memory only.
        for user_id in list(self._pending):
            await self.drop_pending(user_id, wording.RESTARTING)

    async def _say_restarting(self, interaction: Interaction) -> None:
        try:
            await asyncio.wait_for(
                interaction.edit_original_response(content=wording.RESTARTING), timeout=CLOSE_EDIT_S
            )
        except (discord.HTTPException, TimeoutError) as exc:
            log.info("could not tell interaction %s of the restart (%r)", interaction.id, exc)

    # -- /imagine ---------------------------------------------------------------------------------

    async def imagine(
        self, interaction: Interaction, options: ImagineOptions, image: discord.Attachment | None
    ) -> None:
        """/imagine: check, defer, download, submit; the delivery shows the rest."""
        # 1. What needs no I/O is checked before deferring, so a typo gets a private answer at once.
        generation = self.services.settings.generation
        try:
            if interaction.guild_id is None:
                check_dm(self.settings.dms_allowed)
            else:
                check_member_may_post(interaction.permissions, interaction.channel)
            built = build_params(
                options,
                models=generation.models,
                default_model=generation.default_model,
            )
        except FlagError as exc:
            policy = await self._policy_if_at_hand(interaction.guild_id)
            await self.reply_text(
                interaction, wording.shorten(wording.describe_flag_error(exc, policy), wording.MESSAGE_LIMIT)
            )
            return
        except (BotError, GenerationError) as exc:
            await self.reply_problem(interaction, exc)
            return
        await defer(interaction, thinking=True)
        with self._until_answered(interaction):
            await self._imagine_deferred(interaction, built, image)

    async def _imagine_deferred(
        self, interaction: Interaction, built: BuiltParams, image: discord.Attachment | None
    ) -> None:
        # 2. Where we are (policy's channels, the age-restricted flag), then the attachment.
        try:
            where = self._where(interaction)
            policy = await self.policy_for(where.guild_id)
            check_channel(policy, where.channel_id, where.parent_id)
            built = within_server_limits(built, max_steps=policy.max_steps, max_pixels=policy.max_pixels)
            init_image = None
            notes = built.notes
            if image is not None:
                init_image = await self.downloader.fetch(
                    AttachmentInfo(image.url, image.filename, image.size)
                )
                if await asyncio.to_thread(is_animated, init_image):
                    notes = (*notes, wording.ANIMATED_FIRST_FRAME)
        except Exception as exc:
            await self.reply_problem(interaction, exc)
            return

        # 3. Submit.
        kind = JobKind.IMG2IMG if init_image is not None else JobKind.TXT2IMG
        request = self._request(interaction, where, built.params, kind=kind, init_image=init_image)
        await self._submit(
            interaction, lambda: self.services.generation.submit(request), notes, size=len(init_image or b"")
        )

    def _where(self, interaction: Interaction) -> Where:
        return where_of(interaction.channel, guild_id=interaction.guild_id, channel_id=interaction.channel_id)

    def _request(
        self,
        interaction: Interaction,
        where: Where,
        params: GenerationParams,
        *,
        kind: JobKind = JobKind.TXT2IMG,
        init_image: bytes | None = None,
    ) -> JobRequest:
        return JobRequest(
            user_id=interaction.user.id,
            params=params,
            kind=kind,
            guild_id=where.guild_id,
            channel_id=where.channel_id,
            channel_age_restricted=where.age_restricted,
            init_image=init_image,
            interaction_token=interaction.token,
            # From when we received it: the id's own timestamp is close, but our clock decides.
            interaction_expires_at=utcnow() + INTERACTION_TOKEN_LIFETIME - timedelta(seconds=5),
        )

    async def _submit(
        self,
        interaction: Interaction,
        submit: Callable[[], Awaitable[Submitted]],
        notes: tuple[str, ...] = (),
        *,
        size: int = 0,
    ) -> None:
        if self._closing:
            # Stored now, it would be taken up after the restart while its member is told to send it
            # again (see `close`).
            await self._say_restarting(interaction)
            return
        self.delivery.expect(interaction.token, size_limit=interaction.filesize_limit, notes=notes)
        try:
            await submit()
        except LicenseNotAccepted as exc:
            pending = _Pending(interaction, submit, exc.license.id, notes, time.monotonic(), size)
            held = await self._hold(pending)
            text = wording.waiting_for_terms(exc.license) if held else wording.not_kept_for_terms(exc.license)
            try:
                await interaction.edit_original_response(content=text)
                await interaction.followup.send(
                    embed=terms_embed(exc.license),
                    view=terms_view(exc.license.id, exc.license.version),
                    ephemeral=True,
                )
            except discord.HTTPException as http:
                log.warning(
                    "could not show the terms for interaction %s: HTTP %s", interaction.id, http.status
                )
        except Exception as exc:
            await self.reply_problem(interaction, exc)
        finally:
            self.delivery.forget(interaction.token)

    # -- result buttons ---------------------------------------------------------------------------

    async def on_job_button(
        self, interaction: Interaction, parsed: JobButton | None, problem: BadButton | None
    ) -> None:
        """Rerun, upscale, vary, delete or cancel, from a button of any message, before or after a restart."""
        if parsed is None:
            await self.reply_problem(interaction, problem or BadButton("it is not one of this bot's buttons"))
            return
        if parsed.action in (Action.DELETE, Action.CANCEL):
            await defer(interaction, ephemeral=True, thinking=False)
        else:
            await defer(interaction, thinking=True)
        try:
            source = await self._visible_job(
                parsed.job_id, interaction.user, interaction.guild_id, readable_channel(interaction)
            )
            if parsed.action is Action.DELETE:
                await self._delete(interaction, source)
            elif parsed.action is Action.CANCEL:
                moderator = await self.is_moderator(interaction)
                stopping = self.services.generation.stopping(source.id)
                job = await self.services.generation.cancel(
                    source.id, interaction.user.id, moderator=moderator
                )
                if stopping or source.status is JobStatus.CANCELLED:
                    # A second click, or both the job's owner and a moderator.
                    text = wording.already_cancelled(source.id)
                elif job.status.finished and job.status is not JobStatus.CANCELLED:
                    # Its result is on its way (or `/job` shows it): cancelling it now would be a fiction.
                    text = wording.already_finished(job.id, job.status.value)
                else:
                    text = wording.cancel_requested(source.id)
                await interaction.followup.send(text, ephemeral=True)
            else:
                with self._until_answered(interaction):
                    await self._follow_up_job(interaction, parsed)
        except Exception as exc:
            await self.reply_problem(interaction, exc)

    async def _visible_job(
        self, job_id: int, viewer: discord.abc.Snowflake, guild_id: int | None, asked_in: int | None
    ) -> Job:
        """The job, if the member may act on it (see `may_see`); deleted ones are refused."""
        job = await self.services.generation.store.get(job_id)
        if not self.may_see(job, viewer, guild_id, asked_in=asked_in):
            # Jobs the member may not see do not exist as far as they can tell.
            raise JobNotFound(job_id)
        if job.deleted_at is not None:
            raise BadButton(f"job #{job_id} was deleted")
        return job

    def may_see(
        self, job: Job, viewer: discord.abc.Snowflake, guild_id: int | None, *, asked_in: int | None
    ) -> bool:
        """Whether `viewer`, asking in channel `asked_in` of `guild_id`, may see `job`: their own, or one
        made in this guild in a channel they can read.

        Asking in the job's own channel, where they can read (`readable_channel`; Discord takes
        reactions only from members who can), shows they can see it: it is the only way to know for a
        thread the bot has not cached. Elsewhere, a private thread's jobs are shown only to those who
        may manage threads, since the bot does not know the thread's members (discord.py gives a thread
        its parent's permissions). A refused prompt is its owner's alone (moderators review it through
        `/mod`), and a job of a channel the bot does not know counts as unreadable.
        """
        if job.user_id == viewer.id:
            return True
        if guild_id is None or job.guild_id != guild_id or job.status is JobStatus.BLOCKED:
            return False
        if asked_in is not None and asked_in == job.channel_id:
            return True
        guild = self.bot.get_guild(guild_id)
        channel = (
            guild.get_channel_or_thread(job.channel_id)
            if guild is not None and job.channel_id is not None
            else None
        )
        if channel is None or not isinstance(viewer, discord.Member):
            return False
        permissions = channel.permissions_for(viewer)
        if getattr(channel, "type", None) is discord.ChannelType.private_thread:
            return permissions.read_messages and permissions.manage_threads
        return permissions.read_messages

    async def _follow_up_job(self, interaction: Interaction, parsed: JobButton) -> None:
        where = self._where(interaction)
        if where.guild_id is None:
            check_dm(self.settings.dms_allowed)
        else:
            check_member_may_post(interaction.permissions, interaction.channel)
        check_channel(await self.policy_for(where.guild_id), where.channel_id, where.parent_id)
        source = await self.services.generation.store.get(parsed.job_id)
        request = self._request(interaction, where, source.generation_params)
        await self._submit(interaction, self._follow_up_call(parsed, request))

    def _follow_up_call(self, parsed: JobButton, request: JobRequest) -> Callable[[], Awaitable[Submitted]]:
        service = self.services.generation
        match parsed.action:
            case Action.UPSCALE:
                return lambda: service.upscale(parsed.job_id, parsed.index or 0, request)
            case Action.VARY:
                return lambda: service.vary(parsed.job_id, parsed.index or 0, request)
        return lambda: service.rerun(parsed.job_id, request)

    async def _delete(self, interaction: Interaction, job: Job) -> None:
        moderator = await self.is_moderator(interaction)
        deleted = await self.services.generation.delete(job.id, interaction.user.id, moderator=moderator)
        # The clicked message first (it may be the channel copy or a /job view), then the original.
        try:
            await interaction.edit_original_response(
                content=wording.deleted_line(job.id), embed=None, attachments=[], view=None
            )
        except discord.HTTPException as exc:
            log.info("could not edit the message of deleted job %s: HTTP %s", job.id, exc.status)
        if interaction.message is None or interaction.message.id != deleted.message_id:
            # In the background: an edit of the job's own message that Discord holds up (a hung
            # connection waits for the HTTP timeout) must not hold the member's answer.
            self.delivery.show_deleted_later([deleted])
        await interaction.followup.send(wording.deleted_line(job.id), ephemeral=True)

    # -- license terms ----------------------------------------------------------------------------

    async def show_terms(self, interaction: Interaction, license_: ModelLicense) -> None:
        accepted = await self.services.licenses.has_accepted(interaction.user.id, license_)
        await interaction.response.send_message(
            content=wording.terms_intro(license_, accepted=accepted),
            embed=terms_embed(license_),
            view=terms_view(license_.id, license_.version),
            ephemeral=True,
        )

    async def on_terms_button(
        self, interaction: Interaction, accept: bool, license_id: str, version: str
    ) -> None:
        """Accept (stored, then the waiting request goes on) or Decline (the waiting request is dropped)."""
        license_ = LICENSES.get(license_id)
        if license_ is None:
            await self.reply_problem(interaction, BadButton("it names a license this bot does not know"))
            return
        if license_.version != version:
            # The terms changed after they were shown: acceptance must be of what the member read.
            await interaction.response.edit_message(
                content=wording.terms_changed(license_),
                embed=terms_embed(license_),
                view=terms_view(license_.id, license_.version),
            )
            return
        user_id = interaction.user.id
        waiting = self._take_pending(user_id, license_id)
        if not accept:
            await interaction.response.edit_message(
                content=wording.terms_declined(license_), embed=None, view=None
            )
            for pending in waiting:
                try:
                    await pending.interaction.delete_original_response()
                except discord.HTTPException as exc:
                    log.info("could not remove a declined request's placeholder: HTTP %s", exc.status)
            return
        try:
            await self.services.licenses.accept(user_id, license_)
        except Exception as exc:
            # The database did not take it: the click is answered, and the requests wait on, for a
            # click that works (they were taken from the waiting list, and would be lost).
            self._pending[user_id] = [*waiting, *self._pending.get(user_id, [])]
            await self.reply_problem(interaction, exc)
            return
        await interaction.response.edit_message(
            content=wording.terms_accepted(license_, resuming=len(waiting)), embed=None, view=None
        )
        for pending in waiting:
            await self._submit(pending.interaction, pending.submit, pending.notes, size=pending.size)

    async def _hold(self, pending: _Pending) -> bool:
        """Keep a request until its member answers the terms (every one of them, not just the last);
        False when its image would take the waiting requests past `MAX_PENDING_BYTES`."""
        self._drop_expired()
        if pending.size:
            kept = sum(waiting.size for queue in self._pending.values() for waiting in queue)
            if kept + pending.size > MAX_PENDING_BYTES:
                log.info(
                    "not keeping a request of user %s for the terms: %d bytes wait",
                    pending.interaction.user.id,
                    kept,
                )
                return False
        user_id = pending.interaction.user.id
        waiting = self._pending.setdefault(user_id, [])
        waiting.append(pending)
        while len(waiting) > MAX_PENDING_PER_USER:
            await self._mark_dropped(waiting.pop(0), wording.pending_dropped())
        return True

    def _take_pending(self, user_id: int, license_id: str) -> list[_Pending]:
        """The member's requests waiting for these terms, oldest first; those for other terms stay."""
        self._drop_expired()
        waiting = self._pending.pop(user_id, [])
        taken = [pending for pending in waiting if pending.license_id == license_id]
        if others := [pending for pending in waiting if pending.license_id != license_id]:
            self._pending[user_id] = others
        return taken

    def _drop_expired(self) -> None:
        # A request whose token is nearly spent is not worth starting (and its attachment's bytes
        # are not worth keeping in memory for a member who never answers).
        oldest = time.monotonic() - PENDING_TTL_S
        for user_id, waiting in list(self._pending.items()):
            expired = [pending for pending in waiting if pending.created < oldest]
            waiting[:] = [pending for pending in waiting if pending.created >= oldest]
            if not waiting:
                del self._pending[user_id]
            for pending in expired:
                # Its placeholder would say "waiting for the terms" until Discord ends it.
                task = asyncio.create_task(self._mark_dropped(pending, wording.pending_expired()))
                self._marking.add(task)
                task.add_done_callback(self._marking.discard)

    async def drop_pending(self, user_id: int, text: str) -> None:
        """Drop every request of a member waiting for the terms, their placeholders saying `text`."""
        for pending in self._pending.pop(user_id, []):
            await self._mark_dropped(pending, text)

    async def _mark_dropped(self, pending: _Pending, text: str) -> None:
        try:
            await pending.interaction.edit_original_response(content=text)
        except discord.HTTPException as exc:
            log.info("could not mark a dropped request's placeholder: HTTP %s", exc.status)

    # -- reactions --------------------------------------------------------------------------------

    async def on_reaction(self, payload: discord.RawReactionActionEvent) -> None:
        """🔁 rerun, ⬆️ upscale the first image, ❌ delete, on a result message of this bot."""
        action = reaction_action(str(payload.emoji))
        me = self.bot.user
        if action is None or me is None or payload.user_id == me.id:
            return
        if payload.message_author_id is not None and payload.message_author_id != me.id:
            return
        job_id = await self._job_of_message(payload, me.id)
        if job_id is None:
            return
        try:
            await self._reaction_action(payload, action, job_id)
        except Exception as exc:
            if not isinstance(exc, BotError | GenerationError | ModerationError):
                log.exception("reaction %s on job %s failed", action, job_id)
            if self._reaction_answers.ready((payload.user_id, payload.channel_id)):
                await self._tell_in_channel(
                    payload.channel_id, payload.user_id, wording.describe_error_publicly(exc)
                )

    async def _job_of_message(self, payload: discord.RawReactionActionEvent, me: int) -> int | None:
        """The job of the reacted message: a result the store knows, or else the job its buttons name
        (reading the message needs Read Message History, which many servers do not give bots)."""
        posted = await self.services.generation.store.posted_as(payload.message_id)
        if posted is not None and posted.channel_id == payload.channel_id:
            return posted.id
        channel = self.bot.get_partial_messageable(payload.channel_id, guild_id=payload.guild_id)
        try:
            message = await channel.fetch_message(payload.message_id)
        except discord.HTTPException as exc:
            log.info("could not read the reacted message %s: HTTP %s", payload.message_id, exc.status)
            return None
        return job_id_of_message(message) if message.author.id == me else None

    async def _reaction_action(
        self, payload: discord.RawReactionActionEvent, action: Action, job_id: int
    ) -> None:
        viewer = payload.member or discord.Object(payload.user_id)
        source = await self._visible_job(job_id, viewer, payload.guild_id, payload.channel_id)
        policy = await self.policy_for(payload.guild_id)
        if action is Action.DELETE:
            member = payload.member
            moderator = member is not None and is_moderator(
                manage_guild=member.guild_permissions.manage_guild,
                role_ids={role.id for role in member.roles},
                policy=policy,
            )
            deleted = await self.services.generation.delete(source.id, payload.user_id, moderator=moderator)
            await self.delivery.show_deleted(deleted)
            return
        if not source.status.finished or (action is Action.UPSCALE and source.status is not JobStatus.DONE):
            # A reaction on a job's message while it waits or runs: a rerun would show its prompt
            # before its owner's result does, and there is no image to upscale yet.
            raise BadButton(f"job #{source.id} is not finished; react to its result")
        if payload.guild_id is None:
            check_dm(self.settings.dms_allowed)
        channel: object = self.bot.get_channel(payload.channel_id)
        if channel is None and payload.guild_id is not None:
            # A thread that is not cached (archived, or never seen since the start): its parent
            # decides the policy's channel list and the age-restricted flag.
            try:
                channel = await self.bot.fetch_channel(payload.channel_id)
            except discord.HTTPException as exc:
                log.info("could not fetch channel %s: HTTP %s", payload.channel_id, exc.status)
        where = where_of(channel, guild_id=payload.guild_id, channel_id=payload.channel_id)
        check_channel(policy, where.channel_id, where.parent_id)
        if payload.guild_id is not None:
            check_member_may_post(member_permissions(channel, payload.member), channel)
        # No interaction, no token: the result comes as a channel message that mentions the member.
        request = JobRequest(
            user_id=payload.user_id,
            params=source.generation_params,
            guild_id=where.guild_id,
            channel_id=where.channel_id,
            channel_age_restricted=where.age_restricted,
        )
        service = self.services.generation
        if action is Action.UPSCALE:
            first = min((image.index for image in formatting.postable_images(source)), default=0)
            await service.upscale(source.id, first, request)
        else:
            await service.rerun(source.id, request)

    async def _tell_in_channel(self, channel_id: int, user_id: int, text: str) -> None:
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            await channel.send(
                wording.mention(user_id, text),
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(user_id)]),
                delete_after=REACTION_ANSWER_S,
            )
        except discord.HTTPException as exc:
            log.info("could not answer a reaction in channel %s: HTTP %s", channel_id, exc.status)


def job_id_of_message(message: discord.Message) -> int | None:
    """The job a result message shows, read from its buttons' custom_ids (they are ours)."""
    from bot.custom_ids import parse_custom_id

    for row in message.components:
        for child in getattr(row, "children", ()):
            custom_id = getattr(child, "custom_id", None)
            if not isinstance(custom_id, str):
                continue
            try:
                return parse_custom_id(custom_id).job_id
            except BadButton:
                continue
    return None


def terms_embed(license_: ModelLicense) -> discord.Embed:
    text = license_.terms_text()
    if len(text) > 4000:
        text = text[:3990] + "…"
    embed = discord.Embed(
        title=f"{license_.name} (version {license_.version})", description=text, url=license_.url
    )
    embed.set_footer(
        text="Accept to use this model. Your acceptance is stored with your user id and the version."
    )
    return embed
