"""A server's moderation log channel: what its moderators see there, as it happens.

Commands (`/policy`, `/mod`) post their own changes through `echo`, which tells the moderator when the
channel cannot be written to. Decisions made elsewhere (a prompt refused, an image withheld, a
moderator deleting or cancelling a member's job with a button or a reaction) arrive as audit entries
(`AuditLog.on_recorded`) and are posted in the background, so no job waits on Discord for them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot import wording
from moderation.audit import AuditAction, AuditEntry
from moderation.policy import GuildPolicy

if TYPE_CHECKING:
    from bot.client import ImagineBot

log = logging.getLogger(__name__)

# Entries posted as they are recorded. Policy changes, bans and purges are echoed by their commands;
# spoilered images are what the server's policy allows, not news for its moderators.
ANNOUNCED = frozenset(
    {
        AuditAction.PROMPT_BLOCKED,
        AuditAction.IMAGE_WITHHELD,
        AuditAction.JOB_DELETED,
        AuditAction.JOB_CANCELLED,
    }
)


# How long a closing bot waits for the posts under way.
CLOSE_GRACE_S = 5.0
# Entries recorded while a server's last post was on its way go out together in its next one (a member
# sending refused prompt after refused prompt made one message each, and Discord lets a channel take
# about one a second): at most this many lines of them, then how many more `/mod log` lists.
MOST_LINES_AT_ONCE = 20


class ModerationLogChannel:
    def __init__(self, bot: ImagineBot) -> None:
        self.bot = bot
        self._tasks: set[asyncio.Task[None]] = set()
        # Each server's entries waiting to be posted, and the task posting them: one per server, so that
        # a channel shows its entries in the order they were recorded (and one slow channel holds up no
        # other server's).
        self._waiting: dict[int, list[AuditEntry]] = {}
        self._posting: dict[int, asyncio.Task[None]] = {}

    async def echo(self, before: GuildPolicy, after: GuildPolicy, text: str) -> str:
        """Post a command's change to the log channel; a moved channel hears of it in both.

        Returns "" or a note for the moderator's answer: a log channel the bot cannot write to must not
        make the command fail (the change is made), but the moderator should learn of it and repair it.
        """
        current = after.log_channel_id or before.log_channel_id
        # The moderators watching the old channel learn where the log went (or that it was turned off).
        channel_ids = dict.fromkeys(c for c in (before.log_channel_id, after.log_channel_id) if c is not None)
        note = ""
        for channel_id in channel_ids:
            if not await self._post(channel_id, text) and channel_id == current:
                note = wording.log_channel_unusable(channel_id)
        return note

    def on_recorded(self, entry: AuditEntry) -> None:
        """The audit log's listener: post the entries moderators should see as they happen."""
        guild_id = entry.guild_id
        if entry.action not in ANNOUNCED or guild_id is None:
            return
        self._waiting.setdefault(guild_id, []).append(entry)
        if guild_id in self._posting:
            return  # posted with the others waiting, once the post under way is done
        task = asyncio.get_running_loop().create_task(self._announce(guild_id), name=f"modlog-{guild_id}")
        self._posting[guild_id] = task
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _announce(self, guild_id: int) -> None:
        """Post the server's waiting entries, and those recorded meanwhile, until none wait."""
        try:
            while entries := self._waiting.pop(guild_id, None):
                try:
                    policy = await self.bot.services.policies.get(guild_id)
                except Exception:
                    log.exception("could not read the policy of guild %s for its log channel", guild_id)
                    continue
                if policy.log_channel_id is None:
                    continue
                for text in wording.log_channel_posts(entries, MOST_LINES_AT_ONCE):
                    await self._post(policy.log_channel_id, text)
        finally:
            # Nothing is awaited between finding none waiting and this: no entry is left behind.
            del self._posting[guild_id]

    async def _post(self, channel_id: int, text: str) -> bool:
        try:
            await self.bot.get_partial_messageable(channel_id).send(
                text, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException as exc:
            log.warning("could not write to log channel %s: HTTP %s", channel_id, exc.status)
            return False
        return True

    async def close(self) -> None:
        """Let the posts under way finish before the HTTP session closes, for a moment: a channel that
        Discord rate-limits (after a burst of refusals) must not hold the shutdown up."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=CLOSE_GRACE_S)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
