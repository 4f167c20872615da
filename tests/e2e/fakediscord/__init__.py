"""fakediscord: a Discord-compatible server on 127.0.0.1 for end-to-end tests with the real discord.py.

Typical use::

    async with running_fake_discord() as fake:          # started + discord.py patched
        bot = MyBot(intents=..., guild_ready_timeout=0.2)
        async with run_client(bot, fake):                # bot.start(fake.token) until on_ready
            inter = await fake.send_interaction("imagine", {"prompt": "a cat"})
            await inter.wait_for_ack()
            edit = await fake.wait_for_request("PATCH", r"/webhooks/\\d+/[^/]+/messages/@original$")
            assert fake.original_response(inter)["attachments"]

The default world (``default_guild=True``): ``fake.guild`` (owned by ``fake.owner``), ``fake.channel``
(#general), ``fake.nsfw_channel`` (#nsfw-art, age-restricted), ``fake.user`` (alice, a plain member),
and the bot (``fake.bot_user``, its application id ``fake.application_id``, token ``fake.token``).
"""

from .fixtures import (
    discord_endpoints,
    patch_discord,
    run_client,
    running_fake_discord,
    set_discord_endpoints,
    wait_until_ready,
)
from .gateway import GatewaySession
from .models import (
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
    Upload,
    User,
)
from .server import DiscordError, FakeDiscord

__all__ = [
    "ApplicationFlags",
    "CallbackType",
    "Channel",
    "ChannelType",
    "DiscordError",
    "FakeDiscord",
    "GatewayRecord",
    "GatewaySession",
    "Guild",
    "Injection",
    "Intents",
    "InteractionRecord",
    "InteractionType",
    "Member",
    "MessageFlags",
    "OptionType",
    "Overwrite",
    "Permissions",
    "RecordedFile",
    "RecordedRequest",
    "Role",
    "Upload",
    "User",
    "discord_endpoints",
    "patch_discord",
    "run_client",
    "running_fake_discord",
    "set_discord_endpoints",
    "wait_until_ready",
]
