"""Shows each job's life in Discord: the JobObserver the generation service reports to.

A job's message is the original response of the interaction that asked for it (edited through the
interaction's webhook token, which also works after a restart), until that token runs out at 15
minutes; then the result goes out as a channel message that mentions the member. A result is posted
once: `JobStore.mark_posted` records it, and channel messages carry a nonce Discord enforces. A result
Discord refuses for good (`_REFUSED_FOR_GOOD`) is recorded undeliverable and its member told directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar, cast

import aiohttp
import discord
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from bot import formatting, wording
from bot.permissions import age_restricted
from bot.progress import ProgressThrottle
from generation.errors import JobNotFound
from generation.fairqueue import Position
from generation.models import Job, JobStatus
from generation.service import STORE_FAILURES, GenerationService
from moderation.database import utcnow
from moderation.policy import GuildPolicy

if TYPE_CHECKING:
    from bot.client import ImagineBot

log = logging.getLogger(__name__)

_T = TypeVar("_T")

INTERACTION_TOKEN_LIFETIME = timedelta(minutes=15)
# Edits this close to the token's end go to the channel instead: an upload can take a while.
TOKEN_MARGIN = timedelta(seconds=30)
# discord.py's Webhook.edit_message puts the id into the route as is; Discord's documented alias for an
# interaction's first response is "@original", which saves a round trip to learn the real id.
_ORIGINAL = cast(int, "@original")
_TOKEN_GONE = (401, 404)
PREVIEW_FILENAME = "preview.jpg"
# Previews stop this long before the token runs out, so the result can still replace the last one
# on the same message.
PREVIEW_TOKEN_MARGIN = timedelta(minutes=2)
# A result Discord would not take (a 5xx after discord.py's own retries, a dropped connection, missing
# permissions) is tried again after these delays, in the background; a restart tries what is left.
REDELIVERY_DELAYS_S = (10.0, 60.0, 300.0, 900.0)
# Discord's refusals, and the network's failures on the way to it.
_DISCORD_FAILURES = (discord.HTTPException, aiohttp.ClientError, OSError)
# Discord's error codes: the message was deleted; the request was too large; the thread is archived
# (its messages can no longer be edited, while a new one unarchives it unless a moderator locked it).
_UNKNOWN_MESSAGE = 10008
_TOO_LARGE = 40005
_THREAD_ARCHIVED = 50083
# Discord's refusals that no retry changes: unknown channel or guild (deleted, or the bot was removed);
# missing access or permissions; a member who takes no direct messages; a message Discord finds
# malformed (a limit it enforces, which the same message breaks again); a locked or archived thread.
_REFUSED_FOR_GOOD = frozenset({10003, 10004, 50001, 50007, 50013, 50035, 50083})
# A result posted while the database is away is recorded posted after these delays, then at the last
# one's pace until the database answers: a result not recorded posted is posted again at the next start.
MARK_POSTED_DELAYS_S = (1.0, 5.0, 15.0, 60.0)
# A result is looked for among this many of its channel's messages since the job finished, before a
# try that may come after an unrecorded post (see `_posted_before`).
RESULT_LOOKBACK = 50
# Discord's clock and ours may differ by this much.
CLOCK_SKEW = timedelta(minutes=1)
# How long closing waits for results being uploaded right then.
CLOSE_GRACE_S = 10.0
# Queued lines are brought up to date this often, when the jobs ahead changed; the nearest to the front
# first, and no more edits than this in a round (Discord allows 50 requests a second in all).
QUEUE_REFRESH_S = 5.0
QUEUE_REFRESH_EDITS = 20
# Queued lines are edited in the background, this many at once: each interaction's token is a rate
# limit of its own, so a burst of jobs (hundreds queued at once, or taken over at a start) would
# otherwise open as many requests together against Discord's global 50 a second, which results,
# progress and every other request of the bot share. The rest wait their turn (the refresh corrects
# a line that waited while the queue moved).
QUEUED_EDITS_AT_ONCE = 20
# A queued line whose edit was dropped: any position differs from it, so the next refresh shows one.
_NOT_SHOWN = -1
# A passing edit Discord has not answered in this long is given up (a hung connection). Nothing waits
# that long for one: the job's next passing edits are skipped meanwhile, and its result goes out.
PASSING_EDIT_TIMEOUT_S = 30.0
# The result (or a preview) waits this long at most for a passing edit on its way, so that the two
# usually land in order; one that lands after the result anyway is followed by the result again (see
# `_passing_landed`).
LAST_EDIT_WAIT_S = 2.0


class _Undeliverable(Exception):
    """Discord will never take this result: no channel will, and the token has run out."""


class _Unanswered(Exception):
    """Discord did not answer a passing edit in time: it may still land, or not."""


class _NotNow(Exception):
    """Discord answered a passing edit (a queued line, progress, a preview) with 429 or a 5xx."""

    def __init__(self, status: int, retry_after: float, is_global: bool) -> None:
        super().__init__(f"HTTP {status}, retry after {retry_after:g} s{' (global)' if is_global else ''}")
        self.retry_after = retry_after
        self.is_global = is_global


async def _not_now(response: aiohttp.ClientResponse, fallback_s: float) -> _NotNow:
    """What a 429 (or a 5xx) says about how long to leave Discord alone."""
    body: Any = None
    with contextlib.suppress(ValueError, aiohttp.ClientError):
        body = await response.json(content_type=None)
    retry_after = fallback_s
    if isinstance(body, dict) and isinstance(body.get("retry_after"), int | float):
        retry_after = float(body["retry_after"])
    elif (header := response.headers.get("Retry-After")) is not None:
        with contextlib.suppress(ValueError):
            retry_after = float(header)
    is_global = response.headers.get("X-RateLimit-Global", "").lower() == "true" or (
        isinstance(body, dict) and body.get("global") is True
    )
    return _NotNow(response.status, retry_after, is_global)


class _NoWaitSession:
    """The HTTP session of passing edits. discord.py sleeps through a 429 or a 5xx and sends the edit
    again, holding the token's later edits (the result's too) behind a line that is stale by then;
    through this session such an edit fails at once instead, and the next one says what is true then."""

    def __init__(self, fallback_s: float) -> None:
        self._fallback_s = fallback_s
        self._session: aiohttp.ClientSession | None = None

    @contextlib.asynccontextmanager
    async def request(self, method: str, url: str, **kwargs: Any) -> AsyncIterator[aiohttp.ClientResponse]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=PASSING_EDIT_TIMEOUT_S))
        async with self._session.request(method, url, **kwargs) as response:
            if response.status == 429 or response.status >= 500:
                raise await _not_now(response, self._fallback_s)
            yield response

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


def _no_more_edits(exc: discord.HTTPException) -> bool:
    """Whether Discord refuses every edit of the interaction's message from now on."""
    return exc.status in _TOKEN_GONE or exc.code == _THREAD_ARCHIVED


def _raise_if_refused_for_good(exc: discord.HTTPException) -> None:
    if exc.code in _REFUSED_FOR_GOOD:
        raise _Undeliverable(_describe_failure(exc)) from exc


def token_usable(expires_at: datetime | None, now: datetime) -> bool:
    """Whether an interaction token expiring at `expires_at` can still carry a result."""
    return expires_at is not None and expires_at - TOKEN_MARGIN > now


def result_nonce(job_id: int) -> str:
    """The channel-message nonce of a job's result (Discord drops a second message with the same one)."""
    return f"imagine-job-{job_id}"


@dataclass
class _Expected:
    """What the command that is about to submit knows and the job does not."""

    size_limit: int
    notes: tuple[str, ...]


@dataclass
class _Live:
    """A job the bot is showing right now."""

    token: str | None
    expires_at: datetime | None = None
    channel_id: int | None = None
    size_limit: int = formatting.DEFAULT_FILESIZE_LIMIT
    notes: tuple[str, ...] = ()
    finished: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The job's latest passing edit (its queued line, progress or a preview). One is on its way at a
    # time, so they land in the order they were made; later states wait for it or are skipped.
    edit: asyncio.Task[None] | None = None
    # The interaction's message, once an edit has told us its id: a result that has to go to the
    # channel clears the preview left on it.
    message_id: int | None = None
    # While the job waits: how many jobs its queued line says are ahead of it.
    shown_ahead: int | None = None
    running: bool = False
    # Whether the result (or the final word of another process) is shown again once it is posted: a
    # passing edit landed after it, or may have.
    show_again: asyncio.Task[None] | None = None


class Delivery:
    """Posts queued, progress and finished states of jobs (implements generation's JobObserver)."""

    def __init__(
        self,
        bot: ImagineBot,
        service: GenerationService,
        *,
        progress_interval_s: float,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._bot = bot
        self._service = service
        self._clock = clock
        self.throttle = ProgressThrottle(progress_interval_s)
        self._passing_edits = _NoWaitSession(fallback_s=progress_interval_s)
        # discord.py sends a token's requests one at a time (one lock per webhook and token, in its
        # adapter): through the same adapter, a passing edit Discord does not answer would hold the
        # result behind it. Passing edits have an adapter of their own.
        self._passing_adapter = AsyncWebhookAdapter()  # type: ignore[no-untyped-call]  # unannotated there
        self._expected: dict[str, _Expected] = {}
        self._live: dict[int, _Live] = {}
        self._posting: set[int] = set()
        # Results being delivered in the background, by job id (a retry may be waiting in there).
        self._delivering: dict[int, asyncio.Task[None]] = {}
        self._queue_refresh: asyncio.Task[None] | None = None
        self._queued_edits = asyncio.Semaphore(QUEUED_EDITS_AT_ONCE)
        self._tasks: set[asyncio.Task[None]] = set()

    # -- what the commands tell us before submitting ----------------------------------------------

    def expect(self, token: str, *, size_limit: int, notes: tuple[str, ...] = ()) -> None:
        """Remember the upload limit and notes of the interaction about to submit a job."""
        self._expected[token] = _Expected(size_limit, notes)

    def forget(self, token: str) -> None:
        self._expected.pop(token, None)

    # -- JobObserver ------------------------------------------------------------------------------

    async def job_queued(self, job: Job, position: Position | None, eta_s: float | None) -> None:
        """Show the job queued, in the background: whoever queued it (a member's command, the start,
        the store watch taking jobs over) does not wait for Discord."""
        live = self._track(job)
        if job.interaction_token is None:
            return
        # Waiting from now on: should this edit be dropped, the refresh shows the line.
        live.shown_ahead = _NOT_SHOWN
        self._start_queued_edit(job.id, live, position, eta_s)
        if self._queue_refresh is None or self._queue_refresh.done():
            self._queue_refresh = self._spawn(self._refresh_queued_lines(), name="queue-refresh")

    def _start_queued_edit(
        self, job_id: int, live: _Live, position: Position | None, eta_s: float | None
    ) -> None:
        live.edit = self._spawn(self._show_queued(job_id, live, position, eta_s), name=f"queued-{job_id}")

    async def _show_queued(
        self, job_id: int, live: _Live, position: Position | None, eta_s: float | None
    ) -> None:
        """Edit the job's queued line once its turn among the queued-line edits comes (the refresh
        corrects a line that waited while the queue moved)."""
        text = "\n".join((wording.queued_line(job_id, position, eta_s), *live.notes))
        async with self._queued_edits, live.lock:
            if live.running or live.finished or live.token is None:
                return  # started (or ended) meanwhile: its progress or result is shown instead
            if self.throttle.held(job_id):
                # Discord asked us to wait while this edit waited its turn: a later refresh shows it.
                live.shown_ahead = _NOT_SHOWN
                return
            live.shown_ahead = position.ahead if position is not None else None
            try:
                message = await self._edit(
                    live.token,
                    live.expires_at,
                    passing=True,
                    content=text,
                    view=formatting.pending_view(job_id),
                )
                await self._learn_reply(job_id, live, message.id)
                self._passing_landed(job_id, live, message)
            except _NotNow as exc:
                self._drop_edit("queued", job_id, exc)
                # Not shown: the next refresh after the wait shows where it stands then.
                live.shown_ahead = _NOT_SHOWN
            except _Unanswered:
                log.info("queued edit of job %s got no answer in time", job_id)
                live.shown_ahead = _NOT_SHOWN
                self._passing_lost(job_id, live)
            except (_TokenGone, *_DISCORD_FAILURES) as exc:
                # The job is stored and queued whatever happens to this message; the result follows.
                log.info("queued edit of job %s failed: %r", job_id, exc)
                if isinstance(exc, discord.HTTPException) and _no_more_edits(exc):
                    live.token = None  # as for progress (see `_progress`): no more edits through it
            except Exception:
                log.exception("queued edit of job %s failed", job_id)

    async def _refresh_queued_lines(self) -> None:
        """Keep the queued lines true as the queue moves (jobs ahead start, are cancelled or deleted);
        ends when no job of this process is waiting."""
        while True:
            await asyncio.sleep(QUEUE_REFRESH_S)
            now = self._clock()
            waiting = {
                job_id: live
                for job_id, live in self._live.items()
                if live.shown_ahead is not None
                and live.token is not None
                and not live.running
                and token_usable(live.expires_at, now)
            }
            if not waiting:
                return
            moved = []
            for job_id, live in waiting.items():
                if live.edit is not None and not live.edit.done():
                    continue  # its line is on its way: a later round compares with what it shows
                if self.throttle.held(job_id):
                    continue  # Discord asked us to wait: a later round shows it
                place = self._service.position(job_id)
                if place is not None and place[0].ahead != live.shown_ahead:
                    moved.append((place[0].ahead, job_id, live, place))
            # Each line is edited on its own: one Discord is slow to answer holds no other.
            for _ahead, job_id, live, (position, eta_s) in sorted(moved)[:QUEUE_REFRESH_EDITS]:
                self._start_queued_edit(job_id, live, position, eta_s)

    def job_progress(self, job_id: int, step: int, total: int) -> None:
        live = self._live.get(job_id)
        if live is not None:
            live.running = True
        if live is not None and (live.finished or live.token is None):
            return
        if live is not None and live.edit is not None and not live.edit.done():
            return  # the previous edit is still on its way; this report is stale by the time it lands
        if not self.throttle.should_edit(job_id, step, total):
            return
        task = self._spawn(self._progress(job_id, step, total), name=f"progress-{job_id}")
        if live is not None:
            live.edit = task

    async def job_preview(self, job_id: int, step: int, total: int, image: bytes) -> None:
        live = self._live.get(job_id)
        if live is None or live.finished or live.token is None:
            return
        if live.expires_at is None or live.expires_at - self._clock() < PREVIEW_TOKEN_MARGIN:
            return
        if self.throttle.held(job_id):
            return  # Discord asked us to wait: a later preview will do
        if live.edit is not None and not live.edit.done():
            # A preview is worth more than the text edit ahead of it: let that land, then show this;
            # unless Discord is slow to answer it.
            await asyncio.wait({live.edit}, timeout=LAST_EDIT_WAIT_S)
        if live.finished or (live.edit is not None and not live.edit.done()):
            return
        self.throttle.record(job_id, step)
        task = self._spawn(self._progress(job_id, step, total, preview=image), name=f"preview-{job_id}")
        live.edit = task
        await asyncio.gather(task, return_exceptions=True)

    async def job_finished(self, job: Job) -> None:
        """Post the result in the background: uploads, Discord's rate limits and retries must not
        hold the GPU slot (and everyone queued behind it) for one member's message."""
        live = self._end_live(job.id)
        task = self._spawn(self._deliver(job, live), name=f"deliver-{job.id}")
        self._delivering[job.id] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._delivering.get(job.id) is done:
                del self._delivering[job.id]

        task.add_done_callback(forget)

    async def _deliver(self, job: Job, live: _Live | None) -> None:
        """Post a finished job, trying again later when Discord fails; it stays unposted (and `/job`
        shows it) if every try fails, and a restart tries again."""
        if live is not None and live.edit is not None and not live.edit.done():
            # The last progress edit lands first, as a rule; one Discord is slow to answer is not
            # waited for (if it lands after the result, the result is shown again).
            await asyncio.wait({live.edit}, timeout=LAST_EDIT_WAIT_S)
        for delay in (0.0, *REDELIVERY_DELAYS_S):
            if delay:
                await asyncio.sleep(delay)
                try:
                    job = await self._service.store.get(job.id)
                except JobNotFound:
                    return  # erased meanwhile
                except Exception:
                    log.exception("reading job %s before posting it again failed", job.id)
                    continue
            try:
                await self.post_result(
                    job,
                    size_limit=live.size_limit if live else None,
                    original_message_id=live.message_id if live else job.reply_message_id,
                    notes=live.notes if live else (),
                    # A result this process did not see finish (a restart), or a try after one that
                    # failed, may be out already: only the record of it was lost.
                    look_first=live is None or bool(delay),
                )
                return
            except _Undeliverable as refusal:
                await self._give_up(job, refusal)
                return
            except _DISCORD_FAILURES as exc:
                log.warning("posting job %s failed: %s", job.id, _describe_failure(exc))
        # This process stops renewing its claim on the result: once it lapses, this or another process
        # takes it over and tries again, as it does at every start.
        log.error("job %s could not be posted; it is tried again when its claim lapses", job.id)

    async def _give_up(self, job: Job, refusal: _Undeliverable) -> None:
        """Record a result Discord refused for good, and tell its member where to find it instead."""
        log.warning("job %s: Discord refused its result for good (%s); /job shows it", job.id, refusal)
        store = self._service.store
        try:
            # Not tried again once the database answers: each try is refused again, and each
            # refusal counts toward Discord's limit on invalid requests.
            await self._until_recorded(job.id, "Discord refused it", lambda: store.mark_undeliverable(job.id))
        except JobNotFound:
            return  # erased meanwhile: there is no one left to tell
        if job.guild_id is None or job.status is not JobStatus.DONE:
            return  # a direct message was what was refused; or there are no images to point to
        try:
            dm = await self._bot.create_dm(discord.Object(job.user_id))
            await dm.send(wording.undeliverable(job.id, job.channel_id))
        except _DISCORD_FAILURES as exc:
            log.info("job %s: could not tell its member either (%s)", job.id, _describe_failure(exc))

    async def job_withdrawn(self, job_id: int) -> None:
        """Stop showing the job at once; what follows goes on in the background: the store watch
        that calls this (and the admission of new jobs, at an erasure) does not wait for Discord."""
        live = self._end_live(job_id)
        if live is None or not _may_land_after_others(live):
            return  # nothing of ours landed after the queued line, which the deleting process replaced

        async def show_deleted_again() -> None:
            # A progress edit of ours may have landed after the deleting process's "deleted" line.
            await self._edit_landed(live)
            await self._replace_with_deleted_line(
                job_id,
                token=live.token,
                expires_at=live.expires_at,
                channel_id=live.channel_id,
                message_id=live.message_id,
            )

        self._spawn(show_deleted_again(), name=f"withdrawn-{job_id}")

    def delivering(self) -> list[int]:
        return list(self._delivering)

    def channel_age_restricted(self, job: Job) -> bool | None:
        """The channel's age-restricted flag as the bot knows it now (a thread's is its parent's)."""
        guild = self._bot.get_guild(job.guild_id) if job.guild_id is not None else None
        channel = (
            guild.get_channel_or_thread(job.channel_id) if guild is not None and job.channel_id else None
        )
        return age_restricted(channel)

    async def job_handed_over(self, job_id: int) -> None:
        """Stop showing the job at once (the process that finished or took it over edits the same
        interaction message from now on); what follows goes on in the background, as in
        `job_withdrawn`."""
        live = self._end_live(job_id)
        if live is None or not _may_land_after_others(live) or live.token is None:
            return

        async def show_final_again() -> None:
            # A progress edit of ours may have landed after that process's final word on the job (a
            # /cancel that reached it): show the final state again.
            await self._edit_landed(live)
            await self._show_final_again(job_id, live)

        self._spawn(show_final_again(), name=f"handed-over-{job_id}")

    async def _show_final_again(self, job_id: int, live: _Live) -> None:
        """Show a posted result on the interaction's message again, over a passing edit that landed
        after it."""
        try:
            job = await self._service.store.get(job_id)
        except JobNotFound:
            return
        if job.posted_at is None or job.deleted_at is not None:
            return  # still running there, or its result is yet to land: that edit comes after ours
        if live.message_id is not None and job.message_id not in (None, live.message_id):
            return  # the result is a message of its own: the interaction's message does not show it
        try:
            uploads = await asyncio.to_thread(formatting.image_uploads, job, live.size_limit)
            text, embed, view = await self._result_parts(job, uploads, live.notes)
            await self._edit_original(
                job,
                content=text,
                embed=embed,
                attachments=[upload.to_file() for upload in uploads],
                view=view,
            )
        except (_TokenGone, *_DISCORD_FAILURES) as exc:
            log.info("job %s: could not show its final state again (%r)", job_id, exc)

    def _passing_landed(self, job_id: int, live: _Live, message: discord.Message) -> None:
        """A passing edit that lands after the result replaced the result's text (and its images, for a
        preview); only the result shows an embed: show it again."""
        if live.finished and message.embeds:
            log.info("job %s: a progress edit landed after its result; showing the result again", job_id)
            self._show_again_later(job_id, live)

    def _passing_lost(self, job_id: int, live: _Live) -> None:
        """A passing edit went unanswered: if the job ended meanwhile, it may land after the result."""
        if live.finished:
            self._show_again_later(job_id, live)

    def _show_again_later(self, job_id: int, live: _Live) -> None:
        if live.show_again is not None and not live.show_again.done():
            return

        async def once_posted() -> None:
            delivering = self._delivering.get(job_id)
            if delivering is not None:
                await asyncio.gather(delivering, return_exceptions=True)
            await self._show_final_again(job_id, live)

        live.show_again = self._spawn(once_posted(), name=f"show-again-{job_id}")

    async def _stop_showing(self, job_id: int) -> _Live | None:
        """No more progress or previews for this job; an edit on its way lands first, not after."""
        live = self._end_live(job_id)
        if live is not None:
            await self._edit_landed(live)
        return live

    @staticmethod
    async def _edit_landed(live: _Live) -> None:
        """Until the job's passing edit on its way, if any, has landed or been given up."""
        if live.edit is not None:
            await asyncio.gather(live.edit, return_exceptions=True)

    def _end_live(self, job_id: int) -> _Live | None:
        live = self._live.pop(job_id, None)
        self.throttle.forget(job_id)
        if live is not None:
            live.finished = True
        return live

    # -- posting ----------------------------------------------------------------------------------

    async def post_result(
        self,
        job: Job,
        *,
        size_limit: int | None = None,
        original_message_id: int | None = None,
        look_first: bool = False,
        notes: tuple[str, ...] = (),
    ) -> bool:
        """Post a finished job once; True when this call posted it (or, with `look_first`, found it
        posted by an earlier try that was never recorded). Discord's failures are raised: the job stays
        finished and unposted in the store. `notes`: what the request's options overrode (see `expect`)."""
        if (
            job.deleted_at is not None
            or job.posted_at is not None
            or job.undeliverable_at is not None
            or job.id in self._posting
        ):
            return False
        # Held until it is recorded posted too: this process does not post it again meanwhile (taking
        # over its own result once its claim lapsed while the database was away).
        self._posting.add(job.id)
        try:
            posted = await self._posted_before(job, original_message_id) if look_first else None
            if posted is None:
                posted = await self._post(job, size_limit, notes)
            if posted is None:
                return False
            message_id, moved = posted
            await self._mark_posted(job.id, message_id)
        finally:
            self._posting.discard(job.id)
        if moved and original_message_id is not None:
            await self._clear_original(job, original_message_id, message_id)
        await self._unless_deleted_meanwhile(job, message_id)
        return True

    async def _mark_posted(self, job_id: int, message_id: int) -> None:
        """Record a result posted: posting it again would show it twice."""
        store = self._service.store
        marked = await self._until_recorded(
            job_id, f"it is posted as message {message_id}", lambda: store.mark_posted(job_id, message_id)
        )
        if not marked:
            log.info("job %s was already posted", job_id)
        log.info("job %s posted as message %s", job_id, message_id)

    async def _until_recorded(self, job_id: int, what: str, record: Callable[[], Awaitable[_T]]) -> _T:
        """Record what Discord did with a result, trying again while the database does not answer:
        what Discord did is done, and only the record can keep it from being done again."""
        delays = itertools.chain(MARK_POSTED_DELAYS_S, itertools.repeat(MARK_POSTED_DELAYS_S[-1]))
        while True:
            try:
                return await record()
            except STORE_FAILURES as exc:
                delay = next(delays)
                log.warning(
                    "job %s: recording that %s failed (%r); trying again in %g s", job_id, what, exc, delay
                )
                await asyncio.sleep(delay)

    async def _unless_deleted_meanwhile(self, job: Job, message_id: int) -> None:
        """A delete or an erase that came while the result was uploading: take the result down again."""
        try:
            fresh = await self._service.store.get(job.id)
        except JobNotFound:
            fresh = None
        except STORE_FAILURES as exc:
            # The process that deleted it replaces the messages it knows of; this one it may not.
            log.warning("job %s: could not look whether it was deleted while posted (%r)", job.id, exc)
            return
        if fresh is None or fresh.deleted_at is not None:
            await self._show_deleted_at(job, message_id)

    async def _posted_before(self, job: Job, original_message_id: int | None) -> tuple[int, bool] | None:
        """The message already showing the result, and whether it is one of its own in the channel;
        None if there is none, or the channel cannot be read (the result is posted then).

        Editing the interaction's message again is harmless while its token lives; a new message is
        not: an interaction's follow-up takes no nonce, and Discord keeps a channel message's nonce for
        a few minutes only."""
        me = self._bot.user
        if me is None or job.channel_id is None:
            return None
        channel = self._bot.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
        use_token = job.interaction_token is not None and token_usable(
            job.interaction_expires_at, self._clock()
        )
        try:
            # 1. The interaction's message, edited with the result before its token ran out.
            if original_message_id is not None and not use_token:
                try:
                    original = await channel.fetch_message(original_message_id)
                except discord.NotFound:
                    pass
                else:
                    if _shows_result(original, job.id, me.id):
                        return original.id, False
            # 2. A message of its own: a follow-up, or a channel message.
            since = (job.finished_at or job.created_at) - CLOCK_SKEW
            async for message in channel.history(
                limit=RESULT_LOOKBACK, after=discord.Object(discord.utils.time_snowflake(since))
            ):
                if _shows_result(message, job.id, me.id):
                    return message.id, not use_token and message.id != original_message_id
        except _DISCORD_FAILURES as exc:
            log.info("job %s: could not look for its result (%s); posting it", job.id, _describe_failure(exc))
        return None

    async def _post(
        self, job: Job, size_limit: int | None, notes: tuple[str, ...]
    ) -> tuple[int, bool] | None:
        """Post the result; returns its message id and whether it went to a new message (the channel's,
        or a follow-up in an archived thread) while the interaction's first one is still there."""
        # 1. What to show; reading and re-encoding images is file work, off the event loop.
        channel_limit = self._channel_limit(job)
        interaction_limit = size_limit or formatting.DEFAULT_FILESIZE_LIMIT
        use_token = job.interaction_token is not None and token_usable(
            job.interaction_expires_at, self._clock()
        )
        limit = interaction_limit if use_token else channel_limit
        uploads = await asyncio.to_thread(formatting.image_uploads, job, limit)
        text, embed, view = await self._result_parts(job, uploads, notes)

        # 2. The interaction's own message while its token lives.
        if use_token:
            try:
                message = await self._edit_original(
                    job,
                    content=text,
                    embed=embed,
                    attachments=[upload.to_file() for upload in uploads],
                    view=view,
                )
                return message.id, False
            except _TokenGone:
                log.info("job %s: interaction token ran out; posting to the channel", job.id)
            except discord.HTTPException as exc:
                if exc.status not in _TOKEN_GONE and exc.code != _THREAD_ARCHIVED:
                    _raise_if_refused_for_good(exc)
                    raise
                if exc.code in (_UNKNOWN_MESSAGE, _THREAD_ARCHIVED):
                    # Someone deleted the message, or the thread archived itself while the job waited;
                    # the token still makes a new message (which unarchives the thread), and needs no
                    # permission in the channel to do so.
                    log.info(
                        "job %s: its message cannot be edited (%s); posting a follow-up", job.id, exc.code
                    )
                    followup = await self._followup(job, text, embed, uploads, view)
                    if followup is not None:
                        return followup.id, exc.code == _THREAD_ARCHIVED
                log.info(
                    "job %s: the interaction could not take it (HTTP %s); posting to the channel",
                    job.id,
                    exc.status,
                )
                if limit > channel_limit:
                    uploads = await asyncio.to_thread(formatting.image_uploads, job, channel_limit)

        # 3. Otherwise an ordinary message in the channel, mentioning the member.
        if job.channel_id is None:
            raise _Undeliverable("no channel, and no usable interaction")
        channel = self._bot.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
        fields: dict[str, Any] = {
            "embed": embed,
            "view": view if view is not None else discord.utils.MISSING,
            "nonce": result_nonce(job.id),
            "allowed_mentions": discord.AllowedMentions(users=[discord.Object(job.user_id)]),
        }
        try:
            sent = await channel.send(
                content=wording.mention(job.user_id, text),
                files=[upload.to_file() for upload in uploads],
                **fields,
            )
        except discord.HTTPException as exc:
            if not uploads or not (exc.status in (403, 413) or exc.code == _TOO_LARGE):
                _raise_if_refused_for_good(exc)
                raise
            # The bot may post here but not attach files (or not files this large): the message goes
            # without them, and `/job` shows the images to their owner.
            log.info("job %s: images refused in the channel (HTTP %s); posting without", job.id, exc.status)
            try:
                sent = await channel.send(
                    content=wording.mention(job.user_id, wording.without_images(text, job.id)),
                    **fields,
                )
            except discord.HTTPException as again:
                _raise_if_refused_for_good(again)
                raise
        return sent.id, True

    async def _result_parts(
        self, job: Job, uploads: list[formatting.ImageUpload], notes: tuple[str, ...] = ()
    ) -> tuple[str, discord.Embed, discord.ui.View | None]:
        """The text, embed and buttons of a finished job's result message (with the request's notes:
        a job that started at once was never shown queued, where they are shown first)."""
        text = "\n".join((formatting.result_content(job, posted=len(uploads)), *notes))
        embed = formatting.job_embed(job, self._service.license_for(job.model).name)
        return text, embed, formatting.result_view(job, max_pixels=await self._pixel_limit(job))

    async def _pixel_limit(self, job: Job) -> int | None:
        """The job's server's limit on an image's pixels now, which an upscale must fit; None when the
        database does not answer (the U buttons show, and a click says why it is refused)."""
        if job.guild_id is None:
            return GuildPolicy().max_pixels
        try:
            return (await self._service.policies.get(job.guild_id)).max_pixels
        except STORE_FAILURES as exc:
            log.info("job %s: reading its server's limits failed (%r)", job.id, exc)
            return None

    async def _followup(
        self,
        job: Job,
        text: str,
        embed: discord.Embed,
        uploads: list[formatting.ImageUpload],
        view: discord.ui.View | None,
    ) -> discord.WebhookMessage | None:
        """The result as a new message of the interaction; None when Discord refuses the token too."""
        application_id = self._bot.application_id
        if application_id is None or job.interaction_token is None:
            return None
        webhook = discord.Webhook.partial(application_id, job.interaction_token, client=self._bot)
        try:
            return await webhook.send(
                content=text,
                embed=embed,
                files=[upload.to_file() for upload in uploads],
                view=view if view is not None else discord.utils.MISSING,
                wait=True,
            )
        except discord.HTTPException as exc:
            # A locked thread takes no new message either: the channel's answer settles it.
            if exc.status not in _TOKEN_GONE and exc.code != _THREAD_ARCHIVED:
                raise
            return None

    async def _clear_original(self, job: Job, message_id: int, result_id: int) -> None:
        """Take the last preview and the progress off the interaction's message, through the channel
        (its token has run out), and point to where the result went."""
        assert job.channel_id is not None
        channel = self._bot.get_partial_messageable(job.channel_id, guild_id=job.guild_id)
        result_url = channel.get_partial_message(result_id).jump_url
        try:
            await channel.get_partial_message(message_id).edit(
                content=wording.result_moved_line(job.id, result_url), attachments=[], view=None
            )
        except _DISCORD_FAILURES as exc:
            log.info("job %s: could not clear its first message (%s)", job.id, _describe_failure(exc))

    def show_deleted_later(self, jobs: list[Job]) -> None:
        """Replace the messages of deleted or erased jobs with a line saying so, in the background (a
        member may have hundreds, Discord paces edits, and a hung edit holds no one's answer)."""

        async def clear_all() -> None:
            for job in jobs:
                try:
                    await self.show_deleted(job)
                except Exception:
                    log.exception("could not clear the message of deleted job %s", job.id)

        self._spawn(clear_all(), name="clear-deleted-jobs")

    async def show_deleted(self, job: Job) -> None:
        """Replace a deleted job's images with a line saying so (where we still can)."""
        live = await self._stop_showing(job.id)
        # A job never posted has no message id of its own; its first message may still show a preview.
        message_id = job.message_id or (live.message_id if live else None) or job.reply_message_id
        await self._show_deleted_at(job, message_id)

    async def _show_deleted_at(self, job: Job, message_id: int | None) -> None:
        await self._replace_with_deleted_line(
            job.id,
            token=job.interaction_token,
            expires_at=job.interaction_expires_at,
            channel_id=job.channel_id,
            message_id=message_id,
        )

    async def _replace_with_deleted_line(
        self,
        job_id: int,
        *,
        token: str | None,
        expires_at: datetime | None,
        channel_id: int | None,
        message_id: int | None,
    ) -> None:
        """Through the interaction while its token lives, else through the channel if we know the message."""
        fields: dict[str, Any] = {
            "content": wording.deleted_line(job_id),
            "embed": None,
            "attachments": [],
            "view": None,
        }
        if token is not None and token_usable(expires_at, self._clock()):
            try:
                await self._edit(token, expires_at, **fields)
                return
            except (_TokenGone, *_DISCORD_FAILURES) as exc:
                log.info("job %s: could not edit the deleted job's message (%r)", job_id, exc)
        if message_id is not None and channel_id is not None:
            message = self._bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            try:
                await message.edit(**fields)
            except _DISCORD_FAILURES as exc:
                log.info(
                    "job %s: could not edit the deleted job's message (%s)", job_id, _describe_failure(exc)
                )

    # -- helpers ----------------------------------------------------------------------------------

    def _spawn(self, work: Coroutine[Any, Any, None], *, name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _learn_reply(self, job_id: int, live: _Live, message_id: int) -> None:
        """Note the interaction's message, here and in the store: whichever process finishes the job
        clears it even after the token has run out."""
        if live.message_id == message_id:
            return
        live.message_id = message_id
        try:
            await self._service.store.set_reply_message(job_id, message_id)
        except JobNotFound:
            pass  # erased meanwhile
        except Exception as exc:
            log.warning("noting the message of job %s failed (%r); only this process knows it", job_id, exc)

    def _track(self, job: Job) -> _Live:
        live = self._live.get(job.id)
        if live is None:
            expected = self._expected.pop(job.interaction_token, None) if job.interaction_token else None
            live = _Live(
                token=job.interaction_token,
                expires_at=job.interaction_expires_at,
                channel_id=job.channel_id,
                message_id=job.reply_message_id,
            )
            if expected is not None:
                live.size_limit, live.notes = expected.size_limit, expected.notes
            self._live[job.id] = live
        return live

    async def _progress(self, job_id: int, step: int, total: int, *, preview: bytes | None = None) -> None:
        live = self._live.get(job_id)
        try:
            if live is None:
                # A job resumed after a restart: its token is in the store.
                try:
                    job = await self._service.store.get(job_id)
                except JobNotFound:
                    return  # erased while it ran
                if job.status.finished or job.deleted_at is not None:
                    return
                live = self._track(job)
            if live.token is None:
                return
            async with live.lock:
                # Checked under the lock: the result may have been posted while this edit waited.
                if live.finished:
                    return
                # A text-only edit leaves the last preview in place until the next one or the result.
                extra: dict[str, Any] = {}
                if preview is not None:
                    extra["attachments"] = [discord.File(io.BytesIO(preview), filename=PREVIEW_FILENAME)]
                message = await self._edit(
                    live.token,
                    live.expires_at,
                    passing=True,
                    content="\n".join((wording.progress_line(job_id, step, total), *live.notes)),
                    view=formatting.pending_view(job_id),
                    **extra,
                )
                await self._learn_reply(job_id, live, message.id)
                self._passing_landed(job_id, live, message)
        except _NotNow as exc:
            self._drop_edit("progress", job_id, exc)
        except _Unanswered:
            log.info("progress edit of job %s got no answer in time", job_id)
            if live is not None:
                self._passing_lost(job_id, live)
        except (_TokenGone, discord.HTTPException) as exc:
            log.info("progress edit of job %s failed: %r", job_id, exc)
            if isinstance(exc, discord.HTTPException) and _no_more_edits(exc) and live is not None:
                # The message was deleted, its thread archived, or Discord no longer takes the token:
                # every further edit would be refused too (and refusals count toward Discord's ban of
                # the bot's address). The result still tries the token once, then a new message.
                live.token = None
        except Exception:
            log.exception("progress edit of job %s failed", job_id)

    async def _edit_original(self, job: Job, **fields: Any) -> discord.WebhookMessage:
        """Edit the message of the interaction that made the job."""
        return await self._edit(job.interaction_token, job.interaction_expires_at, **fields)

    def _drop_edit(self, what: str, job_id: int, refused: _NotNow) -> None:
        """A passing edit Discord asked us to wait for is dropped, and no more are sent until the wait
        is over: for this job, or for every job when the limit is the bot's global one."""
        log.info("%s edit of job %s dropped: %s", what, job_id, refused)
        self.throttle.hold(None if refused.is_global else job_id, refused.retry_after)

    async def _edit(
        self, token: str | None, expires_at: datetime | None, *, passing: bool = False, **fields: Any
    ) -> discord.WebhookMessage:
        """Edit the interaction's message. A `passing` edit (a queued line, progress, a preview) raises
        _NotNow where Discord asks to wait, rather than being sent again late."""
        if token is None or not token_usable(expires_at, self._clock()):
            raise _TokenGone
        application_id = self._bot.application_id
        if application_id is None:
            raise RuntimeError("the bot has no application id yet")
        if not passing:
            webhook = discord.Webhook.partial(application_id, token, client=self._bot)
            return await webhook.edit_message(_ORIGINAL, **fields)
        session = cast(aiohttp.ClientSession, self._passing_edits)
        webhook = discord.Webhook.partial(application_id, token, client=self._bot, session=session)
        # discord.py reads its adapter from this context variable at each request; set here, it holds
        # for this task alone.
        adapter = async_context.set(self._passing_adapter)
        try:
            return await webhook.edit_message(_ORIGINAL, **fields)
        except TimeoutError:
            raise _Unanswered from None
        finally:
            async_context.reset(adapter)

    def _channel_limit(self, job: Job) -> int:
        guild = self._bot.get_guild(job.guild_id) if job.guild_id is not None else None
        return guild.filesize_limit if guild is not None else formatting.DEFAULT_FILESIZE_LIMIT

    async def close(self) -> None:
        # A result being uploaded right now gets a moment to land and be marked posted (cut short,
        # it would be posted again after the restart); results waiting for a retry are left to it.
        uploading = [task for job_id, task in self._delivering.items() if job_id in self._posting]
        if uploading:
            await asyncio.wait(uploading, timeout=CLOSE_GRACE_S)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._passing_edits.close()


def _may_land_after_others(live: _Live) -> bool:
    """Whether an edit of ours may land (or have landed) after another process's edit of the job's
    message: one still on its way, or progress of a job that ran here. A queued line that landed is
    taken to have come before, while the job waited."""
    return live.running or (live.edit is not None and not live.edit.done())


def _shows_result(message: discord.Message, job_id: int, me: int) -> bool:
    """Whether `message` is ours and shows the result of the job (the only one of its messages with
    an embed, see `formatting.job_embed`)."""
    footer = formatting.result_footer(job_id)
    return message.author.id == me and any(
        (embed.footer.text or "").startswith(footer) for embed in message.embeds
    )


def _describe_failure(exc: BaseException) -> str:
    if isinstance(exc, discord.HTTPException):
        return f"HTTP {exc.status} {exc.text}"
    return repr(exc)


class _TokenGone(Exception):
    """The job's interaction token is missing or past its time: use the channel instead."""
