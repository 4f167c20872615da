"""/help: built from the live commands, flags, models and this server's policy."""

from __future__ import annotations

import re

import pytest
from conftest import EPHEMERAL, BotWorld
from fakediscord import InteractionRecord

from bot.flags import KNOWN_FLAGS

pytestmark = pytest.mark.timeout(120)


async def help_embed(world: BotWorld, inter: InteractionRecord) -> dict[str, str]:
    """The private /help answer's embed, as {field name: value}, with the description as "description"."""
    await inter.wait_for_ack()
    reply = await world.fake.wait_for_request("POST", rf"/webhooks/\d+/{re.escape(inter.token)}$")
    assert (inter.callback_data or {}).get("flags", 0) & EPHEMERAL
    (embed,) = reply.json["embeds"]
    assert len(str(embed)) < 6000 and all(len(field["value"]) <= 1024 for field in embed["fields"])
    return {"description": embed["description"], **{f["name"]: f["value"] for f in embed["fields"]}}


async def test_help_shows_members_their_commands_and_this_servers_limits(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    async with world.bot() as bot:
        await bot.services.policies.set(fake.guild.id, "max_steps", "30", actor_id=fake.owner.id)
        shown = await help_embed(world, await fake.send_interaction("help"))
        assert all(f"`--{flag}`" in shown["description"] for flag in KNOWN_FLAGS)
        assert "1024×1024 and 30 steps" in shown["On this server"] and "withheld" in shown["On this server"]
        assert "`demo` (default)" in shown["Models"]
        member_commands = shown["Commands"]
        for name in ("imagine", "terms", "queue", "cancel", "job", "history", "forget-me", "help"):
            assert f"`/{name}`" in member_commands
        assert "Moderator commands" not in shown and "/policy" not in member_commands

        # Manage Server makes the owner a moderator: their commands are listed too, each subcommand.
        moderator = await help_embed(world, await fake.send_interaction("help", user=fake.owner))
        assert (
            "`/policy` show · set · reset · terms add · terms remove · terms list"
            in (moderator["Moderator commands"])
        )
        assert "`/mod` ban" in moderator["Moderator commands"]


async def test_help_in_direct_messages_leaves_out_what_needs_a_server(world: BotWorld) -> None:
    fake = world.fake
    assert fake.user is not None
    async with world.bot():
        dm = fake.create_dm(fake.user)
        shown = await help_embed(world, await fake.send_interaction("help", channel=dm))
        assert "On this server" not in shown and "Moderator commands" not in shown
        assert "`/imagine`" in shown["Commands"] and "/policy" not in shown["Commands"]
        assert shown["description"].startswith("This bot makes images on servers only")
    async with world.bot(dms_allowed=True):
        shown = await help_embed(world, await fake.send_interaction("help", channel=dm))
        assert shown["description"].startswith("`/imagine prompt:`")


def test_help_fits_discords_limits_with_many_models_and_channels() -> None:
    from bot.cogs.help import help_embed
    from moderation.policy import GuildPolicy

    models = [f"community-model-{i:02d}-realistic-vision-v6-hyper-long-name" for i in range(30)]
    policy = GuildPolicy(allowed_channel_ids=list(range(10**17, 10**17 + 100)))
    embed = help_embed(
        [], policy, models=models, default_model=models[29], in_guild=True, dms_allowed=False, moderator=True
    )
    fields = {field.name: field.value or "" for field in embed.fields}
    assert all(len(value) <= 1024 for value in fields.values()) and len(embed) <= 6000
    assert fields["Models"].startswith(f"`{models[29]}` (default)") and "more" in fields["Models"]
    assert "…and" in fields["On this server"]


def test_help_speaks_of_one_image_where_the_server_allows_one() -> None:
    from bot.cogs.help import help_embed
    from moderation.policy import GuildPolicy

    policy = GuildPolicy(max_count=1, max_steps=20, user_queue_cap=1)
    embed = help_embed(
        [], policy, models=["demo"], default_model="demo", in_guild=True, dms_allowed=False, moderator=False
    )
    fields = {field.name: field.value or "" for field in embed.fields}
    assert "for an image;" in (embed.description or "")
    assert "`--n`: number of images, 1 to 1" in (embed.description or "")
    assert "`--steps`: denoising steps, 1 to 20" in (embed.description or "")
    assert (
        fields["Under your images"].startswith("**U1** upscale") and "U4" not in fields["Under your images"]
    )
    assert fields["On this server"].startswith(
        "1 image of up to 1024×1024 and 20 steps; 1 job of yours waiting or running at once."
    )
