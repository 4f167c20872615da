"""Data model of the fake Discord: snowflakes, users, guilds, channels, members, roles, recorded traffic.

Everything here renders to the JSON shapes documented at https://discord.com/developers/docs (API v10).
"""

from __future__ import annotations

import asyncio
import io
import mimetypes
import re
import secrets
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeGenerator:
    """Strictly increasing, well-formed Discord snowflakes (timestamp, worker, process, increment)."""

    def __init__(self, worker_id: int = 1, process_id: int = 0) -> None:
        self._suffix = ((worker_id & 0x1F) << 17) | ((process_id & 0x1F) << 12)
        self._last = 0
        self._lock = threading.Lock()

    def __call__(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (ms << 22) | self._suffix
        with self._lock:
            if candidate <= self._last:
                candidate = self._last + 1
            self._last = candidate
        return candidate


def snowflake_time(snowflake: int) -> float:
    """Unix timestamp (seconds) encoded in a snowflake."""
    return ((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000.0


def iso_timestamp(ts: float | None = None) -> str:
    """ISO-8601 timestamp the way Discord renders them: ``2024-05-01T12:00:00.123000+00:00``."""
    return datetime.fromtimestamp(time.time() if ts is None else ts, UTC).isoformat(timespec="microseconds")


class Permissions:
    """Permission bits (https://discord.com/developers/docs/topics/permissions)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    CHANGE_NICKNAME = 1 << 26
    MANAGE_ROLES = 1 << 28
    MANAGE_THREADS = 1 << 34
    USE_APPLICATION_COMMANDS = 1 << 31
    CREATE_PUBLIC_THREADS = 1 << 35
    SEND_MESSAGES_IN_THREADS = 1 << 38
    MODERATE_MEMBERS = 1 << 40
    SEND_POLLS = 1 << 49
    USE_EXTERNAL_APPS = 1 << 50

    ALL = (1 << 51) - 1

    #: Roughly what a freshly created guild grants @everyone.
    DEFAULT_EVERYONE = (
        CREATE_INSTANT_INVITE
        | ADD_REACTIONS
        | VIEW_CHANNEL
        | SEND_MESSAGES
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | USE_EXTERNAL_EMOJIS
        | CONNECT
        | SPEAK
        | CHANGE_NICKNAME
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | SEND_MESSAGES_IN_THREADS
        | SEND_POLLS
        | USE_EXTERNAL_APPS
    )

    #: What an image bot is typically invited with (its managed role).
    DEFAULT_BOT = (
        VIEW_CHANNEL
        | SEND_MESSAGES
        | SEND_MESSAGES_IN_THREADS
        | EMBED_LINKS
        | ATTACH_FILES
        | READ_MESSAGE_HISTORY
        | ADD_REACTIONS
        | USE_EXTERNAL_EMOJIS
        | USE_APPLICATION_COMMANDS
    )


class Intents:
    """Gateway intent bits (https://discord.com/developers/docs/events/gateway#gateway-intents)."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_MODERATION = 1 << 2
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    MESSAGE_CONTENT = 1 << 15

    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


class ApplicationFlags:
    GATEWAY_PRESENCE_LIMITED = 1 << 13
    GATEWAY_GUILD_MEMBERS_LIMITED = 1 << 15
    GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19
    APPLICATION_COMMAND_BADGE = 1 << 23

    #: An unverified bot with all three privileged intents switched on in the developer portal.
    ALL_INTENTS_ENABLED = (
        GATEWAY_PRESENCE_LIMITED
        | GATEWAY_GUILD_MEMBERS_LIMITED
        | GATEWAY_MESSAGE_CONTENT_LIMITED
        | APPLICATION_COMMAND_BADGE
    )


class ChannelType:
    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4
    GUILD_ANNOUNCEMENT = 5
    ANNOUNCEMENT_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    GUILD_STAGE_VOICE = 13
    GUILD_FORUM = 15

    THREADS = (10, 11, 12)


class InteractionType:
    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    APPLICATION_COMMAND_AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class CallbackType:
    PONG = 1
    CHANNEL_MESSAGE_WITH_SOURCE = 4
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    APPLICATION_COMMAND_AUTOCOMPLETE_RESULT = 8
    MODAL = 9
    LAUNCH_ACTIVITY = 12


class MessageFlags:
    CROSSPOSTED = 1 << 0
    SUPPRESS_EMBEDS = 1 << 2
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_VOICE_MESSAGE = 1 << 13
    IS_COMPONENTS_V2 = 1 << 15


class OptionType:
    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


def new_token(prefix: str, ident: int) -> str:
    """A URL-safe token in the same spirit as Discord's (base64 of ``prefix:id:random``)."""
    import base64

    raw = f"{prefix}:{ident}:{secrets.token_urlsafe(48)}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_FILENAME_BAD = re.compile(r"[^\w.\-]+")


def sanitize_filename(name: str) -> str:
    """Discord replaces spaces and odd characters in attachment names with underscores."""
    cleaned = _FILENAME_BAD.sub("_", name.strip()) or "unknown"
    return cleaned[:1024]


def sniff_content_type(data: bytes, filename: str) -> str | None:
    """Content type the way Discord reports it: from the magic bytes first, then the extension."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    guessed, _ = mimetypes.guess_type(filename)
    if guessed and guessed.startswith("text/"):
        return f"{guessed}; charset=utf-8"
    return guessed


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of an image, or None when the bytes are not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:  # pragma: no cover - pillow is a project dependency
        return None
    try:
        with Image.open(io.BytesIO(data)) as img:
            return int(img.size[0]), int(img.size[1])
    except (UnidentifiedImageError, OSError, ValueError):
        return None


@dataclass
class Upload:
    """A file a *user* uploads (an attachment option, or an attachment on a user's message)."""

    filename: str
    data: bytes
    content_type: str | None = None
    description: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    discriminator: str = "0"
    avatar: str | None = None
    #: False makes ``POST /channels/{dm}/messages`` answer 403 50007 ("Cannot send messages to this user").
    accepts_dms: bool = True
    locale: str = "en-US"

    def to_dict(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": self.discriminator,
            "global_name": self.global_name,
            "avatar": self.avatar,
            "avatar_decoration_data": None,
            "collectibles": None,
            "primary_guild": None,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    managed: bool = False
    mentionable: bool = False
    tags: JSON | None = None

    def to_dict(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.tags is not None:
            data["tags"] = self.tags
        return data


@dataclass
class Overwrite:
    """A channel permission overwrite; ``type`` 0 = role, 1 = member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_dict(self) -> JSON:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


@dataclass
class Channel:
    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    #: Age-restricted channel.
    nsfw: bool = False
    topic: str | None = None
    parent_id: int | None = None
    rate_limit_per_user: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    recipients: list[User] = field(default_factory=list)
    last_message_id: int | None = None
    # Threads (types 10, 11, 12): who started it, its members, and its metadata.
    owner_id: int | None = None
    thread_members: set[int] = field(default_factory=set)
    archived: bool = False
    locked: bool = False

    @property
    def is_dm(self) -> bool:
        return self.type == ChannelType.DM

    @property
    def is_thread(self) -> bool:
        return self.type in ChannelType.THREADS

    def to_dict(self, *, include_guild_id: bool = True) -> JSON:
        if self.is_dm:
            return {
                "id": str(self.id),
                "type": self.type,
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "flags": 0,
                "recipients": [u.to_dict() for u in self.recipients],
            }
        if self.is_thread:
            thread: JSON = {
                "id": str(self.id),
                "type": self.type,
                "name": self.name,
                "parent_id": str(self.parent_id),
                "owner_id": str(self.owner_id or 0),
                "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                "rate_limit_per_user": self.rate_limit_per_user,
                "message_count": 0,
                "member_count": len(self.thread_members),
                "total_message_sent": 0,
                "flags": 0,
                "thread_metadata": {
                    "archived": self.archived,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso_timestamp(),
                    "locked": self.locked,
                    "invitable": True,
                    "create_timestamp": iso_timestamp(),
                },
            }
            if include_guild_id and self.guild_id is not None:
                thread["guild_id"] = str(self.guild_id)
            return thread
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [o.to_dict() for o in self.overwrites],
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "flags": 0,
        }
        if self.type != ChannelType.GUILD_CATEGORY:
            data.update(
                {
                    "nsfw": self.nsfw,
                    "topic": self.topic,
                    "last_message_id": str(self.last_message_id) if self.last_message_id else None,
                    "rate_limit_per_user": self.rate_limit_per_user,
                    "last_pin_timestamp": None,
                    "default_auto_archive_duration": 1440,
                }
            )
        if self.type in (ChannelType.GUILD_VOICE, ChannelType.GUILD_STAGE_VOICE):
            data.update({"bitrate": 64000, "user_limit": 0, "rtc_region": None, "video_quality_mode": 1})
        if include_guild_id and self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        return data


@dataclass
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: float = field(default_factory=time.time)

    def to_dict(self, *, include_user: bool = True, permissions: int | None = None) -> JSON:
        data: JSON = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": iso_timestamp(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
            "avatar_decoration_data": None,
        }
        if include_user:
            data["user"] = self.user.to_dict()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    preferred_locale: str = "en-US"
    features: list[str] = field(default_factory=list)
    nsfw_level: int = 0
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def text_channels(self) -> list[Channel]:
        return [c for c in self.channels.values() if c.type in (ChannelType.GUILD_TEXT, 5)]

    def base_permissions(self, user_id: int) -> int:
        if user_id == self.owner_id:
            return Permissions.ALL
        member = self.members.get(user_id)
        perms = self.everyone.permissions
        if member is not None:
            for role_id in member.roles:
                role = self.roles.get(role_id)
                if role is not None:
                    perms |= role.permissions
        if perms & Permissions.ADMINISTRATOR:
            return Permissions.ALL
        return perms

    def permissions_in(self, user_id: int, channel: Channel | None) -> int:
        """Computed permissions, following the algorithm in the permissions topic of the docs."""
        if channel is not None and channel.is_thread:
            # Threads have no overwrites of their own: the parent's permissions apply, sending needs
            # SEND_MESSAGES_IN_THREADS, and a private thread is seen only by its members and by those
            # with MANAGE_THREADS (https://discord.com/developers/docs/topics/threads#permissions).
            perms = self.permissions_in(user_id, self.channels.get(channel.parent_id or 0))
            if (
                channel.type == ChannelType.PRIVATE_THREAD
                and user_id not in channel.thread_members
                and not perms & Permissions.MANAGE_THREADS
            ):
                return 0
            if perms & Permissions.SEND_MESSAGES_IN_THREADS:
                perms |= Permissions.SEND_MESSAGES
            else:
                perms &= ~Permissions.SEND_MESSAGES
            return perms
        base = self.base_permissions(user_id)
        if base == Permissions.ALL or channel is None:
            return base
        perms = base
        by_id = {o.id: o for o in channel.overwrites}
        everyone = by_id.get(self.id)
        if everyone is not None:
            perms &= ~everyone.deny
            perms |= everyone.allow
        member = self.members.get(user_id)
        allow = deny = 0
        for role_id in member.roles if member else []:
            ow = by_id.get(role_id)
            if ow is not None and ow.type == 0:
                allow |= ow.allow
                deny |= ow.deny
        perms &= ~deny
        perms |= allow
        own = by_id.get(user_id)
        if own is not None and own.type == 1:
            perms &= ~own.deny
            perms |= own.allow
        # Implicit permissions: no VIEW_CHANNEL denies everything, no SEND_MESSAGES denies what depends on it.
        if not perms & Permissions.VIEW_CHANNEL:
            return 0
        if not perms & Permissions.SEND_MESSAGES:
            perms &= ~(
                Permissions.SEND_TTS_MESSAGES
                | Permissions.MENTION_EVERYONE
                | Permissions.EMBED_LINKS
                | Permissions.ATTACH_FILES
            )
        return perms


@dataclass
class RecordedFile:
    """One file part of a multipart request (``files[n]``)."""

    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    method: str
    #: Path relative to the API base (``/channels/1/messages``); the raw path for non-API requests.
    path: str
    raw_path: str
    query: dict[str, str]
    headers: dict[str, str]
    #: The JSON body, or the parsed ``payload_json`` of a multipart body.
    json: Any
    files: list[RecordedFile]
    #: Non-file multipart fields other than ``payload_json``.
    form: dict[str, str]
    #: ``time.monotonic()`` at arrival.
    timestamp: float
    index: int
    multipart: bool = False
    status: int | None = None
    response: Any = None
    completed: bool = False

    def file(self, index: int = 0) -> RecordedFile:
        """The ``files[index]`` part."""
        for f in self.files:
            if f.field == f"files[{index}]":
                return f
        raise KeyError(f"no files[{index}] in {self.method} {self.path}")

    def __repr__(self) -> str:
        return f"<RecordedRequest #{self.index} {self.method} {self.path} -> {self.status}>"


@dataclass
class GatewayRecord:
    """A gateway payload, received from (``direction='recv'``) or sent to (``'send'``) a client."""

    direction: str
    op: int
    t: str | None
    s: int | None
    d: Any
    session_id: str | None
    timestamp: float
    path: str = "/"


@dataclass
class Injection:
    """A scripted failure for the next ``count`` requests matching ``method`` and ``path_regex``."""

    method: str
    path_regex: str
    count: int
    status: int
    body: Any
    headers: dict[str, str]
    hits: list[RecordedRequest] = field(default_factory=list)
    # The request is carried out as usual and only its answer is replaced (lost on the way back).
    after_handling: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (self.method == "*" or self.method.upper() == method.upper()) and bool(
            re.search(self.path_regex, path)
        )

    @property
    def remaining(self) -> int:
        return self.count - len(self.hits)


@dataclass
class InteractionRecord:
    """An interaction the fake pushed, and what the bot did with it."""

    id: int
    token: str
    type: int
    payload: JSON
    created_at: float
    expires_at: float
    guild_id: int | None
    channel_id: int
    user_id: int
    #: For component interactions: the message the component sits on.
    message_id: int | None = None
    callback_type: int | None = None
    callback_data: JSON | None = None
    callback_request: RecordedRequest | None = None
    acknowledged_at: float | None = None
    original_message_id: int | None = None
    followup_message_ids: list[int] = field(default_factory=list)
    autocomplete_choices: list[JSON] | None = None
    modal: JSON | None = None
    #: Set when the token was invalidated early (3 s deadline missed, or ``FakeDiscord.expire_interaction``).
    invalidated: bool = False
    _acked: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def acknowledged(self) -> bool:
        return self.callback_type is not None

    @property
    def ack_latency(self) -> float | None:
        """Seconds between the push and the callback arriving."""
        return None if self.acknowledged_at is None else self.acknowledged_at - self.created_at

    async def wait_for_ack(self, timeout: float = 10.0) -> InteractionRecord:  # noqa: ASYNC109
        """Wait until the bot POSTed the interaction callback."""
        await asyncio.wait_for(self._acked.wait(), timeout)
        return self
