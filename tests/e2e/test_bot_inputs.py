"""Inputs at Discord's limits, characters PostgreSQL refuses (NUL), and pictures as phones and
editors save them, on both databases."""

from __future__ import annotations

import io

import pytest
from conftest import BotWorld
from PIL import Image

pytestmark = pytest.mark.timeout(120)


async def test_a_1500_character_prompt_makes_a_job(world: BotWorld) -> None:
    fake = world.fake
    prompt = ("a very long prompt about foxes " * 60)[:1500]
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": prompt})
        final = await world.final_edit(inter)
        job = await world.posted(bot, world.job_id(fake.original_response(inter)))
        assert job.generation_params.prompt == prompt.strip()
        assert final.files


async def test_a_1500_character_blocked_prompt_is_kept_for_review(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    prompt = ("call me at 415-867-5309 " * 70)[:1500]
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": prompt})
        assert "blocked" in await world.ephemeral_answer(inter)
        rows = await bot.services.audit.blocked_prompts(fake.guild.id, 5)
        assert len(rows) == 1


async def test_a_500_character_ban_reason(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction(
            "mod ban", {"user": str(fake.user.id), "reason": "x" * 500, "duration": "2h"}, user=fake.owner
        )
        await world.ephemeral_answer(inter)
        assert await bot.services.bans.active_ban(fake.guild.id, fake.user.id) is not None


@pytest.mark.parametrize("where", ["allowed", "blocked"])
async def test_a_prompt_with_a_nul_character(world: BotWorld, where: str) -> None:
    fake = world.fake
    assert fake.guild is not None
    prompt = "a red fox\x00 in the snow" + (" call 415-867-5309" if where == "blocked" else "")
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": prompt})
        if where == "blocked":
            text = await world.ephemeral_answer(inter)
            assert "blocked" in text, text
            [row] = await bot.services.audit.blocked_prompts(fake.guild.id, 5)
            assert row.prompt.startswith("a red fox")
        else:
            await world.final_edit(inter)
            await world.posted(bot, world.job_id(fake.original_response(inter)))


async def test_a_ban_reason_with_a_nul_character(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction(
            "mod ban", {"user": str(fake.user.id), "reason": "spam\x00spam"}, user=fake.owner
        )
        text = await world.ephemeral_answer(inter)
        assert "banned" in text.lower(), text
        assert await bot.services.bans.active_ban(fake.guild.id, fake.user.id) is not None


async def test_an_animated_attachment_is_made_from_its_first_frame_and_the_member_told(
    world: BotWorld,
) -> None:
    # The first frame was used without a word: the member expected their animation, or its middle.
    fake = world.fake
    frames = [Image.new("RGB", (48, 48), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    url = fake.add_cdn_file("dance.gif", buffer.getvalue())
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a red fox", "image": url})
        told = await fake.wait_for_request(
            "PATCH",
            world.original_path(inter),
            predicate=lambda r: "animated: its first frame is used" in str((r.json or {}).get("content")),
        )
        assert told.status == 200
        final = await world.final_edit(inter)
        job = await world.posted(bot, world.job_id(fake.original_response(inter)))
        assert job.kind.value == "img2img"
        # The result says so too: a job that starts at once is never shown queued, where notes come first.
        assert "animated: its first frame is used" in final.json["content"]


async def test_a_flag_the_options_override_is_noted_on_the_result(world: BotWorld) -> None:
    fake = world.fake
    async with world.bot():
        inter = await fake.send_interaction("imagine", {"prompt": "a red fox --n 2", "count": 1})
        final = await world.final_edit(inter)
        assert "`--n 2` was ignored: the `count` option (1) wins" in final.json["content"]
        assert len(final.files) == 1


async def test_a_phone_photo_attached_to_imagine_makes_an_upright_img2img_job(world: BotWorld) -> None:
    # A landscape sensor image turned to portrait by EXIF, with a depth map after the photo (a
    # multi-picture JPEG, as many phones save them): it was refused as "MPO files are not supported".
    fake = world.fake
    photo = Image.new("RGB", (80, 40), (200, 40, 40))
    exif = photo.getexif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    photo.save(buffer, format="MPO", save_all=True, append_images=[Image.new("L", (80, 40))], exif=exif)
    url = fake.add_cdn_file("IMG_2041.jpg", buffer.getvalue())
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a red fox", "image": url})
        final = await world.final_edit(inter)
        job = await world.posted(bot, world.job_id(fake.original_response(inter)))
        assert job.kind.value == "img2img"
        params = job.generation_params
        assert params.height > params.width  # upright, as the phone showed it
        with Image.open(io.BytesIO(final.files[0].data)) as result:
            assert result.size == (params.width, params.height)
