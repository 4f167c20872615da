"""What one member can learn of another's jobs: refused prompts, private channels, flagged images, bans."""

from __future__ import annotations

import pytest
from conftest import BotWorld
from fakediscord import Overwrite, Permissions

pytestmark = pytest.mark.timeout(120)


async def test_a_refused_prompt_is_its_owners_alone(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    bob = fake.add_member(fake.guild, "bob").user
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "call me at 415-867-5309 tonight"})
        assert "blocked" in await world.ephemeral_answer(inter)
        [job] = await bot.services.generation.store.history(fake.user.id)
        peek = await fake.send_interaction("job", {"job": job.id}, user=bob)
        answer = await world.private_answer(peek)
        assert "415-867-5309" not in str(answer.json)
        assert f"no job #{job.id}" in answer.json["content"].lower()


async def test_jobs_of_a_channel_a_member_cannot_read_stay_hidden_from_them(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    guild = fake.guild
    bob = fake.add_member(guild, "bob").user
    staff = fake.add_channel(
        guild,
        "staff-only",
        overwrites=[
            Overwrite(id=guild.id, type=0, deny=Permissions.VIEW_CHANNEL),
            Overwrite(id=fake.user.id, type=1, allow=Permissions.VIEW_CHANNEL | Permissions.SEND_MESSAGES),
        ],
    )
    async with world.bot() as bot:
        await bot.services.licenses.accept(bob.id, bot.services.generation.license_for("demo"))
        inter = await fake.send_interaction("imagine", {"prompt": "a surprise party for bob"}, channel=staff)
        await world.final_edit(inter)
        job_id = world.job_id(fake.original_response(inter))  # type: ignore[arg-type]
        peek = await fake.send_interaction("job", {"job": job_id}, user=bob)
        answer = await world.private_answer(peek)
        assert "surprise" not in str(answer.json) and answer.files == []
        # Nor can a button id typed by hand reach it (a variation would post it where bob is).
        click = await fake.click_button(
            fake.original_response(inter)["id"],  # type: ignore[index]
            f"imagine:vary:{job_id}:0",
            user=bob,
        )
        assert f"no job #{job_id}" in (await world.ephemeral_answer(click)).lower()
        assert await bot.services.generation.store.history(bob.id) == []
        # The owner still sees it anywhere.
        mine = await fake.send_interaction("job", {"job": job_id})
        assert len((await world.private_answer(mine)).files) == 1


async def test_flagged_images_are_shown_again_only_where_the_server_shows_them(world: BotWorld) -> None:
    fake = world.fake
    assert fake.owner is not None and fake.channel is not None
    world.classifier.flag_all = True
    other = fake.add_guild("Other server")
    fake.add_member(other, fake.user)
    other_nsfw = fake.add_channel(other, "grown-ups", nsfw=True)
    async with world.bot() as bot:
        setting = await fake.send_interaction(
            "policy set", {"key": "nsfw_mode", "value": "age_restricted"}, user=fake.owner
        )
        await world.ephemeral_answer(setting)
        inter = await fake.send_interaction(
            "imagine", {"prompt": "a quiet harbour"}, channel=fake.nsfw_channel
        )
        final = await world.final_edit(inter)
        assert final.files[0].filename.startswith("SPOILER_")
        job_id = world.job_id(fake.original_response(inter))  # type: ignore[arg-type]
        await world.posted(bot, job_id)

        elsewhere = await world.private_answer(await fake.send_interaction("job", {"job": job_id}))
        assert elsewhere.files == []
        assert "shown only in age-restricted channels" in elsewhere.json["content"]
        buttons = [c["custom_id"] for row in elsewhere.json["components"] for c in row["components"]]
        assert not any(":upscale:" in b or ":vary:" in b for b in buttons)

        there = await fake.send_interaction("job", {"job": job_id}, channel=fake.nsfw_channel)
        assert [f.filename[:8] for f in (await world.private_answer(there)).files] == ["SPOILER_"]

        # Not in an age-restricted channel of a server that does not show such images.
        abroad = await world.private_answer(
            await fake.send_interaction("job", {"job": job_id}, channel=other_nsfw)
        )
        assert abroad.files == [] and "of servers that allow them" in abroad.json["content"]
        # Nor here once the moderators stop showing them.
        setting = await fake.send_interaction(
            "policy set", {"key": "nsfw_mode", "value": "off"}, user=fake.owner
        )
        await world.ephemeral_answer(setting)
        again = await fake.send_interaction("job", {"job": job_id}, channel=fake.nsfw_channel)
        assert (await world.private_answer(again)).files == []


async def test_a_banned_members_reaction_is_refused_without_the_ban_reason_in_public(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.owner is not None and fake.channel is not None
    bob = fake.add_member(fake.guild, "bob").user
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a red fox"})
        await world.final_edit(inter)
        message = fake.original_response(inter)
        assert message is not None
        await bot.services.bans.ban(
            fake.guild.id, bob.id, reason="spam", expires_at=None, actor_id=fake.owner.id
        )
        mark = fake.mark()
        await fake.add_reaction(fake.channel.id, message["id"], bob.id, "🔁")
        told = await fake.wait_for_request("POST", rf"/channels/{fake.channel.id}/messages$", after=mark)
        assert "can't generate images" in told.json["content"]
        assert "spam" not in told.json["content"]
