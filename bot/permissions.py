"""Who may do what where: moderators, allowed channels, direct messages. Plain values in, answers out."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import timedelta

from bot.errors import BadDuration, NotHere
from moderation.policy import GuildPolicy

_DURATION = re.compile(r"\s*(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?|w|weeks?)\s*", re.IGNORECASE)
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_BAN = timedelta(days=3650)


def is_moderator(*, manage_guild: bool, role_ids: Collection[int], policy: GuildPolicy) -> bool:
    """Manage Server, or the role the server's policy names as its moderators."""
    if manage_guild:
        return True
    return policy.moderator_role_id is not None and policy.moderator_role_id in role_ids


def age_restricted(channel: object) -> bool | None:
    """A channel's age-restricted flag (a thread's is its parent's, as discord.py reads it); None when
    there is no channel, or its kind has no such flag."""
    is_nsfw = getattr(channel, "is_nsfw", None)
    return bool(is_nsfw()) if callable(is_nsfw) else None


def channel_allowed(policy: GuildPolicy, channel_id: int | None, parent_id: int | None = None) -> bool:
    """Whether the policy lets images be made in a channel (a thread counts as its parent)."""
    allowed = policy.allowed_channel_ids
    return not allowed or channel_id in allowed or (parent_id is not None and parent_id in allowed)


def check_channel(policy: GuildPolicy, channel_id: int | None, parent_id: int | None = None) -> None:
    """Raise NotHere when the policy limits generation to other channels (a thread counts as its parent)."""
    if channel_allowed(policy, channel_id, parent_id):
        return
    mentions = ", ".join(f"<#{channel}>" for channel in sorted(policy.allowed_channel_ids))
    raise NotHere(f"images can't be made in this channel here; use {mentions}")


def check_may_post(*, send_messages: bool, attach_files: bool) -> None:
    """Raise NotHere unless the member could post a message with images in the channel themselves.

    The bot posts a member's images there in public on their behalf. Discord lets members run commands
    (and react) where they may not write or attach files, so a read-only channel, or a server's guard
    against new members' images, would otherwise be one command away, an upload included.
    """
    if not send_messages:
        raise NotHere(
            "you can't send messages in this channel, so the bot won't post images for you here either; "
            "use a channel where you can"
        )
    if not attach_files:
        raise NotHere(
            "you can't attach files in this channel, so the bot won't post images for you here either; "
            "use a channel where you can"
        )


def check_dm(dms_allowed: bool) -> None:
    """Raise NotHere when the bot's operator turned direct messages off."""
    if not dms_allowed:
        raise NotHere("this bot makes images on servers only, not in direct messages")


def parse_duration(text: str) -> timedelta:
    """`30m`, `12h`, `7d`, `2w` (up to ten years); raise BadDuration otherwise."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise BadDuration(text)
    digits = match.group(1).lstrip("0")
    if len(digits) > len(str(int(MAX_BAN.total_seconds()))):  # longer than a ban, in any unit
        raise BadDuration(text, too_long=True)
    amount = int(digits or "0")
    seconds = amount * _UNIT_SECONDS[match.group(2)[0].lower()]
    if amount <= 0:
        raise BadDuration(text)
    if seconds > MAX_BAN.total_seconds():
        raise BadDuration(text, too_long=True)
    return timedelta(seconds=seconds)
