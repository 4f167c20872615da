"""The fake Discord server, exercised with the real discord.py client (no network beyond 127.0.0.1)."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from typing import Any, cast

import aiohttp
import discord
import pytest
from discord import app_commands
from fakediscord import (
    CallbackType,
    FakeDiscord,
    MessageFlags,
    Overwrite,
    Permissions,
    Upload,
    run_client,
    running_fake_discord,
)
from PIL import Image

pytestmark = pytest.mark.timeout(60)

READY_FAST = {"guild_ready_timeout": 0.1}


def _png(width: int, height: int, color: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "PNG")
    return buf.getvalue()


PNG = _png(3, 2, "red")
OTHER_PNG = _png(4, 5, "blue")


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with running_fake_discord() as server:
        yield server


class EchoBot(discord.Client):
    """A small bot with an app-command tree, like the real one."""

    def __init__(self, **options: Any) -> None:
        super().__init__(intents=discord.Intents.default(), **READY_FAST, **options)
        self.tree = app_commands.CommandTree(self)
        self.errors: list[Exception] = []
        self.finished = asyncio.Event()

        @self.tree.command(name="echo", description="Echo text (and an image) back")
        async def echo(
            interaction: discord.Interaction, text: str, file: discord.Attachment | None = None
        ) -> None:
            await interaction.response.defer(thinking=True)
            data = await file.read() if file is not None else OTHER_PNG
            view = discord.ui.View(timeout=None)
            view.add_item(discord.ui.Button(label="Again", custom_id="echo:again"))
            await interaction.edit_original_response(
                content=f"echo: {text}", attachments=[discord.File(io.BytesIO(data), "echo.png")], view=view
            )
            await interaction.followup.send("follow-up!", ephemeral=True)
            self.finished.set()

        @self.tree.command(name="slow", description="Takes longer than the token lives")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer()
            await asyncio.sleep(0.5)
            try:
                await interaction.edit_original_response(content="done")
            except discord.HTTPException as exc:
                self.errors.append(exc)
                assert isinstance(interaction.channel, discord.TextChannel)
                await interaction.channel.send(f"{interaction.user.mention} done (fallback)")
            self.finished.set()

        @self.tree.command(name="late", description="Misses the 3 second deadline")
        async def late(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.4)
            try:
                await interaction.response.send_message("too late")
            except discord.HTTPException as exc:
                self.errors.append(exc)
            self.finished.set()

    async def setup_hook(self) -> None:
        await self.tree.sync()


# --------------------------------------------------------------------------- (1) connecting


async def test_plain_and_autosharded_clients_connect(fake: FakeDiscord) -> None:
    available: list[discord.Guild] = []

    plain = discord.Client(intents=discord.Intents.all(), **READY_FAST)
    plain.event(_collector(available))
    async with run_client(plain, fake):
        guild = plain.get_guild(fake.guild.id)
        assert guild is not None and not guild.unavailable
        assert available == [guild]
        assert plain.user is not None and plain.user.id == fake.bot_user.id and plain.user.bot
        assert plain.application_id == fake.application_id
        assert {c.name for c in guild.text_channels} == {"general", "nsfw-art"}
        assert guild.get_channel(fake.nsfw_channel.id).is_nsfw()
        assert not guild.get_channel(fake.channel.id).is_nsfw()
        # With the members intent every member comes in GUILD_CREATE.
        assert {m.id for m in guild.members} == {fake.bot_user.id, fake.owner.id, fake.user.id}
        assert guild.me.guild_permissions.attach_files and not guild.me.guild_permissions.administrator
        assert guild.owner_id == fake.owner.id
        identify = fake.gateway_received(op=2)[-1]
        assert identify.d["intents"] == discord.Intents.all().value
        assert fake.gateway_received(op=1), "discord.py heartbeats right after HELLO"
        # Asset.BASE is patched too: the default avatar comes from the fake CDN.
        assert (await plain.user.display_avatar.read()).startswith(b"\x89PNG")
    ws_upgrade = fake.requests_matching("GET", "^/$")[-1]
    assert ws_upgrade.status == 101
    assert ws_upgrade.query == {"v": "10", "encoding": "json", "compress": "zlib-stream"}
    assert not fake.requests_matching("GET", "^/gateway/bot$")

    available.clear()
    sharded = discord.AutoShardedClient(intents=discord.Intents.default(), **READY_FAST)
    sharded.event(_collector(available))
    async with run_client(sharded, fake):
        guild = sharded.get_guild(fake.guild.id)
        assert guild is not None and available == [guild]
        assert sharded.shard_count == 1 and guild.shard_id == 0
        assert guild.get_channel(fake.nsfw_channel.id).is_nsfw()
        # Without the members intent Discord only sends the bot's own member.
        assert [m.id for m in guild.members] == [fake.bot_user.id]
        assert fake.gateway_received(op=2)[-1].d["shard"] == [0, 1]
    assert len(fake.requests_matching("GET", "^/gateway/bot$")) == 1
    assert [r.status for r in fake.requests_matching("GET", "^/users/@me$")] == [200, 200]


def _collector(into: list[discord.Guild]) -> Any:
    async def on_guild_available(guild: discord.Guild) -> None:
        into.append(guild)

    return on_guild_available


async def test_json_content_type_is_exact(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{fake.api_base}/gateway") as resp:
        assert resp.headers["Content-Type"] == "application/json"
        assert (await resp.json()) == {"url": fake.gateway_url.rstrip("/")}
    async with aiohttp.ClientSession() as http, http.get(f"{fake.api_base}/users/@me") as resp:
        assert resp.status == 401
        assert await resp.json() == {"message": "401: Unauthorized", "code": 0}


# --------------------------------------------------------------------------- (2) slash command round trip


async def test_slash_command_defer_edit_with_file_and_view_then_followup(fake: FakeDiscord) -> None:
    bot = EchoBot()
    async with run_client(bot, fake):
        app = fake.application_id
        (sync,) = fake.requests_matching("PUT", rf"^/applications/{app}/commands$")
        assert sync.status == 200
        echo = next(c for c in sync.json if c["name"] == "echo")
        assert [(o["name"], o["type"], o.get("required", False)) for o in echo["options"]] == [
            ("text", 3, True),
            ("file", 11, False),
        ]
        assert {c["name"] for c in fake.global_commands.values()} == {"echo", "slow", "late"}

        mark = fake.mark()
        inter = await fake.send_interaction("echo", {"text": "hello", "file": Upload("cat photo.png", PNG)})
        await inter.wait_for_ack(timeout=5)
        assert inter.callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
        assert inter.ack_latency is not None and inter.ack_latency < 2.0
        assert inter.callback_request is not None and inter.callback_request.query == {"with_response": "1"}

        # discord.py downloaded the option's attachment from the fake CDN.
        cdn = await fake.wait_for_request("GET", r"^/ephemeral-attachments/", after=mark)
        assert cdn.status == 200

        edit = await fake.wait_for_request("PATCH", rf"^/webhooks/{app}/{inter.token}/messages/@original$")
        assert edit.status == 200 and edit.multipart
        assert edit.file(0).filename == "echo.png" and edit.file(0).data == PNG
        assert edit.json["attachments"] == [{"id": 0, "filename": "echo.png"}]
        button = edit.json["components"][0]["components"][0]
        assert button["custom_id"] == "echo:again" and button["type"] == 2

        follow = await fake.wait_for_request("POST", rf"^/webhooks/{app}/{inter.token}$")
        assert follow.status == 200 and follow.json["flags"] == MessageFlags.EPHEMERAL
        await asyncio.wait_for(bot.finished.wait(), 5)

        original = fake.original_response(inter)
        assert original is not None
        assert original["content"] == "echo: hello"
        assert original["type"] == 20 and original["interaction_metadata"]["name"] == "echo"
        assert not original["flags"] & MessageFlags.LOADING
        (att,) = original["attachments"]
        assert (att["filename"], att["content_type"], att["size"]) == ("echo.png", "image/png", len(PNG))
        assert (att["width"], att["height"]) == (3, 2)
        assert fake.attachment_bytes(att["url"]) == PNG
        assert original["components"][0]["components"][0]["custom_id"] == "echo:again"
        (followup,) = fake.followups(inter)
        assert followup["content"] == "follow-up!" and followup["flags"] & MessageFlags.EPHEMERAL
        assert followup["interaction_metadata"]["original_response_message_id"] == original["id"]
        # Ephemeral messages are not visible in the channel.
        assert [m["id"] for m in fake.channel_messages(fake.channel)] == [original["id"]]

        # Late edits through a partial Webhook (a bot's delivery path): keep the attachment, then drop it.
        fetched = await bot.get_partial_messageable(fake.channel.id).fetch_message(int(original["id"]))
        webhook = discord.Webhook.partial(app, inter.token, client=bot)
        edited = await webhook.edit_message(fetched.id, content="edited", attachments=fetched.attachments)
        assert edited.content == "edited" and [a.id for a in edited.attachments] == [int(att["id"])]
        cleared = await webhook.edit_message(
            cast(int, "@original"), content="gone", attachments=[], view=None
        )
        assert cleared.id == fetched.id and cleared.attachments == [] and cleared.components == []
        stored = fake.get_message(fetched.id)
        assert stored["edited_timestamp"] is not None and not stored["attachments"]


async def test_unregistered_command_is_refused(fake: FakeDiscord) -> None:
    bot = EchoBot()
    async with run_client(bot, fake):
        with pytest.raises(LookupError, match="not registered"):
            await fake.send_interaction("nope")
        with pytest.raises(ValueError, match="missing required"):
            await fake.send_interaction("echo", {})


# --------------------------------------------------------------------------- (3) DynamicItem buttons


class CounterButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"counter:(?P<n>\d+)"):
    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"+1 ({n})", custom_id=f"counter:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: Any
    ) -> CounterButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None).add_item(CounterButton(self.n + 1))
        await interaction.response.edit_message(content=f"count {self.n + 1}", view=view)


async def test_dynamic_item_button_round_trip(fake: FakeDiscord) -> None:
    bot = discord.Client(intents=discord.Intents.default(), **READY_FAST)
    bot.add_dynamic_items(CounterButton)
    async with run_client(bot, fake):
        channel = bot.get_channel(fake.channel.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("count 0", view=discord.ui.View(timeout=None).add_item(CounterButton(0)))

        first = await fake.click_button(sent.id, "counter:0", fake.user)
        await first.wait_for_ack(5)
        assert first.callback_type == CallbackType.UPDATE_MESSAGE
        stored = fake.get_message(sent.id)
        assert stored["content"] == "count 1"
        assert stored["components"][0]["components"][0]["custom_id"] == "counter:1"
        assert stored["edited_timestamp"] is not None

        with pytest.raises(LookupError):
            await fake.click_button(sent.id, "counter:0")  # that button is gone now

        second = await fake.click_button(sent.id, "counter:1")
        await second.wait_for_ack(5)
        assert fake.get_message(sent.id)["content"] == "count 2"
        assert second.payload["message"]["id"] == str(sent.id)
        assert second.payload["data"] == {"custom_id": "counter:1", "component_type": 2, "id": 2}


# --------------------------------------------------------------------------- (4) reactions


async def test_reaction_add_reaches_on_raw_reaction_add(fake: FakeDiscord) -> None:
    bot = discord.Client(intents=discord.Intents.default(), **READY_FAST)
    got: asyncio.Queue[discord.RawReactionActionEvent] = asyncio.Queue()

    @bot.event
    async def on_raw_reaction_add(payload: discord.RawReactionActionEvent) -> None:
        await got.put(payload)

    async with run_client(bot, fake):
        channel = bot.get_channel(fake.channel.id)
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("react to me")
        await message.add_reaction("✅")
        put = await fake.wait_for_request("PUT", r"/reactions/✅/@me$")
        assert put.status == 204
        own = await asyncio.wait_for(got.get(), 5)
        assert own.user_id == fake.bot_user.id

        await fake.add_reaction(fake.channel.id, message.id, fake.user.id, "🔥")
        payload = await asyncio.wait_for(got.get(), 5)
        assert payload.user_id == fake.user.id and payload.message_id == message.id
        assert payload.guild_id == fake.guild.id and payload.channel_id == fake.channel.id
        assert str(payload.emoji) == "🔥"
        assert payload.member is not None and payload.member.id == fake.user.id
        assert payload.message_author_id == fake.bot_user.id
    reactions = {r["emoji"]["name"]: (r["count"], r["me"]) for r in fake.get_message(message.id)["reactions"]}
    assert reactions == {"✅": (1, True), "🔥": (1, False)}


# --------------------------------------------------------------------------- (5) rate limits and 5xx


async def test_rate_limit_and_server_error_are_retried_by_discord_py(fake: FakeDiscord) -> None:
    bot = discord.Client(intents=discord.Intents.default(), **READY_FAST)
    async with run_client(bot, fake):
        channel = bot.get_channel(fake.channel.id)
        assert isinstance(channel, discord.TextChannel)

        limit = fake.rate_limit("POST", rf"^/channels/{channel.id}/messages$", retry_after=0.2)
        mark = fake.mark()
        started = time.monotonic()
        message = await channel.send("hello despite the rate limit")
        assert time.monotonic() - started >= 0.2
        posts = fake.requests_matching("POST", rf"^/channels/{channel.id}/messages$", after=mark)
        assert [r.status for r in posts] == [429, 200]
        assert limit.remaining == 0 and len(limit.hits) == 1
        assert posts[0].json == posts[1].json
        assert fake.get_message(message.id)["content"] == "hello despite the rate limit"

        fake.fail_next("GET", rf"^/channels/{channel.id}$", status=500)
        mark = fake.mark()
        fetched = await bot.fetch_channel(channel.id)
        assert fetched.id == channel.id
        assert [
            r.status for r in fake.requests_matching("GET", rf"^/channels/{channel.id}$", after=mark)
        ] == [
            500,
            200,
        ]

        fake.fail_next("GET", rf"^/channels/{channel.id}$", status=503)
        with pytest.raises(discord.DiscordServerError):
            await bot.fetch_channel(channel.id)


# --------------------------------------------------------------------------- (6) token expiry & ack deadline


async def test_expired_interaction_token_and_fallback_to_channel_message() -> None:
    async with running_fake_discord(interaction_token_ttl=0.3) as fake:
        bot = EchoBot()
        async with run_client(bot, fake):
            inter = await fake.send_interaction("slow")
            await asyncio.wait_for(bot.finished.wait(), 5)
            (error,) = bot.errors
            assert isinstance(error, discord.HTTPException)
            assert (error.status, error.code) == (401, 50027)
            assert inter.callback_type == CallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
            patch = fake.requests_matching("PATCH", r"/messages/@original$")[-1]
            assert patch.status == 401 and patch.response == {
                "message": "Invalid Webhook Token",
                "code": 50027,
            }
            fallback = await fake.wait_for_request("POST", rf"^/channels/{fake.channel.id}/messages$")
            assert fallback.json["content"] == f"<@{fake.user.id}> done (fallback)"
            assert fake.channel_messages(fake.channel)[-1]["mentions"][0]["id"] == str(fake.user.id)


async def test_unknown_interaction_after_ack_deadline() -> None:
    async with running_fake_discord(interaction_ack_timeout=0.2, expired_token_status=404) as fake:
        bot = EchoBot()
        async with run_client(bot, fake):
            inter = await fake.send_interaction("late")
            await asyncio.wait_for(bot.finished.wait(), 5)
            (error,) = bot.errors
            assert isinstance(error, discord.NotFound) and error.code == 10062
            assert not inter.acknowledged and inter.invalidated


# --------------------------------------------------------------------------- (7) CDN


async def test_cdn_url_downloads_bytes(fake: FakeDiscord) -> None:
    url = fake.add_cdn_file("input image.png", PNG)
    assert url.startswith(fake.cdn_base + "/ephemeral-attachments/")
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "image/png"
        assert await resp.read() == PNG
    async with (
        aiohttp.ClientSession() as http,
        http.get(fake.cdn_base + "/attachments/1/2/missing.png") as resp,
    ):
        assert resp.status == 404

    bot = EchoBot()
    async with run_client(bot, fake):
        inter = await fake.send_interaction("echo", {"text": "from url", "file": url})
        resolved = inter.payload["data"]["resolved"]["attachments"]
        (att,) = resolved.values()
        assert (att["filename"], att["size"], att["width"], att["height"]) == (
            "input_image.png",
            len(PNG),
            3,
            2,
        )
        assert att["content_type"] == "image/png" and att["ephemeral"] is True
        assert inter.payload["attachment_size_limit"] == fake.attachment_size_limit
        assert inter.payload["channel"]["nsfw"] is False
        await asyncio.wait_for(bot.finished.wait(), 5)
        async with aiohttp.ClientSession() as http, http.get(att["url"]) as resp:
            assert await resp.read() == PNG


# ------------------------------------------------------------------ extras: resume, permissions, modals


async def test_reconnect_resumes_session_and_replays_events(fake: FakeDiscord) -> None:
    bot = discord.Client(intents=discord.Intents.default(), **READY_FAST)
    resumed = asyncio.Event()

    @bot.event
    async def on_resumed() -> None:
        resumed.set()

    async with run_client(bot, fake):
        session = fake.sessions[0]
        await fake.request_reconnect()
        resume = await fake.wait_for_gateway(op=6, timeout=5)
        assert resume.path == "/resume"
        assert resume.d["session_id"] == session.session_id
        await asyncio.wait_for(resumed.wait(), 5)
        assert session.resumed_count == 1 and len(fake.gateway_received(op=2)) == 1

        channel = bot.get_channel(fake.nsfw_channel.id)
        assert isinstance(channel, discord.TextChannel) and channel.is_nsfw()
        updated = asyncio.Event()

        @bot.event
        async def on_guild_channel_update(before: Any, after: Any) -> None:
            updated.set()

        fake.update_channel(fake.nsfw_channel, nsfw=False)
        await asyncio.wait_for(updated.wait(), 5)
        assert not channel.is_nsfw()


async def test_permissions_and_dm_refusal(fake: FakeDiscord) -> None:
    locked = fake.add_channel(
        fake.guild,
        "read-only",
        overwrites=[Overwrite(fake.bot_role(fake.guild).id, type=0, deny=Permissions.SEND_MESSAGES)],
    )
    shy = fake.add_member(fake.guild, "shy").user
    shy.accepts_dms = False
    bot = discord.Client(intents=discord.Intents.default(), **READY_FAST)
    async with run_client(bot, fake):
        channel = bot.get_channel(locked.id)
        assert isinstance(channel, discord.TextChannel)
        assert not channel.permissions_for(channel.guild.me).send_messages
        with pytest.raises(discord.Forbidden) as denied:
            await channel.send("hi")
        assert denied.value.code == 50013

        user = await bot.fetch_user(shy.id)
        with pytest.raises(discord.Forbidden) as refused:
            await user.send("hello")
        assert refused.value.code == 50007
        assert fake.requests_matching("POST", r"^/users/@me/channels$")[-1].json == {"recipient_id": shy.id}


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Your feedback", custom_id="fb")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.answer.value}", ephemeral=True)


async def test_modal_round_trip(fake: FakeDiscord) -> None:
    bot = discord.Client(intents=discord.Intents.default(), **READY_FAST)
    tree = app_commands.CommandTree(bot)

    @tree.command(name="feedback", description="Send feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal(custom_id="feedback-modal"))

    async with run_client(bot, fake):
        tree.copy_global_to(guild=discord.Object(fake.guild.id))
        await tree.sync(guild=discord.Object(fake.guild.id))
        assert fake.guild_commands[fake.guild.id]
        opened = await fake.send_interaction("feedback")
        await opened.wait_for_ack(5)
        assert opened.callback_type == CallbackType.MODAL and opened.modal is not None
        assert opened.payload["data"]["guild_id"] == str(fake.guild.id)

        submitted = await fake.submit_modal(opened, {"fb": "lovely"})
        await submitted.wait_for_ack(5)
        reply = fake.original_response(submitted)
        assert reply is not None and reply["content"] == "thanks: lovely"
        assert reply["flags"] & MessageFlags.EPHEMERAL


async def test_dm_interaction_command_visibility_and_nonce(fake: FakeDiscord) -> None:
    bot = discord.Client(intents=discord.Intents.default(), **READY_FAST)
    tree = app_commands.CommandTree(bot)
    seen: asyncio.Queue[discord.Interaction] = asyncio.Queue()

    @tree.command(name="where", description="Where am I?")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def where(interaction: discord.Interaction) -> None:
        seen.put_nowait(interaction)
        await interaction.response.send_message(f"in {type(interaction.channel).__name__}")

    @tree.command(name="spicy", description="Age-restricted", nsfw=True)
    async def spicy(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok")

    @tree.command(name="purge", description="Moderators only")
    @app_commands.default_permissions(manage_messages=True)
    @app_commands.guild_only()
    async def purge(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("purged", ephemeral=True)

    async with run_client(bot, fake):
        await tree.sync()
        dm = fake.create_dm(fake.user)
        in_dm = await fake.send_interaction("where", channel=dm)
        inter = await asyncio.wait_for(seen.get(), 5)
        assert isinstance(inter.channel, discord.DMChannel) and inter.guild_id is None
        assert inter.user.id == fake.user.id and inter.context.dm_channel
        await in_dm.wait_for_ack(5)
        assert fake.original_response(in_dm)["content"] == "in DMChannel"

        with pytest.raises(PermissionError, match="age-restricted"):
            await fake.send_interaction("spicy")
        await (await fake.send_interaction("spicy", channel=fake.nsfw_channel)).wait_for_ack(5)
        with pytest.raises(PermissionError, match="lacks"):
            await fake.send_interaction("purge")
        with pytest.raises(PermissionError, match="DMs"):
            await fake.send_interaction("purge", channel=dm)
        by_owner = await fake.send_interaction("purge", user=fake.owner)
        await by_owner.wait_for_ack(5)
        assert fake.original_response(by_owner)["content"] == "purged"

        channel = bot.get_channel(fake.channel.id)
        assert isinstance(channel, discord.TextChannel)
        first = await channel.send("only once", nonce=1234)
        again = await channel.send("only once", nonce=1234)
        assert first.id == again.id
        assert [m["content"] for m in fake.channel_messages(fake.channel)].count("only once") == 1


async def test_bad_token_and_disallowed_intents(fake: FakeDiscord) -> None:
    with pytest.raises(discord.LoginFailure):
        async with run_client(discord.Client(intents=discord.Intents.default()), fake, token="not-the-token"):
            pass
    fake.application_flags = 0  # no privileged intents switched on in the "developer portal"
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with run_client(discord.Client(intents=discord.Intents.all(), **READY_FAST), fake):
            pass
    assert fake.gateway_received(op=2) and not fake.gateway_sent("READY")  # closed with 4014 instead
