"""A Discord-compatible REST + gateway + CDN server on 127.0.0.1, for end-to-end tests with real discord.py.

Payload shapes follow the Discord developer documentation (API v10). See ``fakediscord/__init__.py`` for an
overview of the test-facing API.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import math
import re
import secrets
import struct
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import BodyPartReader, WSMsgType, hdrs, web

from .gateway import GatewayConnection, GatewaySession, gateway_record
from .models import (
    JSON,
    ApplicationFlags,
    CallbackType,
    Channel,
    ChannelType,
    GatewayRecord,
    Guild,
    Injection,
    Intents,
    InteractionRecord,
    InteractionType,
    Member,
    MessageFlags,
    OptionType,
    Overwrite,
    Permissions,
    RecordedFile,
    RecordedRequest,
    Role,
    SnowflakeGenerator,
    Upload,
    User,
    image_size,
    iso_timestamp,
    new_token,
    sanitize_filename,
    sniff_content_type,
    snowflake_time,
)

log = logging.getLogger(__name__)

API_VERSION = 10
_API_PATH = re.compile(r"^/api(?:/v(?P<version>\d+))?(?P<path>/.*)?$")
_MENTION = re.compile(r"<@!?(\d+)>")
_ATTACHMENT_REF = "attachment://"
_TRACE = ['["gateway-prd-fake-1",{"micros":1000,"calls":[]}]']


class DiscordError(Exception):
    """An error answered the way Discord does: ``{"message": ..., "code": ...}`` (+ ``errors`` for 50035)."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body: JSON = {"message": message, "code": code}
        if errors is not None:
            self.body["errors"] = errors


def _form_error(path: Sequence[str], code: str, message: str) -> DiscordError:
    errors: JSON = {"_errors": [{"code": code, "message": message}]}
    for key in reversed(path):
        errors = {key: errors}
    return DiscordError(400, 50035, "Invalid Form Body", errors)


@dataclass
class _Ctx:
    request: web.Request
    rec: RecordedRequest
    params: dict[str, str]

    @property
    def body(self) -> Any:
        return self.rec.json

    @property
    def files(self) -> list[RecordedFile]:
        return self.rec.files

    @property
    def query(self) -> dict[str, str]:
        return self.rec.query


_Handler = Callable[["FakeDiscord", _Ctx], Awaitable[tuple[int, Any]]]


@dataclass
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: _Handler
    auth: bool


@dataclass
class _Stall:
    method: str
    path_regex: str
    predicate: Callable[[RecordedRequest], bool] | None
    release: asyncio.Event

    def matches(self, rec: RecordedRequest) -> bool:
        return (
            self.method.upper() == rec.method.upper()
            and re.search(self.path_regex, rec.path) is not None
            and (self.predicate is None or self.predicate(rec))
        )


_ROUTES: list[_Route] = []


def _route(method: str, template: str, *, auth: bool = True) -> Callable[[_Handler], _Handler]:
    """Register a REST route. ``{name}`` segments match one path segment (``[^/]+``)."""
    regex = re.sub(r"\{(\w+)\}", lambda m: f"(?P<{m.group(1)}>[^/]+)", template)

    def deco(fn: _Handler) -> _Handler:
        _ROUTES.append(_Route(method, template, re.compile(f"^{regex}$"), fn, auth))
        return fn

    return deco


def _bool_query(value: str | None) -> bool:
    return value is not None and value.lower() in ("true", "1", "yes")


class FakeDiscord:
    """A fake Discord (REST API, gateway, CDN) for one bot user / application.

    Construct, optionally add guilds/channels/users, ``await start()``, point discord.py at it with
    :func:`fakediscord.patch_discord`, run the bot, drive it with :meth:`send_interaction`,
    :meth:`click_button`, :meth:`add_reaction`..., then assert on :attr:`requests`, :attr:`messages` and
    :attr:`interactions`.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        bot_user_id: int | None = None,
        application_id: int | None = None,
        bot_username: str = "imagine-bot",
        application_flags: int = ApplicationFlags.ALL_INTENTS_ENABLED,
        shard_count: int = 1,
        heartbeat_interval_ms: int = 41_250,
        interaction_token_ttl: float = 900.0,
        interaction_ack_timeout: float | None = 3.0,
        expired_token_status: int = 401,
        attachment_size_limit: int = 10 * 1024 * 1024,
        strict_commands: bool = True,
        members_in_guild_create: bool = True,
        dispatch_message_events: bool = True,
        default_guild: bool = True,
    ) -> None:
        self.snowflake = SnowflakeGenerator()
        self.host = host
        self._port = port
        self.bot_user = User(
            id=bot_user_id or self.snowflake(), username=bot_username, bot=True, discriminator="4242"
        )
        #: The application id. Discord gives bot users the same id as their application; so does the fake.
        self.application_id: int = application_id or self.bot_user.id
        self.application_flags = application_flags
        self.token: str = token or self._make_bot_token()
        self.shard_count = shard_count
        self.heartbeat_interval_ms = heartbeat_interval_ms
        #: Interaction tokens stop working this many seconds after the push (Discord: 15 min).
        self.interaction_token_ttl = interaction_token_ttl
        #: The initial callback must arrive within this many seconds (Discord: 3 s); None disables the check.
        self.interaction_ack_timeout = interaction_ack_timeout
        #: Status for an expired interaction token (Discord: 401, code 50027 "Invalid Webhook Token").
        self.expired_token_status = expired_token_status
        self.attachment_size_limit = attachment_size_limit
        #: Refuse to push interactions for commands the bot never registered (like a real Discord client).
        self.strict_commands = strict_commands
        #: Put every member in GUILD_CREATE when the session has GUILD_MEMBERS (otherwise only the bot member,
        #: which makes discord.py chunk with op 8).
        self.members_in_guild_create = members_in_guild_create
        #: Send MESSAGE_CREATE / UPDATE / DELETE for messages created through the API (as Discord does).
        self.dispatch_message_events = dispatch_message_events

        self.owner = User(id=self.snowflake(), username="app-owner", global_name="App Owner")
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.dm_channels: dict[int, Channel] = {}  # by recipient user id

        #: Every message ever created (current version), by id; deleted ones move to :attr:`deleted_messages`.
        self.messages: dict[int, JSON] = {}
        self.deleted_messages: dict[int, JSON] = {}
        self._reaction_users: dict[tuple[int, str], list[int]] = {}

        self.global_commands: dict[int, JSON] = {}
        self.guild_commands: dict[int, dict[int, JSON]] = {}

        self.interactions: dict[int, InteractionRecord] = {}
        self._interactions_by_token: dict[str, InteractionRecord] = {}

        #: Every HTTP request received, in arrival order.
        self.requests: list[RecordedRequest] = []
        #: Every gateway payload received and sent.
        self.gateway_log: list[GatewayRecord] = []
        self._request_waiters: list[
            tuple[Callable[[RecordedRequest], bool], asyncio.Future[RecordedRequest]]
        ] = []
        self._gateway_waiters: list[
            tuple[Callable[[GatewayRecord], bool], asyncio.Future[GatewayRecord]]
        ] = []
        self._injections: list[Injection] = []
        self._stalls: list[_Stall] = []

        self._cdn: dict[str, tuple[bytes, str]] = {}
        self._uploads_by_url: dict[str, JSON] = {}

        self._sessions: dict[str, GatewaySession] = {}
        self._connections: set[GatewayConnection] = set()
        self._session_starts = 0

        self._runner: web.AppRunner | None = None
        self._stopping = False

        self.guild: Guild | None = None
        self.channel: Channel | None = None
        self.nsfw_channel: Channel | None = None
        self.user: User | None = None
        if default_guild:
            self._add_default_guild()

    # ------------------------------------------------------------------ lifecycle & URLs

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._port)
        await site.start()
        for addr in self._runner.addresses:
            if isinstance(addr, tuple):
                self._port = int(addr[1])
                break
        log.debug("fake discord listening on %s", self.base_url)
        return self

    async def stop(self) -> None:
        self._stopping = True
        for conn in list(self._connections):
            conn.enqueue_close(1001, "fake discord shutting down")
        for conn in list(self._connections):
            with contextlib.suppress(asyncio.TimeoutError):
                await conn.drain(timeout=2.0)
        for _, fut in self._request_waiters:
            fut.cancel()
        for _, gfut in self._gateway_waiters:
            gfut.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._port}"

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}/api/v{API_VERSION}"

    @property
    def gateway_url(self) -> str:
        """``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` value (also what ``GET /gateway`` answers)."""
        return f"ws://{self.host}:{self._port}/"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://{self.host}:{self._port}/resume"

    @property
    def cdn_base(self) -> str:
        """Value for ``discord.asset.Asset.BASE``; attachments are served from here too."""
        return self.base_url

    @property
    def cdn_host(self) -> str:
        """``host:port`` of the CDN URLs (what an allow-list of CDN hosts must contain)."""
        return f"{self.host}:{self._port}"

    def _make_bot_token(self) -> str:
        import base64

        head = base64.urlsafe_b64encode(str(self.bot_user.id).encode()).decode().rstrip("=")
        return f"{head}.{secrets.token_urlsafe(4)}.{secrets.token_urlsafe(27)}"

    # ------------------------------------------------------------------ world building

    def _add_default_guild(self) -> None:
        guild = self.add_guild("Imagine Test Guild", owner=self.owner)
        self.guild = guild
        self.channel = self.add_channel(guild, "general")
        self.nsfw_channel = self.add_channel(guild, "nsfw-art", nsfw=True)
        self.user = self.add_user("alice", global_name="Alice")
        self.add_member(guild, self.user)

    def add_user(
        self,
        username: str,
        *,
        user_id: int | None = None,
        global_name: str | None = None,
        bot: bool = False,
        accepts_dms: bool = True,
        locale: str = "en-US",
    ) -> User:
        user = User(
            id=user_id or self.snowflake(),
            username=username,
            global_name=global_name,
            bot=bot,
            accepts_dms=accepts_dms,
            locale=locale,
        )
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Test Guild",
        *,
        guild_id: int | None = None,
        owner: User | int | None = None,
        everyone_permissions: int = Permissions.DEFAULT_EVERYONE,
        bot_permissions: int = Permissions.DEFAULT_BOT,
        preferred_locale: str = "en-US",
        features: Iterable[str] = (),
        nsfw_level: int = 0,
    ) -> Guild:
        """Create a guild the bot is in: @everyone role, the bot's managed role, the owner and bot members."""
        owner_user = self._user(owner) if owner is not None else self.owner
        gid = guild_id or self.snowflake()
        guild = Guild(
            id=gid,
            name=name,
            owner_id=owner_user.id,
            preferred_locale=preferred_locale,
            features=list(features),
            nsfw_level=nsfw_level,
        )
        guild.roles[gid] = Role(id=gid, guild_id=gid, name="@everyone", permissions=everyone_permissions)
        bot_role = Role(
            id=self.snowflake(),
            guild_id=gid,
            name=self.bot_user.username,
            permissions=bot_permissions,
            position=1,
            managed=True,
            tags={"bot_id": str(self.bot_user.id)},
        )
        guild.roles[bot_role.id] = bot_role
        guild.members[owner_user.id] = Member(user=owner_user, guild_id=gid)
        guild.members[self.bot_user.id] = Member(user=self.bot_user, guild_id=gid, roles=[bot_role.id])
        self.guilds[gid] = guild
        for session in self._sessions_for(gid):
            session.dispatch("GUILD_CREATE", self._guild_create_payload(guild, session))
        return guild

    def bot_role(self, guild: Guild | int) -> Role:
        g = self._guild(guild)
        return next(r for r in g.roles.values() if r.tags and r.tags.get("bot_id") == str(self.bot_user.id))

    def add_channel(
        self,
        guild: Guild | int,
        name: str,
        *,
        channel_id: int | None = None,
        type: int = ChannelType.GUILD_TEXT,
        nsfw: bool = False,
        topic: str | None = None,
        parent_id: int | None = None,
        overwrites: Iterable[Overwrite] = (),
    ) -> Channel:
        g = self._guild(guild)
        channel = Channel(
            id=channel_id or self.snowflake(),
            type=type,
            name=name,
            guild_id=g.id,
            position=len(g.channels),
            nsfw=nsfw,
            topic=topic,
            parent_id=parent_id,
            overwrites=list(overwrites),
        )
        g.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self._broadcast("CHANNEL_CREATE", channel.to_dict(), guild_id=g.id, intent=Intents.GUILDS)
        return channel

    def add_thread(
        self,
        parent: Channel | int,
        name: str,
        *,
        private: bool = False,
        owner: User | int | None = None,
        members: Iterable[User | int] = (),
        archived: bool = False,
    ) -> Channel:
        """Start a thread (a forum post, when the parent is a forum) and send THREAD_CREATE to the sessions
        that can see it (for a private thread: the bot is a member, or has MANAGE_THREADS)."""
        p = self._channel(parent)
        assert p.guild_id is not None
        g = self._guild(p.guild_id)
        owner_user = self._user(owner) if owner is not None else self._default_user()
        thread = Channel(
            id=self.snowflake(),
            type=ChannelType.PRIVATE_THREAD if private else ChannelType.PUBLIC_THREAD,
            name=name,
            guild_id=g.id,
            parent_id=p.id,
            owner_id=owner_user.id,
            thread_members={owner_user.id, *(self._user(m).id for m in members)},
            archived=archived,
        )
        g.channels[thread.id] = thread
        self.channels[thread.id] = thread
        if not archived and g.permissions_in(self.bot_user.id, thread) & Permissions.VIEW_CHANNEL:
            self._broadcast("THREAD_CREATE", thread.to_dict(), guild_id=g.id, intent=Intents.GUILDS)
        return thread

    def remove_bot_from_guild(self, guild: Guild | int) -> None:
        """The bot is kicked (or the guild deleted): GUILD_DELETE without ``unavailable``; the bot can no
        longer reach the guild's channels."""
        g = self._guild(guild)
        for session in self._sessions_for(g.id):
            session.dispatch("GUILD_DELETE", {"id": str(g.id)})
        del self.guilds[g.id]
        for cid in list(g.channels):
            self.channels.pop(cid, None)

    def make_guild_unavailable(self, guild: Guild | int) -> None:
        """A Discord outage of the guild: GUILD_DELETE with ``unavailable: true`` (the bot was not removed)."""
        g = self._guild(guild)
        for session in self._sessions_for(g.id):
            session.dispatch("GUILD_DELETE", {"id": str(g.id), "unavailable": True})

    def restore_guild(self, guild: Guild | int) -> None:
        """The outage is over: the guild comes back with a GUILD_CREATE, as after READY."""
        g = self._guild(guild)
        for session in self._sessions_for(g.id):
            session.dispatch("GUILD_CREATE", self._guild_create_payload(g, session))

    def delete_channel(self, channel: Channel | int) -> None:
        """A moderator deletes a channel: its messages go with it, CHANNEL_DELETE is sent."""
        ch = self._channel(channel)
        assert ch.guild_id is not None
        g = self._guild(ch.guild_id)
        data = ch.to_dict()
        del g.channels[ch.id]
        del self.channels[ch.id]
        for mid, msg in list(self.messages.items()):
            if msg["channel_id"] == str(ch.id):
                self.deleted_messages[mid] = self.messages.pop(mid)
        self._broadcast(
            "THREAD_DELETE" if ch.is_thread else "CHANNEL_DELETE", data, guild_id=g.id, intent=Intents.GUILDS
        )

    def update_channel(self, channel: Channel | int, **changes: Any) -> Channel:
        """Change channel attributes (e.g. ``nsfw=True``) and send CHANNEL_UPDATE."""
        ch = self._channel(channel)
        for key, value in changes.items():
            if not hasattr(ch, key):
                raise AttributeError(f"Channel has no attribute {key!r}")
            setattr(ch, key, value)
        if ch.guild_id is not None:
            event = "THREAD_UPDATE" if ch.is_thread else "CHANNEL_UPDATE"
            self._broadcast(event, ch.to_dict(), guild_id=ch.guild_id, intent=Intents.GUILDS)
        return ch

    def add_role(
        self,
        guild: Guild | int,
        name: str,
        *,
        permissions: int = 0,
        role_id: int | None = None,
        color: int = 0,
        hoist: bool = False,
    ) -> Role:
        g = self._guild(guild)
        role = Role(
            id=role_id or self.snowflake(),
            guild_id=g.id,
            name=name,
            permissions=permissions,
            position=len(g.roles),
            color=color,
            hoist=hoist,
        )
        g.roles[role.id] = role
        self._broadcast(
            "GUILD_ROLE_CREATE",
            {"guild_id": str(g.id), "role": role.to_dict()},
            guild_id=g.id,
            intent=Intents.GUILDS,
        )
        return role

    def add_member(
        self,
        guild: Guild | int,
        user: User | int | str,
        *,
        roles: Iterable[Role | int] = (),
        nick: str | None = None,
    ) -> Member:
        """Add a user to a guild (a str creates a new user with that username)."""
        g = self._guild(guild)
        u = self.add_user(user) if isinstance(user, str) else self._user(user)
        member = Member(
            user=u, guild_id=g.id, roles=[r.id if isinstance(r, Role) else int(r) for r in roles], nick=nick
        )
        g.members[u.id] = member
        data = member.to_dict()
        data["guild_id"] = str(g.id)
        self._broadcast("GUILD_MEMBER_ADD", data, guild_id=g.id, intent=Intents.GUILD_MEMBERS)
        return member

    def ban_member(self, guild: Guild | int, user: User | int) -> None:
        """The guild's moderators ban a member: they leave it (GUILD_MEMBER_REMOVE, a privileged intent)
        and GUILD_BAN_ADD goes to the sessions with the GUILD_MODERATION intent."""
        g = self._guild(guild)
        u = self._user(user)
        g.members.pop(u.id, None)
        data = {"guild_id": str(g.id), "user": u.to_dict()}
        self._broadcast("GUILD_MEMBER_REMOVE", data, guild_id=g.id, intent=Intents.GUILD_MEMBERS)
        self._broadcast("GUILD_BAN_ADD", data, guild_id=g.id, intent=Intents.GUILD_MODERATION)

    def set_member_roles(self, guild: Guild | int, user: User | int, roles: Iterable[Role | int]) -> Member:
        g = self._guild(guild)
        member = g.members[self._user(user).id]
        member.roles = [r.id if isinstance(r, Role) else int(r) for r in roles]
        data = member.to_dict()
        data["guild_id"] = str(g.id)
        self._broadcast("GUILD_MEMBER_UPDATE", data, guild_id=g.id, intent=Intents.GUILD_MEMBERS)
        return member

    def create_dm(self, user: User | int) -> Channel:
        u = self._user(user)
        channel = self.dm_channels.get(u.id)
        if channel is None:
            channel = Channel(id=self.snowflake(), type=ChannelType.DM, recipients=[u])
            self.dm_channels[u.id] = channel
            self.channels[channel.id] = channel
        return channel

    def permissions_for(self, user: User | int, channel: Channel | int) -> int:
        ch = self._channel(channel)
        if ch.guild_id is None:
            return (
                Permissions.VIEW_CHANNEL
                | Permissions.SEND_MESSAGES
                | Permissions.READ_MESSAGE_HISTORY
                | Permissions.ATTACH_FILES
                | Permissions.EMBED_LINKS
                | Permissions.ADD_REACTIONS
                | Permissions.USE_EXTERNAL_EMOJIS
                | Permissions.MENTION_EVERYONE
            )
        return self.guilds[ch.guild_id].permissions_in(self._user(user).id, ch)

    # ------------------------------------------------------------------ lookups

    def _user(self, user: User | Member | int | str) -> User:
        if isinstance(user, User):
            return user
        if isinstance(user, Member):
            return user.user
        if isinstance(user, str) and not user.isdigit():
            for u in self.users.values():
                if u.username == user:
                    return u
            raise KeyError(f"unknown user {user!r}")
        return self.users[int(user)]

    def _guild(self, guild: Guild | int) -> Guild:
        return guild if isinstance(guild, Guild) else self.guilds[int(guild)]

    def _channel(self, channel: Channel | int | str) -> Channel:
        if isinstance(channel, Channel):
            return channel
        return self.channels[int(channel)]

    def _message(self, message: Mapping[str, Any] | int | str) -> JSON:
        mid = int(message["id"]) if isinstance(message, Mapping) else int(message)
        try:
            return self.messages[mid]
        except KeyError:
            raise KeyError(f"unknown (or deleted) message {mid}") from None

    def get_message(self, message_id: int | str) -> JSON:
        """The current version of a stored message."""
        return copy.deepcopy(self._message(message_id))

    def channel_messages(self, channel: Channel | int, *, include_ephemeral: bool = False) -> list[JSON]:
        """Messages in a channel, oldest first."""
        cid = str(self._channel(channel).id)
        return [
            copy.deepcopy(m)
            for m in self.messages.values()
            if m["channel_id"] == cid and (include_ephemeral or not m["flags"] & MessageFlags.EPHEMERAL)
        ]

    def get_interaction(self, interaction: InteractionRecord | int | str) -> InteractionRecord:
        if isinstance(interaction, InteractionRecord):
            return interaction
        if isinstance(interaction, str) and interaction in self._interactions_by_token:
            return self._interactions_by_token[interaction]
        return self.interactions[int(interaction)]

    def original_response(self, interaction: InteractionRecord | int | str) -> JSON | None:
        """The interaction's original response message (current version), or None."""
        rec = self.get_interaction(interaction)
        if rec.original_message_id is None:
            return None
        msg = self.messages.get(rec.original_message_id) or self.deleted_messages.get(rec.original_message_id)
        return copy.deepcopy(msg) if msg is not None else None

    def followups(self, interaction: InteractionRecord | int | str) -> list[JSON]:
        rec = self.get_interaction(interaction)
        return [copy.deepcopy(self.messages[m]) for m in rec.followup_message_ids if m in self.messages]

    def expire_interaction(self, interaction: InteractionRecord | int | str) -> None:
        """Make the interaction token invalid now, as if 15 minutes had passed."""
        self.get_interaction(interaction).invalidated = True

    # ------------------------------------------------------------------ CDN

    def add_cdn_file(
        self, name: str, data: bytes, content_type: str | None = None, *, description: str | None = None
    ) -> str:
        """Store a user-uploaded file on the fake CDN and return its URL.

        The URL can be passed as the value of an attachment option to :meth:`send_interaction`.
        """
        att = self._store_attachment(
            f"ephemeral-attachments/{self.application_id}",
            Upload(name, data, content_type, description),
            ephemeral=True,
        )
        return str(att["url"])

    def attachment_bytes(self, url: str) -> bytes:
        """The bytes behind a CDN URL served by this fake."""
        path = urlsplit(url).path
        if path.startswith("/media/"):
            path = path[len("/media") :]
        return self._cdn[path][0]

    def _store_attachment(self, prefix: str, upload: Upload, *, ephemeral: bool = False) -> JSON:
        att_id = self.snowflake()
        filename = sanitize_filename(upload.filename)
        data = bytes(upload.data)
        content_type = sniff_content_type(data, filename)
        if content_type is None and upload.content_type not in (None, "application/octet-stream"):
            content_type = upload.content_type
        path = f"/{prefix}/{att_id}/{filename}"
        self._cdn[path] = (data, content_type or "application/octet-stream")
        now = int(time.time())
        signed = f"ex={now + 86_400:x}&is={now:x}&hm={secrets.token_hex(32)}&"
        att: JSON = {
            "id": str(att_id),
            "filename": filename,
            "size": len(data),
            "url": f"{self.cdn_base}{path}?{signed}",
            "proxy_url": f"{self.cdn_base}/media{path}?{signed}",
        }
        if content_type is not None:
            att["content_type"] = content_type
        if upload.description is not None:
            att["description"] = upload.description
        if content_type and content_type.startswith("image/"):
            size = (upload.width, upload.height) if upload.width and upload.height else image_size(data)
            if size is not None:
                att["width"], att["height"] = size
        if ephemeral:
            att["ephemeral"] = True
        self._uploads_by_url[att["url"]] = att
        self._uploads_by_url[f"{self.cdn_base}{path}"] = att
        return att

    async def _serve_cdn(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/media/"):
            path = path[len("/media") :]
        item = self._cdn.get(path)
        if item is None and (path.startswith("/embed/avatars/") or path.startswith("/avatars/")):
            item = (_TINY_PNG, "image/png")
        if item is None:
            return web.Response(status=404, text="This content is no longer available.")
        data, content_type = item
        return web.Response(body=data, headers={hdrs.CONTENT_TYPE: content_type})

    # ------------------------------------------------------------------ request recording & waiting

    def mark(self) -> int:
        """Index to pass as ``after=`` to only consider requests made from now on."""
        return len(self.requests)

    def requests_matching(
        self, method: str = "*", path_regex: str = "", *, after: int = 0
    ) -> list[RecordedRequest]:
        """Recorded requests with this method (``*`` = any) whose API path ``re.search``-es the regex."""
        return [r for r in self.requests[after:] if self._req_matches(r, method, path_regex)]

    @staticmethod
    def _req_matches(r: RecordedRequest, method: str, path_regex: str) -> bool:
        return (method == "*" or r.method == method.upper()) and bool(re.search(path_regex, r.path))

    async def wait_for_request(
        self,
        method: str = "*",
        path_regex: str = "",
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - the documented test-facing signature
        *,
        after: int = 0,
    ) -> RecordedRequest:
        """First request (from index ``after``) matching, once the fake has answered it.

        Already-answered requests count, so take ``mark = fake.mark()`` before triggering and pass
        ``after=mark`` when an earlier request could match too.
        """

        def match(r: RecordedRequest) -> bool:
            return (
                r.index >= after
                and self._req_matches(r, method, path_regex)
                and (predicate is None or bool(predicate(r)))
            )

        for r in self.requests[after:]:
            if r.completed and match(r):
                return r
        fut: asyncio.Future[RecordedRequest] = asyncio.get_running_loop().create_future()
        entry = (match, fut)
        self._request_waiters.append(entry)
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            seen = (
                "\n  ".join(f"{r.method} {r.path} -> {r.status}" for r in self.requests[after:]) or "(none)"
            )
            raise TimeoutError(
                f"no {method} request matching {path_regex!r} within {timeout}s; requests seen:\n  {seen}"
            ) from None
        finally:
            with contextlib.suppress(ValueError):
                self._request_waiters.remove(entry)

    def _request_completed(self, rec: RecordedRequest) -> None:
        rec.completed = True
        for match, fut in list(self._request_waiters):
            if not fut.done() and match(rec):
                fut.set_result(rec)

    def _record_gateway(self, direction: str, payload: JSON, conn: GatewayConnection) -> None:
        record = gateway_record(direction, payload, conn)
        self.gateway_log.append(record)
        for match, fut in list(self._gateway_waiters):
            if not fut.done() and match(record):
                fut.set_result(record)

    def gateway_received(self, op: int | None = None) -> list[GatewayRecord]:
        """Payloads the clients sent (IDENTIFY = 2, HEARTBEAT = 1, RESUME = 6, REQUEST_GUILD_MEMBERS = 8)."""
        return [g for g in self.gateway_log if g.direction == "recv" and (op is None or g.op == op)]

    def gateway_sent(self, event: str | None = None) -> list[GatewayRecord]:
        """Dispatches the fake sent (``event`` = ``"READY"``, ``"INTERACTION_CREATE"``, ...)."""
        return [g for g in self.gateway_log if g.direction == "send" and (event is None or g.t == event)]

    async def wait_for_gateway(
        self,
        op: int,
        predicate: Callable[[GatewayRecord], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - the documented test-facing signature
        *,
        direction: str = "recv",
        after: int = 0,
    ) -> GatewayRecord:
        """Wait for a gateway payload with this opcode (``after`` indexes :attr:`gateway_log`)."""

        def match(g: GatewayRecord) -> bool:
            return g.direction == direction and g.op == op and (predicate is None or bool(predicate(g)))

        for g in self.gateway_log[after:]:
            if match(g):
                return g
        fut: asyncio.Future[GatewayRecord] = asyncio.get_running_loop().create_future()
        entry = (match, fut)
        self._gateway_waiters.append(entry)
        try:
            return await asyncio.wait_for(fut, timeout)
        finally:
            with contextlib.suppress(ValueError):
                self._gateway_waiters.remove(entry)

    # ------------------------------------------------------------------ failure injection

    def rate_limit(
        self,
        method: str,
        path_regex: str,
        *,
        count: int = 1,
        retry_after: float = 0.2,
        is_global: bool = False,
        scope: str | None = None,
    ) -> Injection:
        """Answer the next ``count`` matching requests with 429 and Discord's rate-limit headers and body."""
        scope = scope or ("global" if is_global else "user")
        headers = {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": secrets.token_hex(16),
            "X-RateLimit-Scope": scope,
            "Retry-After": str(max(1, math.ceil(retry_after))),
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
        if is_global:
            body["code"] = 0
        inj = Injection(method, path_regex, count, 429, body, headers)
        self._injections.append(inj)
        return inj

    def fail_next(
        self,
        method: str,
        path_regex: str,
        *,
        status: int = 500,
        count: int = 1,
        body: Any = None,
        code: int = 0,
        message: str | None = None,
    ) -> Injection:
        """Answer the next ``count`` matching requests with ``status`` (default 500, Discord's error body).

        Note discord.py's own client retries 500/502/504/524 (sleeping 1 s, 3 s, ...) but raises at once on
        503 (``DiscordServerError``); its webhook/interaction adapter retries every 5xx.
        """
        if body is None:
            reason = {
                500: "500: Internal Server Error",
                502: "502: Bad Gateway",
                503: "503: Service Unavailable",
            }
            body = {"message": message or reason.get(status, f"{status}: Error"), "code": code}
        inj = Injection(method, path_regex, count, status, body, {})
        self._injections.append(inj)
        return inj

    def lose_answer_next(
        self, method: str, path_regex: str, *, status: int = 502, count: int = 1
    ) -> Injection:
        """Carry out the next ``count`` matching requests, then answer ``status`` as a proxy in front of
        Discord would when the answer was lost on the way back: the client cannot tell it worked."""
        body = {"message": f"{status}: Bad Gateway", "code": 0}
        inj = Injection(method, path_regex, count, status, body, {}, after_handling=True)
        self._injections.append(inj)
        return inj

    def stall(
        self,
        method: str,
        path_regex: str,
        *,
        predicate: Callable[[RecordedRequest], bool] | None = None,
    ) -> asyncio.Event:
        """Hold matching requests (a slow upload, a hung connection) until the returned event is set;
        then they are answered as usual."""
        release = asyncio.Event()
        self._stalls.append(_Stall(method, path_regex, predicate, release))
        return release

    def clear_injections(self) -> None:
        self._injections.clear()
        for stall in self._stalls:
            stall.release.set()
        self._stalls.clear()

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get(hdrs.UPGRADE, "").lower() == "websocket":
            return await self._handle_ws(request)
        rec = await self._record(request)
        try:
            response = await self._respond(request, rec)
        except Exception:
            log.exception("fake discord crashed answering %s %s", rec.method, rec.path)
            response = self._json(500, {"message": "500: Internal Server Error", "code": 0})
        rec.status = response.status
        self._request_completed(rec)
        return response

    async def _record(self, request: web.Request) -> RecordedRequest:
        m = _API_PATH.match(request.path)
        path = (m.group("path") or "/") if m else request.path
        body: Any = None
        files: list[RecordedFile] = []
        form: dict[str, str] = {}
        multipart = False
        ctype = request.headers.get(hdrs.CONTENT_TYPE, "")
        if ctype.startswith("multipart/"):
            multipart = True
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):  # pragma: no cover - nested multipart
                    continue
                data = bytes(await part.read(decode=False))
                if part.filename is not None:
                    files.append(
                        RecordedFile(
                            field=part.name or "",
                            filename=part.filename,
                            content_type=part.headers.get(hdrs.CONTENT_TYPE),
                            data=data,
                        )
                    )
                elif part.name == "payload_json":
                    body = json.loads(data.decode())
                else:
                    form[part.name or ""] = data.decode(errors="replace")
        elif request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw.decode())
                except ValueError:
                    body = raw.decode(errors="replace")
        rec = RecordedRequest(
            method=request.method,
            path=path,
            raw_path=request.path,
            query=dict(request.query),
            headers=dict(request.headers),
            json=body,
            files=files,
            form=form,
            timestamp=time.monotonic(),
            index=len(self.requests),
            multipart=multipart,
        )
        self.requests.append(rec)
        return rec

    async def _respond(self, request: web.Request, rec: RecordedRequest) -> web.StreamResponse:
        m = _API_PATH.match(request.path)
        route: _Route | None = None
        match: re.Match[str] | None = None
        allowed: list[str] = []
        if m is not None:
            for candidate in _ROUTES:
                found = candidate.pattern.match(rec.path)
                if found is None:
                    continue
                if candidate.method != rec.method:
                    allowed.append(candidate.method)
                    continue
                route, match = candidate, found
                break

        for stall in list(self._stalls):
            if stall.matches(rec):
                await stall.release.wait()

        lost: Injection | None = None
        for inj in self._injections:
            if inj.remaining > 0 and inj.matches(rec.method, rec.path):
                inj.hits.append(rec)
                if inj.after_handling:
                    lost = inj
                    break
                rec.response = inj.body
                headers = dict(inj.headers)
                if inj.status == 429:
                    retry_after = float(inj.body.get("retry_after", 1.0))
                    headers["X-RateLimit-Reset"] = f"{time.time() + retry_after:.3f}"
                    if route is not None:
                        headers["X-RateLimit-Bucket"] = self._ratelimit_headers(route)["X-RateLimit-Bucket"]
                return self._json(inj.status, inj.body, headers)

        if m is None:
            return await self._serve_cdn(request)
        version = m.group("version")
        if version is not None and version not in ("9", "10"):
            return self._json(400, {"message": "Invalid API version", "code": 50041})
        if route is None or match is None:
            if allowed:
                return self._json(405, {"message": "405: Method Not Allowed", "code": 0})
            return self._json(404, {"message": "404: Not Found", "code": 0})
        if route.auth and not self._authorized(request):
            body = {"message": "401: Unauthorized", "code": 0}
            rec.response = body
            return self._json(401, body)
        ctx = _Ctx(request, rec, match.groupdict())
        try:
            status, payload = await route.handler(self, ctx)
        except DiscordError as exc:
            rec.response = exc.body
            return self._json(exc.status, exc.body)
        if lost is not None:
            rec.response = lost.body
            return self._json(lost.status, lost.body)
        rec.response = payload
        return self._json(status, payload, self._ratelimit_headers(route))

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get(hdrs.AUTHORIZATION) == f"Bot {self.token}"

    @staticmethod
    def _ratelimit_headers(route: _Route) -> dict[str, str]:
        import hashlib

        bucket = hashlib.sha1(f"{route.method} {route.template}".encode()).hexdigest()[:32]
        return {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": bucket,
        }

    @staticmethod
    def _json(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> web.Response:
        # discord.py only parses bodies whose Content-Type is *exactly* "application/json"; Via marks a
        # genuine Discord 429 (without it discord.py treats a 429 as a Cloudflare ban and raises).
        all_headers = {"Via": "1.1 google", **(headers or {})}
        if status == 204 or payload is None:
            return web.Response(status=204 if payload is None else status, headers=all_headers)
        return web.Response(
            status=status,
            body=json.dumps(payload).encode(),
            content_type="application/json",
            headers=all_headers,
        )

    # ------------------------------------------------------------------ gateway plumbing

    async def _handle_ws(self, request: web.Request) -> web.StreamResponse:
        rec = await self._record(request)
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        rec.status = 101
        self._request_completed(rec)
        conn = GatewayConnection(self, ws, request)
        self._connections.add(conn)
        conn.start()
        conn.enqueue(
            {
                "op": 10,
                "s": None,
                "t": None,
                "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": _TRACE},
            }
        )
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    raw = msg.data
                elif msg.type == WSMsgType.BINARY:
                    raw = msg.data.decode(errors="replace")
                else:
                    continue
                try:
                    payload = json.loads(raw)
                    if not isinstance(payload, dict):
                        raise ValueError("payload is not an object")
                except ValueError:
                    conn.enqueue_close(4002, "Error while decoding payload.")
                    continue
                self._record_gateway("recv", payload, conn)
                self._on_gateway_payload(conn, payload)
        finally:
            self._connections.discard(conn)
            await conn.shutdown()
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
                client_closed_cleanly = ws.close_code in (1000, 1001) and not conn.server_closed
                if client_closed_cleanly and not self._stopping:
                    # A client closing with 1000/1001 invalidates its session (it cannot RESUME it).
                    session.invalidated = True
                    self._sessions.pop(session.session_id, None)
        return ws

    def _on_gateway_payload(self, conn: GatewayConnection, payload: JSON) -> None:
        op = payload.get("op")
        d = payload.get("d")
        if op == 1:
            conn.last_heartbeat = time.monotonic()
            conn.enqueue({"op": 11, "s": None, "t": None, "d": None})
        elif op == 2:
            self._on_identify(conn, d or {})
        elif op == 6:
            self._on_resume(conn, d or {})
        elif not conn.identified:
            conn.enqueue_close(4003, "Not authenticated.")
        elif op == 8:
            self._on_request_members(conn, d or {})
        elif op in (3, 4):
            pass  # presence / voice state updates: accepted, ignored
        else:
            conn.enqueue_close(4001, "Unknown opcode.")

    def _token_ok(self, token: Any) -> bool:
        if not isinstance(token, str):
            return False
        return token.removeprefix("Bot ") == self.token

    def _on_identify(self, conn: GatewayConnection, d: JSON) -> None:
        if conn.identified:
            conn.enqueue_close(4005, "Already authenticated.")
            return
        if not self._token_ok(d.get("token")):
            conn.enqueue_close(4004, "Authentication failed.")
            return
        intents = d.get("intents")
        if not isinstance(intents, int) or intents < 0 or intents >= 1 << 26:
            conn.enqueue_close(4013, "Invalid intent(s).")
            return
        allowed_privileged = 0
        if self.application_flags & ApplicationFlags.GATEWAY_GUILD_MEMBERS_LIMITED:
            allowed_privileged |= Intents.GUILD_MEMBERS
        if self.application_flags & ApplicationFlags.GATEWAY_PRESENCE_LIMITED:
            allowed_privileged |= Intents.GUILD_PRESENCES
        if self.application_flags & ApplicationFlags.GATEWAY_MESSAGE_CONTENT_LIMITED:
            allowed_privileged |= Intents.MESSAGE_CONTENT
        if intents & Intents.PRIVILEGED & ~allowed_privileged:
            conn.enqueue_close(4014, "Disallowed intent(s).")
            return
        shard = d.get("shard") or [0, 1]
        if not isinstance(shard, list) or len(shard) != 2 or not 0 <= int(shard[0]) < int(shard[1]):
            conn.enqueue_close(4010, "Invalid shard.")
            return
        self._session_starts += 1
        session = GatewaySession(
            self,
            secrets.token_hex(16),
            (int(shard[0]), int(shard[1])),
            intents,
            int(d.get("large_threshold") or 50),
        )
        self._sessions[session.session_id] = session
        session.connection = conn
        conn.session = session
        conn.identified = True
        shard_guilds = [g for g in self.guilds.values() if session.handles_guild(g.id)]
        session.dispatch(
            "READY",
            {
                "v": API_VERSION,
                "user": self._bot_user_payload(),
                "guilds": [{"id": str(g.id), "unavailable": True} for g in shard_guilds],
                "session_id": session.session_id,
                "session_type": "normal",
                "resume_gateway_url": self.resume_gateway_url,
                "shard": [session.shard_id, session.shard_count],
                "application": {"id": str(self.application_id), "flags": self.application_flags},
                "private_channels": [],
                "presences": [],
                "relationships": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": ["us-east", "us-central"],
                "user_settings": {},
                "auth": {},
                "_trace": _TRACE,
            },
        )
        for guild in shard_guilds:
            session.dispatch("GUILD_CREATE", self._guild_create_payload(guild, session))

    def _on_resume(self, conn: GatewayConnection, d: JSON) -> None:
        if not self._token_ok(d.get("token")):
            conn.enqueue_close(4004, "Authentication failed.")
            return
        session = self._sessions.get(str(d.get("session_id")))
        seq = int(d.get("seq") or 0)
        if session is None or session.invalidated or not session.can_resume_from(seq):
            conn.enqueue({"op": 9, "s": None, "t": None, "d": False})
            return
        old = session.connection
        session.connection = conn
        conn.session = session
        conn.identified = True
        if old is not None and old is not conn:
            old.session = None
            old.enqueue_close(4000, "Session resumed elsewhere.")
        session.resumed_count += 1
        for payload in session.replay_after(seq):
            conn.enqueue(payload)
        session.dispatch("RESUMED", {"_trace": _TRACE})

    def _on_request_members(self, conn: GatewayConnection, d: JSON) -> None:
        session = conn.session
        assert session is not None
        raw_ids = d.get("guild_id")
        guild_ids = raw_ids if isinstance(raw_ids, list) else [raw_ids]
        for gid in guild_ids:
            guild = self.guilds.get(int(gid)) if gid is not None else None
            if guild is None:
                continue
            members = list(guild.members.values())
            chunk: JSON = {"guild_id": str(guild.id), "chunk_index": 0, "chunk_count": 1}
            user_ids = d.get("user_ids")
            if user_ids is not None:
                wanted = {int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])}
                members = [m for m in members if m.user.id in wanted]
                chunk["not_found"] = [str(u) for u in wanted - {m.user.id for m in members}]
            else:
                query = str(d.get("query") or "").lower()
                members = [
                    m
                    for m in members
                    if m.user.username.lower().startswith(query) or (m.nick or "").lower().startswith(query)
                ]
                limit = int(d.get("limit") or 0)
                if limit:
                    members = members[:limit]
            chunk["members"] = [m.to_dict() for m in members]
            if d.get("presences"):
                chunk["presences"] = []
            if d.get("nonce") is not None:
                chunk["nonce"] = d["nonce"]
            session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _sessions_for(self, guild_id: int | None, intent: int | None = None) -> list[GatewaySession]:
        return [
            s
            for s in self._sessions.values()
            if not s.invalidated and s.handles_guild(guild_id) and (intent is None or s.has_intent(intent))
        ]

    def _broadcast(self, event: str, data: JSON, *, guild_id: int | None, intent: int | None = None) -> None:
        for session in self._sessions_for(guild_id, intent):
            session.dispatch(event, copy.deepcopy(data))

    async def flush(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every queued gateway payload has been written to its socket."""
        for conn in list(self._connections):
            await conn.drain(timeout)

    @property
    def sessions(self) -> list[GatewaySession]:
        """Live (identified, not invalidated) gateway sessions."""
        return [s for s in self._sessions.values() if not s.invalidated]

    @property
    def connected(self) -> bool:
        return any(s.connection is not None for s in self.sessions)

    async def wait_for_session(self, timeout: float = 10.0) -> GatewaySession:  # noqa: ASYNC109
        """Wait until a client has identified (or resumed) and has a socket attached."""
        deadline = time.monotonic() + timeout
        while True:
            for s in self.sessions:
                if s.connection is not None:
                    return s
            if time.monotonic() > deadline:
                raise TimeoutError("no gateway session connected")
            await asyncio.sleep(0.01)

    async def dispatch(
        self, event: str, data: JSON, *, guild_id: int | None = None, intent: int | None = None
    ) -> None:
        """Send an arbitrary DISPATCH event to the sessions of the shard owning ``guild_id``."""
        self._broadcast(event, data, guild_id=guild_id, intent=intent)
        await self.flush()

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and RESUMEs on ``resume_gateway_url``."""
        for session in self.sessions:
            if session.connection is not None:
                session.connection.enqueue({"op": 7, "s": None, "t": None, "d": None})
        await self.flush()

    async def invalidate_sessions(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION (``d=false``: the client must IDENTIFY again; discord.py waits 5 s)."""
        for session in self.sessions:
            if session.connection is not None:
                session.connection.enqueue({"op": 9, "s": None, "t": None, "d": resumable})
            if not resumable:
                session.invalidated = True
        await self.flush()

    async def drop_connections(self, code: int = 4000) -> None:
        """Close every gateway socket with ``code`` (4000: the client RESUMEs; 4004/4014...: it gives up)."""
        for conn in list(self._connections):
            conn.enqueue_close(code, "fake discord closed the connection")
        await self.flush()

    # ------------------------------------------------------------------ payload builders

    def _bot_user_payload(self) -> JSON:
        data = self.bot_user.to_dict()
        data.update(
            {
                "verified": True,
                "mfa_enabled": False,
                "locale": "en-US",
                "email": None,
                "premium_type": 0,
                "flags": 0,
            }
        )
        return data

    def _guild_payload(self, guild: Guild) -> JSON:
        text = guild.text_channels()
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "icon_hash": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "widget_channel_id": None,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": [r.to_dict() for r in guild.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": list(guild.features),
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(text[0].id) if text else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "max_presences": None,
            "max_members": 500_000,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": guild.preferred_locale,
            "public_updates_channel_id": None,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": guild.nsfw_level,
            "nsfw": guild.nsfw_level in (1, 3),
            "premium_progress_bar_enabled": False,
            "safety_alerts_channel_id": None,
            "incidents_data": None,
        }

    def _guild_create_payload(self, guild: Guild, session: GatewaySession) -> JSON:
        data = self._guild_payload(guild)
        all_members = self.members_in_guild_create and session.has_intent(Intents.GUILD_MEMBERS)
        members = list(guild.members.values()) if all_members else [guild.members[self.bot_user.id]]
        data.update(
            {
                "joined_at": iso_timestamp(guild.members[self.bot_user.id].joined_at),
                "large": len(guild.members) > session.large_threshold,
                "unavailable": False,
                "member_count": len(guild.members),
                "voice_states": [],
                "members": [m.to_dict() for m in members],
                "channels": [
                    c.to_dict(include_guild_id=False) for c in guild.channels.values() if not c.is_thread
                ],
                "threads": [
                    c.to_dict()
                    for c in guild.channels.values()
                    if c.is_thread
                    and not c.archived
                    and guild.permissions_in(self.bot_user.id, c) & Permissions.VIEW_CHANNEL
                ],
                "presences": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
                "embedded_activities": [],
                "lazy": True,
            }
        )
        return data

    def _channel_payload_for(self, channel: Channel, user: User) -> JSON:
        data = channel.to_dict()
        if not channel.is_dm:
            data["permissions"] = str(self.permissions_for(user, channel))
        return data

    # ------------------------------------------------------------------ messages

    def _validate_message(self, body: JSON, *, n_files: int) -> None:
        content = body.get("content")
        if content is not None and len(str(content)) > 2000:
            raise _form_error(["content"], "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            raise _form_error(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        total = 0
        for i, embed in enumerate(embeds):
            for key, limit in (("title", 256), ("description", 4096)):
                value = embed.get(key) or ""
                total += len(value)
                if len(value) > limit:
                    raise _form_error(
                        ["embeds", str(i), key],
                        "BASE_TYPE_MAX_LENGTH",
                        f"Must be {limit} or fewer in length.",
                    )
            if len(embed.get("fields") or []) > 25:
                raise _form_error(
                    ["embeds", str(i), "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                )
        if total > 6000:
            raise _form_error(
                ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
            )
        flags = int(body.get("flags") or 0)
        components = body.get("components") or []
        if flags & MessageFlags.IS_COMPONENTS_V2:
            if body.get("content") or embeds:
                raise _form_error(
                    ["content"],
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "The 'content' and 'embeds' fields cannot be used with MessageFlags.IS_COMPONENTS_V2",
                )
        elif len(components) > 5:
            raise _form_error(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
        seen: set[str] = set()
        for comp in _walk_components(components):
            cid = comp.get("custom_id")
            if cid is None:
                continue
            if cid in seen:
                raise _form_error(
                    ["components"],
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            seen.add(cid)
        if n_files > 10:
            raise _form_error(["files"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")

    def _attachments_for(
        self,
        channel: Channel,
        body: JSON,
        files: list[RecordedFile],
        existing: list[JSON],
        *,
        ephemeral: bool,
    ) -> list[JSON]:
        uploads: dict[int, RecordedFile] = {}
        for position, f in enumerate(files):
            m = re.fullmatch(r"files\[(\d+)\]", f.field)
            uploads[int(m.group(1)) if m else position] = f
        for f in uploads.values():
            if len(f.data) > self.attachment_size_limit:
                raise DiscordError(413, 40005, "Request entity too large")

        def new(index: int, spec: Mapping[str, Any] | None = None) -> JSON:
            f = uploads[index]
            spec = spec or {}
            upload = Upload(
                filename=str(spec.get("filename") or f.filename),
                data=f.data,
                content_type=f.content_type,
                description=spec.get("description"),
            )
            return self._store_attachment(f"attachments/{channel.id}", upload, ephemeral=ephemeral)

        spec_list = body.get("attachments")
        if spec_list is None:
            result = [*existing, *(new(i) for i in sorted(uploads))]
        else:
            existing_by_id = {str(a["id"]): a for a in existing}
            result = []
            used: set[int] = set()
            for i, spec in enumerate(spec_list):
                aid = str(spec.get("id"))
                if aid in existing_by_id:
                    kept = dict(existing_by_id[aid])
                    if "description" in spec and spec["description"] is not None:
                        kept["description"] = spec["description"]
                    result.append(kept)
                elif aid.isdigit() and int(aid) in uploads and int(aid) not in used:
                    used.add(int(aid))
                    result.append(new(int(aid), spec))
                else:
                    raise _form_error(
                        ["attachments", str(i), "id"], "ATTACHMENT_NOT_FOUND", f"Unknown attachment id {aid}"
                    )
            result.extend(new(i) for i in sorted(uploads) if i not in used)
        if len(result) > 10:
            raise _form_error(["attachments"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        return result

    def _resolve_embeds(self, embeds: list[JSON], attachments: list[JSON]) -> list[JSON]:
        by_name = {a["filename"]: a for a in attachments}
        out = []
        for embed in embeds:
            e = copy.deepcopy(embed)
            e.setdefault("type", "rich")
            e.setdefault("content_scan_version", 0)
            for key in ("image", "thumbnail"):
                media = e.get(key)
                if isinstance(media, dict) and str(media.get("url", "")).startswith(_ATTACHMENT_REF):
                    att = by_name.get(str(media["url"])[len(_ATTACHMENT_REF) :])
                    if att is not None:
                        media.update(
                            {"url": att["url"], "proxy_url": att["proxy_url"], "flags": 0}
                            | {k: att[k] for k in ("width", "height", "content_type") if k in att}
                        )
            out.append(e)
        return out

    def _mentions(self, content: str) -> list[JSON]:
        found = []
        for uid in dict.fromkeys(int(x) for x in _MENTION.findall(content or "")):
            if uid in self.users:
                found.append(self.users[uid].to_dict())
        return found

    def _new_message(
        self,
        channel: Channel,
        author: User,
        body: JSON,
        files: list[RecordedFile],
        *,
        msg_type: int = 0,
        flags: int = 0,
        loading: bool = False,
        extra: JSON | None = None,
    ) -> JSON:
        self._validate_message(body, n_files=len(files))
        ephemeral = bool(flags & MessageFlags.EPHEMERAL)
        attachments = self._attachments_for(channel, body, files, [], ephemeral=ephemeral)
        content = str(body.get("content") or "")
        components = _normalize_components(body.get("components") or [])
        embeds = self._resolve_embeds(list(body.get("embeds") or []), attachments)
        if not loading and not (
            content or embeds or attachments or components or body.get("poll") or body.get("sticker_ids")
        ):
            raise DiscordError(400, 50006, "Cannot send an empty message")
        if loading:
            flags |= MessageFlags.LOADING
        msg_id = self.snowflake()
        msg: JSON = {
            "id": str(msg_id),
            "channel_id": str(channel.id),
            "author": author.to_dict(),
            "content": content,
            "timestamp": iso_timestamp(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": self._mentions(content),
            "mention_roles": [],
            "attachments": attachments,
            "embeds": embeds,
            "pinned": False,
            "type": msg_type,
            "flags": flags,
            "components": components,
        }
        if body.get("nonce") is not None:
            msg["nonce"] = body["nonce"]
        if body.get("poll"):
            msg["poll"] = body["poll"]
        if extra:
            msg.update(extra)
        self.messages[msg_id] = msg
        if not ephemeral:
            channel.last_message_id = msg_id
        self._dispatch_message("MESSAGE_CREATE", msg)
        return msg

    def _edit_message(self, msg: JSON, body: JSON, files: list[RecordedFile], *, allowed_flags: int) -> JSON:
        self._validate_message({**body, "flags": body.get("flags", msg["flags"])}, n_files=len(files))
        channel = self.channels[int(msg["channel_id"])]
        was_loading = bool(msg["flags"] & MessageFlags.LOADING)
        if "content" in body:
            msg["content"] = str(body["content"] or "")
            msg["mentions"] = self._mentions(msg["content"])
        if "components" in body:
            msg["components"] = _normalize_components(body["components"] or [])
        if body.get("flags") is not None:
            msg["flags"] = (msg["flags"] & ~allowed_flags) | (int(body["flags"]) & allowed_flags)
        if "attachments" in body or files:
            msg["attachments"] = self._attachments_for(
                channel,
                body,
                files,
                msg["attachments"],
                ephemeral=bool(msg["flags"] & MessageFlags.EPHEMERAL),
            )
        if "embeds" in body:
            msg["embeds"] = self._resolve_embeds(list(body["embeds"] or []), msg["attachments"])
        if body.get("poll"):
            msg["poll"] = body["poll"]
        if not (
            msg["content"] or msg["embeds"] or msg["attachments"] or msg["components"] or msg.get("poll")
        ):
            raise DiscordError(400, 50006, "Cannot send an empty message")
        msg["flags"] &= ~MessageFlags.LOADING
        if not was_loading:
            msg["edited_timestamp"] = iso_timestamp()
        self._dispatch_message("MESSAGE_UPDATE", msg)
        return msg

    def _delete_message(self, msg: JSON) -> None:
        mid = int(msg["id"])
        self.messages.pop(mid, None)
        self.deleted_messages[mid] = msg
        if not self.dispatch_message_events or msg["flags"] & MessageFlags.EPHEMERAL:
            return
        channel = self.channels[int(msg["channel_id"])]
        data: JSON = {"id": msg["id"], "channel_id": msg["channel_id"]}
        if channel.guild_id is not None:
            data["guild_id"] = str(channel.guild_id)
        intent = Intents.GUILD_MESSAGES if channel.guild_id else Intents.DIRECT_MESSAGES
        self._broadcast("MESSAGE_DELETE", data, guild_id=channel.guild_id, intent=intent)

    def _dispatch_message(self, event: str, msg: JSON) -> None:
        if not self.dispatch_message_events or msg["flags"] & MessageFlags.EPHEMERAL:
            return
        channel = self.channels[int(msg["channel_id"])]
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        data = copy.deepcopy(msg)
        author_id = int(msg["author"]["id"])
        if guild is not None:
            data["guild_id"] = str(guild.id)
            member = guild.members.get(author_id)
            if member is not None and "webhook_id" not in msg:
                data["member"] = member.to_dict(include_user=False)
        intent = Intents.GUILD_MESSAGES if guild else Intents.DIRECT_MESSAGES
        mentions_bot = any(m["id"] == str(self.bot_user.id) for m in msg["mentions"])
        for session in self._sessions_for(channel.guild_id, intent):
            visible = (
                session.has_intent(Intents.MESSAGE_CONTENT)
                or guild is None
                or author_id == self.bot_user.id
                or mentions_bot
            )
            payload = (
                data
                if visible
                else {**data, "content": "", "embeds": [], "attachments": [], "components": []}
            )
            session.dispatch(event, copy.deepcopy(payload))

    async def send_user_message(
        self,
        channel: Channel | int,
        content: str = "",
        *,
        user: User | int | None = None,
        attachments: Sequence[Upload] = (),
        embeds: Sequence[JSON] = (),
    ) -> JSON:
        """A user posts a message (MESSAGE_CREATE, content subject to the MESSAGE_CONTENT intent)."""
        ch = self._channel(channel)
        author = self._user(user) if user is not None else self._default_user()
        files = [
            RecordedFile(f"files[{i}]", u.filename, u.content_type, u.data) for i, u in enumerate(attachments)
        ]
        msg = self._new_message(ch, author, {"content": content, "embeds": list(embeds)}, files)
        await self.flush()
        return copy.deepcopy(msg)

    def _default_user(self) -> User:
        if self.user is None:
            raise ValueError("no default user; pass user=")
        return self.user

    # ------------------------------------------------------------------ reactions

    @staticmethod
    def _parse_emoji(emoji: str | Mapping[str, Any]) -> JSON:
        if isinstance(emoji, Mapping):
            return dict(emoji)
        m = re.fullmatch(r"<?(a)?:?(\w+):(\d+)>?", emoji)
        if m:
            data: JSON = {"id": m.group(3), "name": m.group(2)}
            if m.group(1):
                data["animated"] = True
            return data
        return {"id": None, "name": emoji}

    @staticmethod
    def _emoji_key(emoji: JSON) -> str:
        return f"{emoji['name']}:{emoji['id']}" if emoji.get("id") else str(emoji["name"])

    def _apply_reaction(self, msg: JSON, emoji: JSON, user_id: int, *, add: bool) -> bool:
        key = (int(msg["id"]), self._emoji_key(emoji))
        users = self._reaction_users.setdefault(key, [])
        if add == (user_id in users):
            return False
        if add:
            users.append(user_id)
        else:
            users.remove(user_id)
        reactions = [r for r in msg.get("reactions", []) if self._emoji_key(r["emoji"]) != key[1]]
        if users:
            reactions.append(
                {
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": self.bot_user.id in users,
                    "me_burst": False,
                    "burst_me": False,
                    "burst_count": 0,
                    "burst_colors": [],
                    "emoji": emoji,
                }
            )
        if reactions:
            msg["reactions"] = reactions
        else:
            msg.pop("reactions", None)
        return True

    def _reaction_event(self, event: str, msg: JSON, emoji: JSON, user_id: int) -> None:
        channel = self.channels[int(msg["channel_id"])]
        data: JSON = {
            "user_id": str(user_id),
            "channel_id": msg["channel_id"],
            "message_id": msg["id"],
            "emoji": emoji,
            "burst": False,
            "type": 0,
        }
        if event == "MESSAGE_REACTION_ADD":
            data["burst_colors"] = []
            data["message_author_id"] = msg["author"]["id"]
        intent = Intents.DIRECT_MESSAGE_REACTIONS
        if channel.guild_id is not None:
            intent = Intents.GUILD_MESSAGE_REACTIONS
            data["guild_id"] = str(channel.guild_id)
            member = self.guilds[channel.guild_id].members.get(user_id)
            if member is not None and event == "MESSAGE_REACTION_ADD":
                data["member"] = member.to_dict()
        self._broadcast(event, data, guild_id=channel.guild_id, intent=intent)

    async def add_reaction(
        self,
        channel_id: Channel | int,
        message_id: int | str | Mapping[str, Any],
        user_id: User | int | None = None,
        emoji: str | Mapping[str, Any] = "👍",
    ) -> None:
        """A user reacts to a message: MESSAGE_REACTION_ADD (with ``member`` in guilds)."""
        msg = self._message(message_id)
        ch = self._channel(channel_id)
        if msg["channel_id"] != str(ch.id):
            raise ValueError(f"message {msg['id']} is not in channel {ch.id}")
        user = self._user(user_id) if user_id is not None else self._default_user()
        em = self._parse_emoji(emoji)
        if self._apply_reaction(msg, em, user.id, add=True):
            self._reaction_event("MESSAGE_REACTION_ADD", msg, em, user.id)
        await self.flush()

    async def remove_reaction(
        self,
        channel_id: Channel | int,
        message_id: int | str | Mapping[str, Any],
        user_id: User | int | None = None,
        emoji: str | Mapping[str, Any] = "👍",
    ) -> None:
        msg = self._message(message_id)
        user = self._user(user_id) if user_id is not None else self._default_user()
        em = self._parse_emoji(emoji)
        if self._apply_reaction(msg, em, user.id, add=False):
            self._reaction_event("MESSAGE_REACTION_REMOVE", msg, em, user.id)
        await self.flush()

    # ------------------------------------------------------------------ interactions (pushed by tests)

    def _find_command(self, name: str, guild_id: int | None, command_type: int) -> JSON | None:
        pools: list[Iterable[JSON]] = []
        if guild_id is not None:
            pools.append(self.guild_commands.get(guild_id, {}).values())
        pools.append(self.global_commands.values())
        for pool in pools:
            for cmd in pool:
                if cmd["name"] == name and int(cmd.get("type", 1)) == command_type:
                    return cmd
        return None

    def _interaction_base(
        self,
        itype: int,
        data: JSON,
        user: User,
        channel: Channel,
        *,
        locale: str | None = None,
        message: JSON | None = None,
    ) -> InteractionRecord:
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        iid = self.snowflake()
        token = new_token("interaction", iid)
        payload: JSON = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale or user.locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": self.attachment_size_limit,
            "channel": self._channel_payload_for(channel, user),
            "channel_id": str(channel.id),
        }
        if guild is not None:
            member = guild.members.get(user.id)
            if member is None:
                raise ValueError(f"{user.username} is not a member of guild {guild.name}")
            payload.update(
                {
                    "guild_id": str(guild.id),
                    "guild": {
                        "id": str(guild.id),
                        "locale": guild.preferred_locale,
                        "features": guild.features,
                    },
                    "guild_locale": guild.preferred_locale,
                    "member": member.to_dict(permissions=guild.permissions_in(user.id, channel)),
                    "app_permissions": str(guild.permissions_in(self.bot_user.id, channel)),
                    "authorizing_integration_owners": {"0": str(guild.id)},
                    "context": 0,
                }
            )
        else:
            payload.update(
                {
                    "user": user.to_dict(),
                    "app_permissions": str(self.permissions_for(self.bot_user, channel)),
                    "authorizing_integration_owners": {"0": "0"},
                    "context": 1,
                }
            )
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        now = time.monotonic()
        return InteractionRecord(
            id=iid,
            token=token,
            type=itype,
            payload=payload,
            created_at=now,
            expires_at=now + self.interaction_token_ttl,
            guild_id=guild.id if guild else None,
            channel_id=channel.id,
            user_id=user.id,
            message_id=int(message["id"]) if message is not None else None,
        )

    async def _push_interaction(self, rec: InteractionRecord) -> InteractionRecord:
        sessions = self._sessions_for(rec.guild_id)
        if not sessions:
            raise RuntimeError("no gateway session is connected to receive the interaction")
        self.interactions[rec.id] = rec
        self._interactions_by_token[rec.token] = rec
        rec.created_at = time.monotonic()
        rec.expires_at = rec.created_at + self.interaction_token_ttl
        for session in sessions:
            session.dispatch("INTERACTION_CREATE", copy.deepcopy(rec.payload))
        await self.flush()
        return rec

    async def send_interaction(
        self,
        command: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: User | int | str | None = None,
        channel: Channel | int | None = None,
        locale: str | None = None,
        command_type: int = 1,
        target: Any = None,
    ) -> InteractionRecord:
        """Push an APPLICATION_COMMAND (type 2) INTERACTION_CREATE: ``user`` ran ``/command`` in ``channel``.

        ``command`` may name a subcommand path (``"settings show"``). ``options`` maps option names to values;
        types come from the registered command (str, int, float, bool, a :class:`User`/:class:`Channel`/
        :class:`Role` or id; for attachment options an :class:`Upload` or a URL from :meth:`add_cdn_file`).
        Returns the :class:`InteractionRecord` (``.id``, ``.token``, and what the bot did with it).
        """
        rec = self._build_command_interaction(
            InteractionType.APPLICATION_COMMAND,
            command,
            options,
            user,
            channel,
            locale,
            command_type,
            target,
            None,
        )
        return await self._push_interaction(rec)

    async def send_autocomplete(
        self,
        command: str,
        options: Mapping[str, Any],
        focused: str,
        *,
        user: User | int | str | None = None,
        channel: Channel | int | None = None,
        locale: str | None = None,
    ) -> InteractionRecord:
        """Push an APPLICATION_COMMAND_AUTOCOMPLETE (type 4); choices land in ``.autocomplete_choices``."""
        rec = self._build_command_interaction(
            InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE,
            command,
            options,
            user,
            channel,
            locale,
            1,
            None,
            focused,
        )
        return await self._push_interaction(rec)

    def _build_command_interaction(
        self,
        itype: int,
        command: str,
        options: Mapping[str, Any] | None,
        user_ref: User | int | str | None,
        channel_ref: Channel | int | None,
        locale: str | None,
        command_type: int,
        target: Any,
        focused: str | None,
    ) -> InteractionRecord:
        user = self._user(user_ref) if user_ref is not None else self._default_user()
        if channel_ref is None:
            if self.channel is None:
                raise ValueError("no default channel; pass channel=")
            channel_ref = self.channel
        channel = self._channel(channel_ref)
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        names = command.strip().lstrip("/").split()
        cmd = self._find_command(names[0], guild.id if guild else None, command_type)
        if cmd is None and self.strict_commands:
            known = sorted({c["name"] for c in self.global_commands.values()})
            if guild is not None:
                known += sorted(c["name"] for c in self.guild_commands.get(guild.id, {}).values())
            raise LookupError(
                f"command {names[0]!r} (type {command_type}) is not registered; did the bot sync its command "
                f"tree? registered: {known}"
            )
        if cmd is not None and itype == InteractionType.APPLICATION_COMMAND:
            self._check_command_usable(cmd, user, channel, guild)
        schema: list[JSON] | None = list(cmd.get("options") or []) if cmd else None
        top: list[JSON] = []
        container = top
        for depth, sub in enumerate(names[1:]):
            sub_schema = next((o for o in schema or [] if o["name"] == sub and o["type"] in (1, 2)), None)
            if sub_schema is None and schema is not None:
                raise LookupError(f"{command!r}: no subcommand {sub!r}")
            kind = sub_schema["type"] if sub_schema else (1 if depth == len(names) - 2 else 2)
            node: JSON = {"name": sub, "type": kind, "options": []}
            container.append(node)
            container = node["options"]
            schema = list(sub_schema.get("options") or []) if sub_schema else None
        resolved: JSON = {}
        for name, value in (options or {}).items():
            opt_schema = next((o for o in schema or [] if o["name"] == name), None)
            if opt_schema is None and schema is not None:
                raise ValueError(
                    f"{command!r} has no option {name!r}; options: {[o['name'] for o in schema]}"
                )
            opt_type = int(opt_schema["type"]) if opt_schema else _infer_option_type(value)
            if focused == name:
                container.append({"name": name, "type": opt_type, "value": str(value), "focused": True})
                continue
            container.append(
                self._option_payload(name, opt_type, value, opt_schema, resolved, guild, channel)
            )
        if schema is not None and focused is None:
            missing = [
                o["name"]
                for o in schema
                if o.get("required") and o["type"] not in (1, 2) and o["name"] not in (options or {})
            ]
            if missing:
                raise ValueError(f"{command!r}: missing required option(s) {missing}")
        cmd_id = cmd["id"] if cmd else str(self.snowflake())
        data: JSON = {"id": cmd_id, "name": names[0], "type": command_type}
        if top:
            data["options"] = top
        if cmd is not None and cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if target is not None:
            self._add_target(data, resolved, target, guild, channel, command_type)
        if resolved:
            data["resolved"] = resolved
        return self._interaction_base(itype, data, user, channel, locale=locale)

    def _check_command_usable(self, cmd: JSON, user: User, channel: Channel, guild: Guild | None) -> None:
        """Refuse what a Discord client would not let the user run (the command is hidden or greyed out)."""
        context = 0 if guild is not None else 1
        contexts = cmd.get("contexts")
        if (contexts is not None and context not in contexts) or (
            guild is None and cmd.get("dm_permission") is False
        ):
            raise PermissionError(f"/{cmd['name']} is not available in {'guilds' if guild else 'DMs'}")
        if cmd.get("nsfw") and not channel.nsfw and guild is not None:
            raise PermissionError(f"/{cmd['name']} is age-restricted and #{channel.name} is not")
        required = cmd.get("default_member_permissions")
        if guild is not None and required is not None:
            perms = guild.permissions_in(user.id, channel)
            if (int(required) == 0 and perms != Permissions.ALL) or perms & int(required) != int(required):
                raise PermissionError(f"{user.username} lacks the permissions /{cmd['name']} requires")

    def _add_target(
        self,
        data: JSON,
        resolved: JSON,
        target: Any,
        guild: Guild | None,
        channel: Channel,
        command_type: int,
    ) -> None:
        if command_type == 2:
            u = self._user(target)
            data["target_id"] = str(u.id)
            self._resolve_user_into(resolved, u, guild, channel)
        else:
            msg = self._message(target)
            data["target_id"] = msg["id"]
            resolved.setdefault("messages", {})[msg["id"]] = copy.deepcopy(msg)

    def _resolve_user_into(self, resolved: JSON, user: User, guild: Guild | None, channel: Channel) -> None:
        resolved.setdefault("users", {})[str(user.id)] = user.to_dict()
        if guild is not None and user.id in guild.members:
            resolved.setdefault("members", {})[str(user.id)] = guild.members[user.id].to_dict(
                include_user=False, permissions=guild.permissions_in(user.id, channel)
            )

    def _option_payload(
        self,
        name: str,
        opt_type: int,
        value: Any,
        schema: JSON | None,
        resolved: JSON,
        guild: Guild | None,
        channel: Channel,
    ) -> JSON:
        out: Any
        if opt_type == OptionType.STRING:
            out = str(value)
            if schema is not None:
                lo, hi = schema.get("min_length"), schema.get("max_length")
                if (lo is not None and len(out) < lo) or (hi is not None and len(out) > hi):
                    raise ValueError(f"option {name!r}: length {len(out)} outside [{lo}, {hi}]")
        elif opt_type in (OptionType.INTEGER, OptionType.NUMBER):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"option {name!r} needs a number, got {value!r}")
            if opt_type == OptionType.INTEGER and int(value) != value:
                raise ValueError(f"option {name!r} needs an integer, got {value!r}")
            out = int(value) if opt_type == OptionType.INTEGER else value
            if schema is not None:
                lo, hi = schema.get("min_value"), schema.get("max_value")
                if (lo is not None and out < lo) or (hi is not None and out > hi):
                    raise ValueError(f"option {name!r}: {out} outside [{lo}, {hi}]")
        elif opt_type == OptionType.BOOLEAN:
            out = bool(value)
        elif opt_type == OptionType.USER:
            u = self._user(value)
            self._resolve_user_into(resolved, u, guild, channel)
            out = str(u.id)
        elif opt_type == OptionType.CHANNEL:
            ch = self._channel(value)
            data = ch.to_dict()
            data["permissions"] = str(self.permissions_for(self.bot_user, ch)) if not ch.is_dm else "0"
            resolved.setdefault("channels", {})[str(ch.id)] = data
            out = str(ch.id)
        elif opt_type in (OptionType.ROLE, OptionType.MENTIONABLE) and isinstance(value, Role):
            resolved.setdefault("roles", {})[str(value.id)] = value.to_dict()
            out = str(value.id)
        elif opt_type == OptionType.ROLE:
            if guild is None or int(value) not in guild.roles:
                raise ValueError(f"option {name!r}: unknown role {value!r}")
            resolved.setdefault("roles", {})[str(int(value))] = guild.roles[int(value)].to_dict()
            out = str(int(value))
        elif opt_type == OptionType.MENTIONABLE:
            u = self._user(value)
            self._resolve_user_into(resolved, u, guild, channel)
            out = str(u.id)
        elif opt_type == OptionType.ATTACHMENT:
            att = self._attachment_option(value)
            resolved.setdefault("attachments", {})[att["id"]] = att
            out = att["id"]
        else:
            raise ValueError(f"option {name!r}: unsupported option type {opt_type}")
        if schema is not None and schema.get("choices"):
            allowed = [c["value"] for c in schema["choices"]]
            if out not in allowed:
                raise ValueError(f"option {name!r}: {out!r} is not one of the choices {allowed}")
        return {"name": name, "type": opt_type, "value": out}

    def _attachment_option(self, value: Any) -> JSON:
        if isinstance(value, Upload):
            return copy.deepcopy(
                self._store_attachment(f"ephemeral-attachments/{self.application_id}", value, ephemeral=True)
            )
        if isinstance(value, tuple) and len(value) == 2:
            return copy.deepcopy(
                self._store_attachment(
                    f"ephemeral-attachments/{self.application_id}", Upload(value[0], value[1]), ephemeral=True
                )
            )
        if isinstance(value, str):
            att = self._uploads_by_url.get(value) or self._uploads_by_url.get(value.split("?", 1)[0])
            if att is not None:
                return copy.deepcopy(att)
        raise ValueError(
            f"attachment option needs an Upload, a (filename, bytes) tuple or a CDN URL, got {value!r}"
        )

    async def click_button(
        self,
        message: Mapping[str, Any] | int | str,
        custom_id: str,
        user: User | int | str | None = None,
        *,
        values: Sequence[str] | None = None,
        locale: str | None = None,
    ) -> InteractionRecord:
        """Push a MESSAGE_COMPONENT (type 3) interaction for the component ``custom_id`` on ``message``.

        The component must exist on the stored (current) message and not be disabled; for select menus pass
        ``values``.
        """
        msg = self._message(message)
        comp = next(
            (c for c in _walk_components(msg.get("components") or []) if c.get("custom_id") == custom_id),
            None,
        )
        if comp is None:
            ids = [
                c.get("custom_id")
                for c in _walk_components(msg.get("components") or [])
                if c.get("custom_id")
            ]
            raise LookupError(f"message {msg['id']} has no component {custom_id!r}; it has {ids}")
        if comp.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled")
        data: JSON = {"custom_id": custom_id, "component_type": comp["type"]}
        if "id" in comp:
            data["id"] = comp["id"]
        if comp["type"] in (3, 5, 6, 7, 8):
            data["values"] = list(values or [])
            if comp["type"] == 3:
                options = [o["value"] for o in comp.get("options") or []]
                bad = [v for v in data["values"] if v not in options]
                if bad:
                    raise ValueError(f"select {custom_id!r} has no option(s) {bad}")
        channel = self.channels[int(msg["channel_id"])]
        u = self._user(user) if user is not None else self._default_user()
        rec = self._interaction_base(
            InteractionType.MESSAGE_COMPONENT, data, u, channel, locale=locale, message=msg
        )
        return await self._push_interaction(rec)

    async def select(
        self,
        message: Mapping[str, Any] | int | str,
        custom_id: str,
        values: Sequence[str],
        user: User | int | str | None = None,
    ) -> InteractionRecord:
        """Choose ``values`` in a select menu (a MESSAGE_COMPONENT interaction)."""
        return await self.click_button(message, custom_id, user, values=values)

    async def submit_modal(
        self,
        interaction: InteractionRecord | int | str,
        values: Mapping[str, Any],
        user: User | int | str | None = None,
    ) -> InteractionRecord:
        """Submit the modal the bot opened (callback type 9) on ``interaction``; ``values`` by custom_id."""
        origin = self.get_interaction(interaction)
        if origin.modal is None:
            raise ValueError(f"interaction {origin.id} did not open a modal")
        modal = origin.modal
        data: JSON = {
            "custom_id": modal["custom_id"],
            "components": [_modal_answer(c, values) for c in modal.get("components") or []],
        }
        u = self._user(user) if user is not None else self.users[origin.user_id]
        channel = self.channels[origin.channel_id]
        message = self.messages.get(origin.message_id) if origin.message_id else None
        rec = self._interaction_base(InteractionType.MODAL_SUBMIT, data, u, channel, message=message)
        return await self._push_interaction(rec)

    # ------------------------------------------------------------------ REST: users, gateway, application

    def _application_payload(self) -> JSON:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "icon": None,
            "description": "Stable Diffusion for your community.",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "bot": self._bot_user_payload(),
            "owner": self.owner.to_dict(),
            "team": None,
            "verify_key": secrets.token_hex(32),
            "flags": self.application_flags,
            "approximate_guild_count": len(self.guilds),
            "approximate_user_install_count": 0,
            "hook": True,
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "redirect_uris": [],
            "rpc_origins": [],
            "tags": [],
            "install_params": {
                "scopes": ["bot", "applications.commands"],
                "permissions": str(Permissions.DEFAULT_BOT),
            },
            "integration_types_config": {
                "0": {
                    "oauth2_install_params": {
                        "scopes": ["bot", "applications.commands"],
                        "permissions": str(Permissions.DEFAULT_BOT),
                    }
                }
            },
            "is_monetized": False,
            "storefront_available": False,
            "event_webhooks_status": 1,
        }

    @_route("GET", "/users/@me")
    async def _get_me(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, self._bot_user_payload()

    @_route("GET", "/users/{user_id}")
    async def _get_user(self, ctx: _Ctx) -> tuple[int, Any]:
        user = self.users.get(_snowflake(ctx.params["user_id"]))
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return 200, user.to_dict()

    @_route("GET", "/oauth2/applications/@me")
    async def _get_oauth_app(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, self._application_payload()

    @_route("GET", "/applications/@me")
    async def _get_app(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, self._application_payload()

    @_route("GET", "/gateway", auth=False)
    async def _get_gateway(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url.rstrip("/")}

    @_route("GET", "/gateway/bot")
    async def _get_gateway_bot(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url.rstrip("/"),
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": max(0, 1000 - self._session_starts),
                "reset_after": 14_400_000,
                "max_concurrency": 1,
            },
        }

    @_route("POST", "/users/@me/channels")
    async def _create_dm(self, ctx: _Ctx) -> tuple[int, Any]:
        body = ctx.body or {}
        uid = _snowflake(body.get("recipient_id"))
        if uid not in self.users:
            raise _form_error(["recipient_id"], "NUMBER_TYPE_COERCE", "Value is not a known user.")
        return 200, self.create_dm(uid).to_dict()

    # ------------------------------------------------------------------ REST: application commands

    def _command_pool(self, ctx: _Ctx) -> tuple[dict[int, JSON], int | None]:
        if _snowflake(ctx.params["app_id"]) != self.application_id:
            raise DiscordError(403, 50001, "Missing Access")
        if "guild_id" in ctx.params:
            gid = _snowflake(ctx.params["guild_id"])
            if gid not in self.guilds:
                raise DiscordError(403, 50001, "Missing Access")
            return self.guild_commands.setdefault(gid, {}), gid
        return self.global_commands, None

    def _validate_command(self, cmd: JSON, index: int | None) -> None:
        path = [str(index)] if index is not None else []
        name = cmd.get("name")
        ctype = int(cmd.get("type") or 1)
        if not isinstance(name, str) or not 1 <= len(name) <= 32:
            raise _form_error([*path, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
        if ctype == 1:
            if not re.fullmatch(r"[-_'\w]{1,32}", name) or name != name.lower():
                raise _form_error(
                    [*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"
                )
            desc = cmd.get("description") or ""
            if not 1 <= len(desc) <= 100:
                raise _form_error(
                    [*path, "description"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
                )
        if len(cmd.get("options") or []) > 25:
            raise _form_error([*path, "options"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")

    def _store_command(self, pool: dict[int, JSON], guild_id: int | None, body: JSON) -> JSON:
        ctype = int(body.get("type") or 1)
        existing = next((c for c in pool.values() if c["name"] == body["name"] and c["type"] == ctype), None)
        cmd_id = int(existing["id"]) if existing else self.snowflake()
        cmd: JSON = {
            "id": str(cmd_id),
            "application_id": str(self.application_id),
            "version": str(self.snowflake()),
            "default_member_permissions": body.get("default_member_permissions"),
            "type": ctype,
            "name": body["name"],
            "name_localizations": body.get("name_localizations"),
            "description": body.get("description") or "",
            "description_localizations": body.get("description_localizations"),
            "dm_permission": body.get("dm_permission", True),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types") or [0],
            "nsfw": bool(body.get("nsfw", False)),
        }
        if body.get("options"):
            cmd["options"] = copy.deepcopy(body["options"])
        if guild_id is not None:
            cmd["guild_id"] = str(guild_id)
            cmd.pop("dm_permission")
        pool[cmd_id] = cmd
        return cmd

    @_route("GET", "/applications/{app_id}/commands")
    @_route("GET", "/applications/{app_id}/guilds/{guild_id}/commands")
    async def _list_commands(self, ctx: _Ctx) -> tuple[int, Any]:
        pool, _ = self._command_pool(ctx)
        return 200, [copy.deepcopy(c) for c in pool.values()]

    @_route("PUT", "/applications/{app_id}/commands")
    @_route("PUT", "/applications/{app_id}/guilds/{guild_id}/commands")
    async def _bulk_overwrite_commands(self, ctx: _Ctx) -> tuple[int, Any]:
        pool, guild_id = self._command_pool(ctx)
        body = ctx.body
        if not isinstance(body, list):
            raise _form_error([], "ARRAY_TYPE_CONVERT", "Only iterables may be used in a ListType")
        if len(body) > 100:
            raise _form_error([], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        seen: set[tuple[str, int]] = set()
        for i, cmd in enumerate(body):
            self._validate_command(cmd, i)
            key = (cmd["name"], int(cmd.get("type") or 1))
            if key in seen:
                raise _form_error(
                    [str(i), "name"],
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
            seen.add(key)
        old = dict(pool)
        pool.clear()
        out = []
        for cmd in body:
            match = next(
                (
                    c
                    for c in old.values()
                    if c["name"] == cmd["name"] and c["type"] == int(cmd.get("type") or 1)
                ),
                None,
            )
            if match is not None:
                pool[int(match["id"])] = match
            out.append(copy.deepcopy(self._store_command(pool, guild_id, cmd)))
        return 200, out

    @_route("POST", "/applications/{app_id}/commands")
    @_route("POST", "/applications/{app_id}/guilds/{guild_id}/commands")
    async def _upsert_command(self, ctx: _Ctx) -> tuple[int, Any]:
        pool, guild_id = self._command_pool(ctx)
        self._validate_command(ctx.body or {}, None)
        ctype = int((ctx.body or {}).get("type") or 1)
        existed = any(c["name"] == ctx.body["name"] and c["type"] == ctype for c in pool.values())
        return (200 if existed else 201), copy.deepcopy(self._store_command(pool, guild_id, ctx.body))

    @_route("GET", "/applications/{app_id}/guilds/{guild_id}/commands/permissions")
    async def _command_permissions(self, ctx: _Ctx) -> tuple[int, Any]:
        self._command_pool(ctx)
        return 200, []

    @_route("GET", "/applications/{app_id}/commands/{command_id}")
    @_route("GET", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}")
    async def _get_command(self, ctx: _Ctx) -> tuple[int, Any]:
        pool, _ = self._command_pool(ctx)
        cmd = pool.get(_snowflake(ctx.params["command_id"]))
        if cmd is None:
            raise DiscordError(404, 10063, "Unknown application command")
        return 200, copy.deepcopy(cmd)

    @_route("PATCH", "/applications/{app_id}/commands/{command_id}")
    @_route("PATCH", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}")
    async def _edit_command(self, ctx: _Ctx) -> tuple[int, Any]:
        pool, guild_id = self._command_pool(ctx)
        cmd = pool.get(_snowflake(ctx.params["command_id"]))
        if cmd is None:
            raise DiscordError(404, 10063, "Unknown application command")
        merged = {**cmd, **(ctx.body or {})}
        self._validate_command(merged, None)
        del pool[int(cmd["id"])]
        new = self._store_command(pool, guild_id, merged)
        pool.pop(int(new["id"]))
        new["id"] = cmd["id"]
        pool[int(cmd["id"])] = new
        return 200, copy.deepcopy(new)

    @_route("DELETE", "/applications/{app_id}/commands/{command_id}")
    @_route("DELETE", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}")
    async def _delete_command(self, ctx: _Ctx) -> tuple[int, Any]:
        pool, _ = self._command_pool(ctx)
        if pool.pop(_snowflake(ctx.params["command_id"]), None) is None:
            raise DiscordError(404, 10063, "Unknown application command")
        return 204, None

    # ------------------------------------------------------------------ REST: interaction callback & webhooks

    @_route("POST", "/interactions/{interaction_id}/{token}/callback", auth=False)
    async def _interaction_callback(self, ctx: _Ctx) -> tuple[int, Any]:
        rec = self.interactions.get(_snowflake(ctx.params["interaction_id"]))
        if rec is None or rec.token != ctx.params["token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        if rec.acknowledged:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        late = (
            self.interaction_ack_timeout is not None
            and time.monotonic() - rec.created_at > self.interaction_ack_timeout
        )
        if late or rec.invalidated:
            rec.invalidated = True
            raise DiscordError(404, 10062, "Unknown interaction")
        body = ctx.body if isinstance(ctx.body, dict) else {}
        ctype = body.get("type")
        valid = {
            InteractionType.APPLICATION_COMMAND: {4, 5, 9},
            InteractionType.MESSAGE_COMPONENT: {4, 5, 6, 7, 9},
            InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE: {8},
            InteractionType.MODAL_SUBMIT: {4, 5, 6, 7} if rec.message_id else {4, 5},
        }.get(rec.type, set())
        if ctype not in valid:
            raise _form_error(
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Interaction response type {ctype} is not valid here",
            )
        data = body.get("data") or {}
        channel = self.channels[rec.channel_id]
        message: JSON | None = None
        if ctype == CallbackType.CHANNEL_MESSAGE_WITH_SOURCE:
            message = self._interaction_message(rec, channel, data, ctx.files, loading=False)
            rec.original_message_id = int(message["id"])
        elif ctype == CallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE:
            message = self._interaction_message(rec, channel, data, [], loading=True)
            rec.original_message_id = int(message["id"])
        elif ctype == CallbackType.DEFERRED_UPDATE_MESSAGE:
            rec.original_message_id = rec.message_id
        elif ctype == CallbackType.UPDATE_MESSAGE:
            assert rec.message_id is not None
            target = self.messages.get(rec.message_id)
            if target is None:
                raise DiscordError(404, 10008, "Unknown Message")
            message = self._edit_message(target, data, ctx.files, allowed_flags=_EDITABLE_FLAGS)
            rec.original_message_id = rec.message_id
        elif ctype == CallbackType.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
            choices = data.get("choices") or []
            if len(choices) > 25:
                raise _form_error(
                    ["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                )
            rec.autocomplete_choices = choices
        elif ctype == CallbackType.MODAL:
            if not data.get("custom_id") or not data.get("title") or not data.get("components"):
                raise _form_error(["data"], "MODAL_INVALID", "A modal needs custom_id, title and components")
            rec.modal = {**data, "components": _normalize_components(data["components"])}
        rec.callback_type = ctype
        rec.callback_data = data
        rec.callback_request = ctx.rec
        rec.acknowledged_at = ctx.rec.timestamp
        rec._acked.set()
        if not _bool_query(ctx.query.get("with_response")):
            return 204, None
        callback: JSON = {"id": str(rec.id), "type": rec.type}
        if rec.original_message_id is not None and ctype in (4, 5, 7):
            original = self.messages[rec.original_message_id]
            callback["response_message_id"] = str(rec.original_message_id)
            callback["response_message_loading"] = bool(original["flags"] & MessageFlags.LOADING)
            callback["response_message_ephemeral"] = bool(original["flags"] & MessageFlags.EPHEMERAL)
        result: JSON = {"interaction": callback}
        if message is not None and ctype in (4, 7):
            result["resource"] = {"type": ctype, "message": copy.deepcopy(message)}
        return 200, result

    def _interaction_message(
        self,
        rec: InteractionRecord,
        channel: Channel,
        data: JSON,
        files: list[RecordedFile],
        *,
        loading: bool,
        followup_of: int | None = None,
    ) -> JSON:
        flags = int(data.get("flags") or 0) & (
            _EDITABLE_FLAGS | MessageFlags.EPHEMERAL | MessageFlags.SUPPRESS_NOTIFICATIONS
        )
        if loading:
            flags &= MessageFlags.EPHEMERAL
        metadata: JSON = {
            "id": str(rec.id),
            "type": rec.type,
            "user": self.users[rec.user_id].to_dict(),
            "authorizing_integration_owners": rec.payload["authorizing_integration_owners"],
        }
        extra: JSON = {"webhook_id": str(self.application_id), "application_id": str(self.application_id)}
        msg_type = 0
        if rec.type in (
            InteractionType.APPLICATION_COMMAND,
            InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE,
        ):
            cmd = rec.payload["data"]
            msg_type = 20 if int(cmd.get("type", 1)) == 1 else 23
            metadata["name"] = cmd["name"]
            metadata["command_type"] = int(cmd.get("type", 1))
            extra["interaction"] = {
                "id": str(rec.id),
                "type": rec.type,
                "name": cmd["name"],
                "user": self.users[rec.user_id].to_dict(),
            }
        elif rec.message_id is not None:
            metadata["interacted_message_id"] = str(rec.message_id)
        if followup_of is not None:
            metadata["original_response_message_id"] = str(followup_of)
        extra["interaction_metadata"] = metadata
        return self._new_message(
            channel,
            self.bot_user,
            data,
            files,
            msg_type=msg_type,
            flags=flags,
            loading=loading,
            extra=extra,
        )

    def _webhook_interaction(self, ctx: _Ctx) -> InteractionRecord:
        if _snowflake(ctx.params["app_id"]) != self.application_id:
            raise DiscordError(404, 10015, "Unknown Webhook")
        rec = self._interactions_by_token.get(ctx.params["token"])
        if rec is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        if rec.invalidated or time.monotonic() > rec.expires_at:
            raise DiscordError(self.expired_token_status, 50027, "Invalid Webhook Token")
        if not rec.acknowledged:
            raise DiscordError(404, 10015, "Unknown Webhook")
        if rec.channel_id not in self.channels:
            raise DiscordError(404, 10003, "Unknown Channel")  # deleted, or its guild is gone
        return rec

    def _webhook_message(self, rec: InteractionRecord, message_id: str) -> JSON:
        if message_id == "@original":
            mid = rec.original_message_id
        else:
            mid = _snowflake(message_id)
            if mid != rec.original_message_id and mid not in rec.followup_message_ids:
                raise DiscordError(404, 10008, "Unknown Message")
        msg = self.messages.get(mid) if mid is not None else None
        if msg is None:
            raise DiscordError(404, 10008, "Unknown Message")
        return msg

    @_route("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", auth=False)
    async def _get_webhook_message(self, ctx: _Ctx) -> tuple[int, Any]:
        rec = self._webhook_interaction(ctx)
        return 200, copy.deepcopy(self._webhook_message(rec, ctx.params["message_id"]))

    @_route("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", auth=False)
    async def _edit_webhook_message(self, ctx: _Ctx) -> tuple[int, Any]:
        rec = self._webhook_interaction(ctx)
        msg = self._webhook_message(rec, ctx.params["message_id"])
        self._refuse_if_archived(self.channels[rec.channel_id])
        body = ctx.body if isinstance(ctx.body, dict) else {}
        return 200, copy.deepcopy(self._edit_message(msg, body, ctx.files, allowed_flags=_EDITABLE_FLAGS))

    @_route("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", auth=False)
    async def _delete_webhook_message(self, ctx: _Ctx) -> tuple[int, Any]:
        rec = self._webhook_interaction(ctx)
        self._delete_message(self._webhook_message(rec, ctx.params["message_id"]))
        return 204, None

    @_route("POST", "/webhooks/{app_id}/{token}", auth=False)
    async def _create_followup(self, ctx: _Ctx) -> tuple[int, Any]:
        rec = self._webhook_interaction(ctx)
        body = ctx.body if isinstance(ctx.body, dict) else {}
        original = self.messages.get(rec.original_message_id) if rec.original_message_id else None
        if (
            rec.callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
            and original is not None
            and original["flags"] & MessageFlags.LOADING
        ):
            self._refuse_if_archived(self.channels[rec.channel_id])
            # Documented backwards-compat behaviour: the first follow-up after a deferral edits the loading
            # message; the ephemeral flag of the deferral is kept.
            body = {k: v for k, v in body.items() if k != "flags"}
            return 200, copy.deepcopy(
                self._edit_message(original, body, ctx.files, allowed_flags=_EDITABLE_FLAGS)
            )
        channel = self.channels.get(rec.channel_id)
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        if not int(body.get("flags") or 0) & MessageFlags.EPHEMERAL:
            self._unarchive_to_send(channel)
        msg = self._interaction_message(
            rec, channel, body, ctx.files, loading=False, followup_of=rec.original_message_id
        )
        rec.followup_message_ids.append(int(msg["id"]))
        return 200, copy.deepcopy(msg)

    # ------------------------------------------------------------------ REST: channels & messages

    def _rest_channel(self, ctx: _Ctx, needed: int = Permissions.VIEW_CHANNEL) -> Channel:
        channel = self.channels.get(_snowflake(ctx.params["channel_id"]))
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        self._require(channel, needed)
        return channel

    def _require(self, channel: Channel, needed: int) -> None:
        if channel.is_dm:
            return
        perms = self.permissions_for(self.bot_user, channel)
        if not perms & Permissions.VIEW_CHANNEL:
            raise DiscordError(403, 50001, "Missing Access")
        if perms & needed != needed:
            raise DiscordError(403, 50013, "Missing Permissions")

    def _refuse_if_archived(self, channel: Channel) -> None:
        """Messages in an archived thread cannot be edited, nor reactions added
        (https://discord.com/developers/docs/topics/threads#active-archived-threads)."""
        if channel.is_thread and channel.archived:
            raise DiscordError(400, 50083, "Thread is archived")

    def _unarchive_to_send(self, channel: Channel) -> None:
        """A new message unarchives an archived thread, unless a moderator locked it (then only those with
        MANAGE_THREADS may); the unarchived thread is announced with THREAD_UPDATE."""
        if not (channel.is_thread and channel.archived):
            return
        if channel.locked and not self.permissions_for(self.bot_user, channel) & Permissions.MANAGE_THREADS:
            raise DiscordError(400, 50083, "Thread is archived")
        self.update_channel(channel, archived=False)

    def _rest_message(self, ctx: _Ctx, channel: Channel) -> JSON:
        msg = self.messages.get(_snowflake(ctx.params["message_id"]))
        if msg is None or msg["channel_id"] != str(channel.id) or msg["flags"] & MessageFlags.EPHEMERAL:
            raise DiscordError(404, 10008, "Unknown Message")
        return msg

    @_route("GET", "/channels/{channel_id}")
    async def _get_channel(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, self._rest_channel(ctx).to_dict()

    @_route("POST", "/channels/{channel_id}/typing")
    async def _typing(self, ctx: _Ctx) -> tuple[int, Any]:
        self._rest_channel(ctx, Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES)
        return 204, None

    @_route("POST", "/channels/{channel_id}/messages")
    async def _create_message(self, ctx: _Ctx) -> tuple[int, Any]:
        channel = self.channels.get(_snowflake(ctx.params["channel_id"]))
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        needed = Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES
        if ctx.files:
            needed |= Permissions.ATTACH_FILES
        self._require(channel, needed)
        if channel.is_dm and not all(u.accepts_dms for u in channel.recipients):
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        self._unarchive_to_send(channel)
        body = ctx.body if isinstance(ctx.body, dict) else {}
        extra: JSON = {}
        msg_type = 0
        ref = body.get("message_reference")
        if ref:
            target = self.messages.get(_snowflake(ref.get("message_id")))
            if target is None:
                if ref.get("fail_if_not_exists", True):
                    raise _form_error(
                        ["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                    )
            else:
                msg_type = 19
                extra["message_reference"] = {
                    "type": 0,
                    "message_id": target["id"],
                    "channel_id": target["channel_id"],
                    **({"guild_id": str(channel.guild_id)} if channel.guild_id else {}),
                }
                extra["referenced_message"] = copy.deepcopy(target)
        nonce = body.get("nonce")
        if body.get("enforce_nonce") and nonce is not None:
            # Documented: a message by the same author with the same nonce in the last few minutes is
            # returned instead of creating a new one.
            cutoff = time.time() - 300
            for existing in self.messages.values():
                if (
                    existing.get("nonce") == nonce
                    and existing["channel_id"] == str(channel.id)
                    and existing["author"]["id"] == str(self.bot_user.id)
                    and snowflake_time(int(existing["id"])) >= cutoff
                ):
                    return 200, copy.deepcopy(existing)
        flags = int(body.get("flags") or 0) & _CHANNEL_MESSAGE_FLAGS
        msg = self._new_message(
            channel, self.bot_user, body, ctx.files, msg_type=msg_type, flags=flags, extra=extra
        )
        return 200, copy.deepcopy(msg)

    @_route("GET", "/channels/{channel_id}/messages")
    async def _list_messages(self, ctx: _Ctx) -> tuple[int, Any]:
        channel = self._rest_channel(ctx, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY)
        limit = max(1, min(100, int(ctx.query.get("limit", 50))))
        msgs = [
            m
            for m in self.messages.values()
            if m["channel_id"] == str(channel.id) and not m["flags"] & MessageFlags.EPHEMERAL
        ]
        msgs.sort(key=lambda m: int(m["id"]), reverse=True)
        if "before" in ctx.query:
            msgs = [m for m in msgs if int(m["id"]) < int(ctx.query["before"])]
        if "after" in ctx.query:
            msgs = [m for m in msgs if int(m["id"]) > int(ctx.query["after"])]
            msgs = msgs[-limit:]
        return 200, copy.deepcopy(msgs[:limit])

    @_route("GET", "/channels/{channel_id}/messages/{message_id}")
    async def _get_message(self, ctx: _Ctx) -> tuple[int, Any]:
        channel = self._rest_channel(ctx, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY)
        return 200, copy.deepcopy(self._rest_message(ctx, channel))

    @_route("PATCH", "/channels/{channel_id}/messages/{message_id}")
    async def _edit_channel_message(self, ctx: _Ctx) -> tuple[int, Any]:
        channel = self._rest_channel(ctx)
        msg = self._rest_message(ctx, channel)
        self._refuse_if_archived(channel)
        body = ctx.body if isinstance(ctx.body, dict) else {}
        if msg["author"]["id"] != str(self.bot_user.id):
            if set(body) - {"flags"}:
                raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
            self._require(channel, Permissions.MANAGE_MESSAGES)
        return 200, copy.deepcopy(self._edit_message(msg, body, ctx.files, allowed_flags=_EDITABLE_FLAGS))

    @_route("DELETE", "/channels/{channel_id}/messages/{message_id}")
    async def _delete_channel_message(self, ctx: _Ctx) -> tuple[int, Any]:
        channel = self._rest_channel(ctx)
        msg = self._rest_message(ctx, channel)
        if msg["author"]["id"] != str(self.bot_user.id):
            self._require(channel, Permissions.MANAGE_MESSAGES)
        self._delete_message(msg)
        return 204, None

    @_route("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
    async def _put_reaction(self, ctx: _Ctx) -> tuple[int, Any]:
        channel = self._rest_channel(ctx, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY)
        msg = self._rest_message(ctx, channel)
        self._refuse_if_archived(channel)
        emoji = self._parse_emoji(ctx.params["emoji"])
        key = (int(msg["id"]), self._emoji_key(emoji))
        if not self._reaction_users.get(key):
            self._require(channel, Permissions.ADD_REACTIONS)
        if self._apply_reaction(msg, emoji, self.bot_user.id, add=True):
            self._reaction_event("MESSAGE_REACTION_ADD", msg, emoji, self.bot_user.id)
        return 204, None

    @_route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}")
    async def _delete_reaction(self, ctx: _Ctx) -> tuple[int, Any]:
        channel = self._rest_channel(ctx)
        msg = self._rest_message(ctx, channel)
        emoji = self._parse_emoji(ctx.params["emoji"])
        target = ctx.params["user_id"]
        uid = self.bot_user.id if target == "@me" else _snowflake(target)
        if uid != self.bot_user.id:
            self._require(channel, Permissions.MANAGE_MESSAGES)
        if self._apply_reaction(msg, emoji, uid, add=False):
            self._reaction_event("MESSAGE_REACTION_REMOVE", msg, emoji, uid)
        return 204, None

    @_route("GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}")
    async def _get_reactions(self, ctx: _Ctx) -> tuple[int, Any]:
        channel = self._rest_channel(ctx, Permissions.VIEW_CHANNEL | Permissions.READ_MESSAGE_HISTORY)
        msg = self._rest_message(ctx, channel)
        emoji = self._parse_emoji(ctx.params["emoji"])
        users = self._reaction_users.get((int(msg["id"]), self._emoji_key(emoji)), [])
        return 200, [self.users[u].to_dict() for u in users]

    # ------------------------------------------------------------------ REST: guilds

    def _rest_guild(self, ctx: _Ctx) -> Guild:
        guild = self.guilds.get(_snowflake(ctx.params["guild_id"]))
        if guild is None:
            raise DiscordError(404, 10004, "Unknown Guild")
        return guild

    @_route("GET", "/guilds/{guild_id}")
    async def _get_guild(self, ctx: _Ctx) -> tuple[int, Any]:
        guild = self._rest_guild(ctx)
        data = self._guild_payload(guild)
        if _bool_query(ctx.query.get("with_counts")):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return 200, data

    @_route("GET", "/guilds/{guild_id}/channels")
    async def _get_guild_channels(self, ctx: _Ctx) -> tuple[int, Any]:
        guild = self._rest_guild(ctx)
        return 200, [c.to_dict() for c in guild.channels.values()]

    @_route("GET", "/guilds/{guild_id}/roles")
    async def _get_guild_roles(self, ctx: _Ctx) -> tuple[int, Any]:
        return 200, [r.to_dict() for r in self._rest_guild(ctx).roles.values()]

    @_route("GET", "/guilds/{guild_id}/members")
    async def _list_members(self, ctx: _Ctx) -> tuple[int, Any]:
        guild = self._rest_guild(ctx)
        limit = max(1, min(1000, int(ctx.query.get("limit", 1))))
        after = int(ctx.query.get("after", 0))
        members = sorted((m for m in guild.members.values() if m.user.id > after), key=lambda m: m.user.id)
        return 200, [m.to_dict() for m in members[:limit]]

    @_route("GET", "/guilds/{guild_id}/members/{user_id}")
    async def _get_member(self, ctx: _Ctx) -> tuple[int, Any]:
        guild = self._rest_guild(ctx)
        member = guild.members.get(_snowflake(ctx.params["user_id"]))
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return 200, member.to_dict()


_EDITABLE_FLAGS = MessageFlags.SUPPRESS_EMBEDS | MessageFlags.IS_COMPONENTS_V2
_CHANNEL_MESSAGE_FLAGS = (
    MessageFlags.SUPPRESS_EMBEDS
    | MessageFlags.SUPPRESS_NOTIFICATIONS
    | MessageFlags.IS_VOICE_MESSAGE
    | MessageFlags.IS_COMPONENTS_V2
)


def _tiny_png() -> bytes:
    """A valid 1x1 transparent PNG, served for avatar URLs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


_TINY_PNG = _tiny_png()


def _snowflake(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _form_error([], "NUMBER_TYPE_COERCE", f"Value {value!r} is not snowflake.") from None


def _infer_option_type(value: Any) -> int:
    if isinstance(value, bool):
        return OptionType.BOOLEAN
    if isinstance(value, int):
        return OptionType.INTEGER
    if isinstance(value, float):
        return OptionType.NUMBER
    if isinstance(value, Upload | tuple):
        return OptionType.ATTACHMENT
    if isinstance(value, User):
        return OptionType.USER
    if isinstance(value, Channel):
        return OptionType.CHANNEL
    if isinstance(value, Role):
        return OptionType.ROLE
    return OptionType.STRING


def _walk_components(components: Iterable[JSON]) -> Iterable[JSON]:
    """Every component, depth first (rows, sections/containers, accessories, labels)."""
    for comp in components:
        yield comp
        yield from _walk_components(comp.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from _walk_components([comp[key]])


def _normalize_components(components: list[JSON]) -> list[JSON]:
    """Copy components and number them (``id``) the way Discord does for components without one."""
    out = copy.deepcopy(components)
    used = {c["id"] for c in _walk_components(out) if isinstance(c.get("id"), int)}
    counter = 0
    for comp in _walk_components(out):
        if "id" not in comp:
            counter += 1
            while counter in used:
                counter += 1
            comp["id"] = counter
    return out


def _modal_answer(comp: JSON, values: Mapping[str, Any]) -> JSON:
    ctype = comp.get("type")
    if ctype == 1:
        return {
            "type": 1,
            "id": comp.get("id"),
            "components": [_modal_answer(c, values) for c in comp["components"]],
        }
    if ctype == 18:
        return {"type": 18, "id": comp.get("id"), "component": _modal_answer(comp["component"], values)}
    if ctype == 4:
        cid = comp["custom_id"]
        return {
            "type": 4,
            "id": comp.get("id"),
            "custom_id": cid,
            "value": str(values.get(cid, comp.get("value") or "")),
        }
    if ctype in (3, 5, 6, 7, 8):
        cid = comp["custom_id"]
        return {"type": ctype, "id": comp.get("id"), "custom_id": cid, "values": list(values.get(cid, []))}
    return {"type": ctype, "id": comp.get("id")}
