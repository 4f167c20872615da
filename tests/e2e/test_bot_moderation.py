"""Moderators and policy: who may change it, the log channel echo, withheld and spoilered images."""

from __future__ import annotations

import os
import re

import pytest
from conftest import BotWorld

from moderation.licenses import CREATIVEML_OPENRAIL_M

pytestmark = pytest.mark.timeout(120)


async def test_a_member_without_manage_server_cannot_set_the_policy(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("policy set", {"key": "max_steps", "value": "10"})
        assert "Only moderators" in await world.ephemeral_answer(inter)
        assert (await bot.services.policies.get(fake.guild.id)).max_steps == 50


async def test_moderators_change_the_policy_and_the_log_channel_hears_of_it(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    log_channel = fake.add_channel(fake.guild, "mod-log")
    role = fake.add_role(fake.guild, "image mods")
    async with world.bot() as bot:
        # The owner (Manage Server) names a log channel and the moderator role.
        for key, value in (
            ("log_channel_id", f"<#{log_channel.id}>"),
            ("moderator_role_id", f"<@&{role.id}>"),
        ):
            inter = await fake.send_interaction("policy set", {"key": key, "value": value}, user=fake.owner)
            assert f"set `{key}`" in await world.ephemeral_answer(inter)
        # Alice gets the role: now the bot lets her ban terms, though Discord gives her no Manage Server.
        fake.set_member_roles(fake.guild, fake.user, [role])
        inter = await fake.send_interaction("policy terms add", {"items": "zeppelin, blimp"})
        assert "zeppelin" in await world.ephemeral_answer(inter)
        policy = await bot.services.policies.get(fake.guild.id)
        assert policy.banned_terms == ["zeppelin", "blimp"]
        echoes = [message["content"] for message in fake.channel_messages(log_channel)]
        assert any("log_channel_id" in text for text in echoes)
        assert any("added 2 banned terms" in text for text in echoes)
        # The banned term now blocks prompts, with the reason.
        inter = await fake.send_interaction("imagine", {"prompt": "a zeppelin over paris"})
        text = await world.ephemeral_answer(inter)
        assert "blocked" in text and "moderators" in text
        entries = await bot.services.audit.recent(fake.guild.id, 10)
        assert {entry.action.value for entry in entries} >= {"policy_set", "terms_added"}


async def test_flagged_images_are_withheld_and_the_message_says_why(world: BotWorld) -> None:
    fake = world.fake
    world.classifier.flag_all = True
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a quiet harbour", "count": 2})
        final = await world.final_edit(inter)
        assert final.files == []
        message = fake.original_response(inter)
        assert message is not None
        assert message["attachments"] == []
        assert "2 of 2 images were withheld" in message["content"]
        assert "safety check flagged" in message["content"]
        job = await world.posted(bot, world.job_id(message))
        assert [image.path for image in job.images] == [None, None]


async def test_flagged_images_go_behind_spoilers_in_an_age_restricted_channel(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.nsfw_channel is not None
    world.classifier.flag_all = True
    async with world.bot():
        inter = await fake.send_interaction(
            "policy set", {"key": "nsfw_mode", "value": "age_restricted"}, user=fake.owner
        )
        await world.ephemeral_answer(inter)
        inter = await fake.send_interaction(
            "imagine", {"prompt": "a quiet harbour"}, channel=fake.nsfw_channel
        )
        final = await world.final_edit(inter)
        assert [file.filename.startswith("SPOILER_") for file in final.files] == [True]
        assert "spoilers" in str(final.json["content"])


async def test_moderators_review_blocked_prompts_and_members_cannot(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    async with world.bot():
        inter = await fake.send_interaction("imagine", {"prompt": "call me at 555-867-5309 tonight"})
        assert "blocked" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("mod blocked", {})
        assert "Only moderators" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("mod blocked", {"count": 5}, user=fake.owner)
        review = await world.ephemeral_answer(inter)
        assert "555-867-5309" in review and "floor.pii" in review


async def test_purge_erases_a_member_here_and_forget_me_everywhere(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        await fake.send_interaction("imagine", {"prompt": "a lighthouse at dusk"})
        job = await world.posted(bot, (await world.first_job(bot, fake.user.id)).id)
        inter = await fake.send_interaction("mod purge", {"user": str(fake.user.id)}, user=fake.owner)
        assert "1 jobs" in await world.ephemeral_answer(inter)
        assert await bot.services.generation.store.history(fake.user.id) == []
        assert job.images and not any(os.path.exists(image.path or "") for image in job.images)  # noqa: ASYNC240

        await fake.send_interaction("imagine", {"prompt": "a red fox"})
        await world.posted(bot, (await world.first_job(bot, fake.user.id)).id)
        inter = await fake.send_interaction("forget-me", {"confirm": "nope"})
        assert "Nothing was deleted" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("forget-me", {"confirm": "DELETE"})
        answer = await fake.wait_for_request("POST", rf"/webhooks/\d+/{re.escape(inter.token)}$")
        assert "Deleted 1 jobs" in answer.json["content"]
        assert await bot.services.generation.store.history(fake.user.id) == []
        assert not await bot.services.licenses.has_accepted(fake.user.id, CREATIVEML_OPENRAIL_M)
