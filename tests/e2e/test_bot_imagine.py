"""/imagine end to end: the real bot, the fake Discord, the tiny model."""

from __future__ import annotations

import asyncio
import re

import pytest
from conftest import DEFERRED_CHANNEL_MESSAGE, STEPS, BotWorld
from fakediscord import Upload

from bot import wording

pytestmark = pytest.mark.timeout(120)


async def test_txt2img_defers_shows_progress_and_posts_images_with_buttons(world: BotWorld) -> None:
    fake = world.fake
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse --seed 7", "count": 2})

        # 1. Deferred at once, publicly ("thinking").
        await inter.wait_for_ack(3)
        assert inter.callback_type == DEFERRED_CHANNEL_MESSAGE
        assert not (inter.callback_data or {}).get("flags", 0) & 64

        # 2. The result: two PNGs with their parameters, an embed, the buttons.
        final = await world.final_edit(inter)
        edits = fake.requests_matching("PATCH", world.original_path(inter))
        texts = [str((edit.json or {}).get("content")) for edit in edits]
        assert any("queued" in text for text in texts), texts
        assert any("%" in text and "step" in text for text in texts), texts
        assert len(final.files) == 2
        for index, file in enumerate(final.files):
            chunks = world.png_text(file.data)
            assert "a lighthouse" in chunks["parameters"]
            assert f"Seed: {7 + index}" in chunks["parameters"]
            assert chunks["Disclaimer"] == "AI-generated image"
        message = fake.original_response(inter)
        assert message is not None
        assert len(message["attachments"]) == 2
        embed = message["embeds"][0]
        fields = {field["name"]: field["value"] for field in embed["fields"]}
        assert fields["Seeds"] == "7, 8"
        assert fields["Steps"] == str(STEPS)
        assert fields["Model"] == "demo"
        assert "CreativeML" in fields["License"]
        job_id = world.job_id(message)
        assert world.custom_ids(message) == [
            f"imagine:upscale:{job_id}:0",
            f"imagine:upscale:{job_id}:1",
            f"imagine:vary:{job_id}:0",
            f"imagine:vary:{job_id}:1",
            f"imagine:rerun:{job_id}",
            f"imagine:delete:{job_id}",
        ]
        job = await world.posted(bot, job_id)
        assert job.message_id == int(message["id"])


async def test_imagine_without_options_runs_where_the_server_allows_fewer_steps_than_the_models_default(
    world: BotWorld,
) -> None:
    fake = world.fake
    assert fake.guild is not None
    async with world.bot() as bot:
        await bot.services.policies.set(fake.guild.id, "max_steps", str(STEPS - 2), actor_id=fake.owner.id)
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await world.final_edit(inter)
        message = fake.original_response(inter)
        assert message is not None
        job = await world.posted(bot, world.job_id(message))
        assert job.generation_params.steps == STEPS - 2
        # Steps the member asks for are not lowered: they are refused, naming the limit.
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse", "steps": STEPS})
        assert f"between 1 and {STEPS - 2}" in await world.ephemeral_answer(inter)
        # A flag past even the bot's range is answered with the server's, not with 1 to 150.
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse --steps 1000"})
        answer = await world.ephemeral_answer(inter)
        assert f"1000 is out of range; use 1 to {STEPS - 2}" in answer
        assert f"`--steps`: denoising steps, 1 to {STEPS - 2}" in answer
        assert "150" not in answer


async def test_img2img_downloads_the_attachment_and_keeps_its_shape(world: BotWorld) -> None:
    fake = world.fake
    async with world.bot() as bot:
        picture = Upload("start.png", world.png_bytes(side=96))
        inter = await fake.send_interaction(
            "imagine", {"prompt": "a watercolour", "image": picture, "strength": 0.6}
        )
        final = await world.final_edit(inter)
        assert len(final.files) == 1
        message = fake.original_response(inter)
        assert message is not None
        job = await world.posted(bot, world.job_id(message))
        assert job.kind.value == "img2img"
        assert job.init_image_path is not None
        # A square attachment gives a square job at the model's pixel budget.
        assert (job.generation_params.width, job.generation_params.height) == (64, 64)
        cdn_gets = [r for r in fake.requests if r.method == "GET" and "start.png" in r.path]
        assert len(cdn_gets) == 1


@pytest.mark.parametrize(
    ("upload", "overrides", "reason"),
    [
        (Upload("notes.png", b"these are not pixels, just text pretending"), {}, "not an image"),
        # An iPhone's own format, named rather than called "not an image".
        (Upload("IMG_0001.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64), {}, "a HEIC photo"),
        (
            Upload("huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * 4096),
            {"max_attachment_bytes": 1024},
            "larger than",
        ),
        (Upload("elsewhere.png", b"\x89PNG\r\n\x1a\n"), {"cdn_hosts": ("cdn.discordapp.com",)}, "CDN"),
    ],
)
async def test_a_bad_attachment_is_refused_privately(
    world: BotWorld, upload: Upload, overrides: dict[str, object], reason: str
) -> None:
    fake = world.fake
    async with world.bot(**overrides) as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a watercolour", "image": upload})
        text = await world.ephemeral_answer(inter)
        assert "The attached image can't be used" in text
        assert reason in text
        # The public placeholder is removed and no job was made.
        assert fake.requests_matching("DELETE", world.original_path(inter))
        assert fake.user is not None
        assert await bot.services.generation.store.history(fake.user.id) == []


async def test_a_typo_in_a_flag_is_answered_at_once_and_privately(world: BotWorld) -> None:
    fake = world.fake
    async with world.bot():
        inter = await fake.send_interaction("imagine", {"prompt": "a cat --steps lots"})
        text = await world.ephemeral_answer(inter)
        assert inter.callback_type == 4
        assert "--steps" in text and "not a whole number" in text


async def test_a_blocked_prompt_is_answered_with_the_reason(world: BotWorld) -> None:
    fake = world.fake
    async with world.bot() as bot:
        # Spaced letters and leetspeak do not get past the hard floor.
        inter = await fake.send_interaction("imagine", {"prompt": "n u d e   p1cture of a 12 year old ch1ld"})
        text = await world.ephemeral_answer(inter)
        assert text.startswith("Your prompt was blocked:")
        assert "every server" in text
        assert fake.user is not None
        [job] = await bot.services.generation.store.history(fake.user.id)
        assert job.status.value == "blocked"


async def test_a_private_answer_is_never_posted_where_the_public_placeholder_stays(world: BotWorld) -> None:
    """After a public "thinking…", the first follow-up takes the placeholder's place, public whatever
    its flags: the reason a prompt was refused went private only because the placeholder was deleted
    first. When Discord refuses that deletion, the reason must not go out at all."""
    fake = world.fake
    async with world.bot():
        refused = fake.fail_next("DELETE", r"/messages/@original$", status=400, count=1, message="nope")
        inter = await fake.send_interaction("imagine", {"prompt": "n u d e   p1cture of a 12 year old ch1ld"})
        edit = await fake.wait_for_request("PATCH", world.original_path(inter), timeout=30)
        assert edit.json["content"] == wording.NOTHING_CAME_OF_IT
        assert len(refused.hits) == 1
        assert not fake.requests_matching("POST", rf"/webhooks/\d+/{re.escape(inter.token)}$")


async def test_a_deferral_whose_answer_was_lost_still_gets_the_member_their_images(world: BotWorld) -> None:
    """Discord deferred the interaction but a proxy lost its answer (502): discord.py tries again, is
    refused with 40060 "already acknowledged", and the request must go on all the same."""
    fake = world.fake
    async with world.bot():
        lost = fake.lose_answer_next("POST", r"/interactions/\d+/[^/]+/callback$")
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        final = await world.final_edit(inter)
        assert len(final.files) == 1
        assert len(lost.hits) == 1
        callbacks = fake.requests_matching("POST", r"/interactions/\d+/[^/]+/callback$")
        assert [callback.status for callback in callbacks] == [502, 400]
        assert inter.callback_type == DEFERRED_CHANNEL_MESSAGE


async def test_a_request_not_queued_yet_when_the_bot_stops_is_told_to_be_sent_again(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its "thinking…" stayed until Discord ended the interaction, and nothing of it was stored to be
    taken up after the restart."""
    from bot import jobflow

    monkeypatch.setattr(jobflow, "CLOSE_GRACE_S", 0.2)
    fake = world.fake
    stuck, never = asyncio.Event(), asyncio.Event()
    async with world.bot() as bot:

        async def slow_submit(*_args: object, **_kwargs: object) -> None:
            stuck.set()
            await never.wait()  # still being checked when the bot stops

        monkeypatch.setattr(bot.services.generation, "submit", slow_submit)
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await asyncio.wait_for(stuck.wait(), 30)
    told = fake.requests_matching("PATCH", world.original_path(inter))
    assert [r.json["content"] for r in told] == [wording.RESTARTING]
