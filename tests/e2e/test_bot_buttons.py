"""Result buttons: rerun and upscale (also after a restart), clicks by others, tampered custom_ids."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp
import pytest
from conftest import DEFERRED_CHANNEL_MESSAGE, BotWorld
from fakediscord import FakeDiscord, InteractionRecord

from bot.client import ImagineBot
from generation.models import JobStatus
from generation.service import STARTING_IMAGE_DELETED
from moderation.screening import Verdict

pytestmark = pytest.mark.timeout(120)

JSON = dict[str, Any]


async def first_result(
    world: BotWorld, prompt: str = "a red fox --seed 11"
) -> tuple[InteractionRecord, JSON]:
    inter = await world.fake.send_interaction("imagine", {"prompt": prompt})
    await world.final_edit(inter)
    message = world.fake.original_response(inter)
    assert message is not None
    return inter, message


async def test_rerun_and_upscale_buttons_make_new_jobs_also_after_a_restart(world: BotWorld) -> None:
    fake = world.fake
    async with world.bot() as bot:
        _, message = await first_result(world)
        source_id = world.job_id(message)
        await world.posted(bot, source_id)

        # Rerun: a new message (deferred "thinking"), same parameters, a new seed.
        click = await fake.click_button(message["id"], f"imagine:rerun:{source_id}")
        await click.wait_for_ack(3)
        assert click.callback_type == DEFERRED_CHANNEL_MESSAGE
        await world.final_edit(click)
        rerun_message = fake.original_response(click)
        assert rerun_message is not None
        rerun = await world.posted(bot, world.job_id(rerun_message))
        source = await bot.services.generation.store.get(source_id)
        assert rerun.parent_job_id == source_id
        assert rerun.generation_params.prompt == source.generation_params.prompt
        assert rerun.generation_params.seeds != source.generation_params.seeds

    # A new process on the same database and folder: the old message's buttons still work.
    async with world.bot() as bot:
        click = await fake.click_button(message["id"], f"imagine:upscale:{source_id}:0")
        final = await world.final_edit(click)
        upscaled_message = fake.original_response(click)
        assert upscaled_message is not None
        upscaled = await world.posted(bot, world.job_id(upscaled_message))
        assert upscaled.kind.value == "upscale"
        assert (upscaled.generation_params.width, upscaled.generation_params.height) == (128, 128)
        assert upscaled.parent_job_id == source_id and upscaled.parent_image_index == 0
        assert world.png_text(final.files[0].data)["parameters"].startswith("a red fox")


async def test_a_click_by_another_member_makes_their_own_job(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    async with world.bot() as bot:
        _, message = await first_result(world)
        bob = fake.add_member(fake.guild, "bob").user
        # Bob has not accepted the license: his click gets the terms, privately.
        click = await fake.click_button(message["id"], f"imagine:rerun:{world.job_id(message)}", user=bob)
        request = await fake.wait_for_request("POST", rf"/webhooks/\d+/{click.token}$")
        assert request.json["flags"] & 64
        assert "imagine:terms:accept:creativeml-openrail-m:1.0" in str(request.json["components"])
        assert await bot.services.generation.store.history(bob.id) == []


async def post_as_bot(fake: FakeDiscord, custom_id: str) -> JSON:
    """A message with one button, posted with the bot's token: what a tampered client could click."""
    assert fake.channel is not None
    body = {
        "content": "tampered",
        "components": [
            {"type": 1, "components": [{"type": 2, "style": 2, "label": "x", "custom_id": custom_id}]}
        ],
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{fake.api_base}/channels/{fake.channel.id}/messages",
            json=body,
            headers={"Authorization": f"Bot {fake.token}"},
        ) as response,
    ):
        assert response.status == 200
        data: JSON = await response.json()
        return data


async def test_tampered_custom_ids_get_a_private_answer(world: BotWorld) -> None:
    fake = world.fake
    async with world.bot() as bot:
        _, message = await first_result(world)
        job_id = world.job_id(message)
        cases = {
            "imagine:upscale:abc:9": "does not name a job",
            f"imagine:upscale:{job_id}:3": "has no image 4",
            "imagine:rerun:987654321": "no job #987654321",
            f"imagine:vary:{job_id}": "does not name a job and image",
            "imagine:explode:1": "not one of this bot's buttons",
            "imagine:terms:accept:../../etc:1": "does not name a license",
        }
        for custom_id, expected in cases.items():
            posted = await post_as_bot(fake, custom_id)
            click = await fake.click_button(posted["id"], custom_id)
            text = await world.ephemeral_answer(click)
            assert expected in text.lower(), (custom_id, text)
            assert "Change " not in text, (custom_id, text)  # a click has no option to change
        assert fake.user is not None
        assert len(await bot.services.generation.store.history(fake.user.id)) == 1


async def test_delete_by_the_owner_removes_the_images(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    async with world.bot() as bot:
        _, message = await first_result(world)
        job_id = world.job_id(message)
        await world.posted(bot, job_id)
        bob = fake.add_member(fake.guild, "bob").user
        refused = await fake.click_button(message["id"], f"imagine:delete:{job_id}", user=bob)
        assert "owner or a moderator" in await world.ephemeral_answer(refused)
        click = await fake.click_button(message["id"], f"imagine:delete:{job_id}")
        await world.ephemeral_answer(click)
        current = fake.get_message(message["id"])
        assert current["attachments"] == [] and current["embeds"] == []
        assert "deleted" in current["content"]
        job = await bot.services.generation.store.get(job_id)
        assert job.deleted_at is not None


async def test_delete_from_a_job_view_answers_while_the_jobs_own_message_is_held_up(world: BotWorld) -> None:
    """The job's own message is edited in the background: a hung connection to Discord there held the
    member's confirmation until the HTTP timeout."""
    fake = world.fake
    async with world.bot() as bot:
        inter, message = await first_result(world)
        job_id = world.job_id(message)
        await world.posted(bot, job_id)
        shown = await fake.send_interaction("job", {"job": job_id})
        view = await fake.wait_for_request("POST", rf"/webhooks/\d+/{shown.token}$")
        held = fake.stall("PATCH", world.original_path(inter))
        mark = fake.mark()
        click = await fake.click_button(view.response["id"], f"imagine:delete:{job_id}")
        assert "deleted" in await world.ephemeral_answer(click)
        assert (await bot.services.generation.store.get(job_id)).deleted_at is not None
        assert fake.get_message(message["id"])["attachments"], "the edit is still held"
        held.set()
        await fake.wait_for_request("PATCH", world.original_path(inter), after=mark)
        current = fake.get_message(message["id"])
        assert current["attachments"] == [] and "deleted" in current["content"]


async def test_deleting_a_result_stops_the_upscales_and_variations_of_it_still_waiting(
    world: BotWorld,
) -> None:
    """A moderator deleting what the classifier missed would otherwise see it posted again, bigger."""
    fake = world.fake
    assert fake.guild is not None
    bob = fake.add_member(fake.guild, "bob").user
    async with world.bot() as bot:
        generation = bot.services.generation
        message, job_id = await _a_result_bob_may_click(world, bot, bob.id)
        await generation.scheduler.stop()  # the follow-ups wait in the queue
        clicks = []
        for custom_id in (f"imagine:upscale:{job_id}:0", f"imagine:vary:{job_id}:0"):
            click = await fake.click_button(message["id"], custom_id, user=bob)
            await fake.wait_for_request("PATCH", world.original_path(click))
            clicks.append(click)
        delete = await fake.click_button(message["id"], f"imagine:delete:{job_id}", user=fake.owner)
        await delete.wait_for_ack()
        follow_ups = [
            _queued_job_id((fake.original_response(click) or {}).get("content", "")) for click in clicks
        ]
        for follow_up in follow_ups:
            job = await world.posted(bot, follow_up)
            assert job.status is JobStatus.FAILED
            assert job.error == STARTING_IMAGE_DELETED
        generation.scheduler.start()
        await generation.scheduler.idle()
        for click in clicks:
            final = await world.final_edit(click)
            assert not final.files


async def test_an_upscale_being_checked_when_its_result_is_deleted_is_not_made(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleting stops the follow-ups stored; one clicked a moment before, still being screened, was
    stored after the deletion and posted the deleted picture, bigger."""
    fake = world.fake
    assert fake.guild is not None
    bob = fake.add_member(fake.guild, "bob").user
    async with world.bot() as bot:
        generation = bot.services.generation
        message, job_id = await _a_result_bob_may_click(world, bot, bob.id)
        # Screening takes milliseconds (longer with the semantic screener): held here until the deletion.
        screening, deleted = asyncio.Event(), asyncio.Event()
        screen = generation._screen_prompt

        async def screened_after_the_deletion(*args: Any, **kwargs: Any) -> Verdict:
            screening.set()
            await deleted.wait()
            return await screen(*args, **kwargs)

        monkeypatch.setattr(generation, "_screen_prompt", screened_after_the_deletion)
        click = await fake.click_button(message["id"], f"imagine:upscale:{job_id}:0", user=bob)
        await asyncio.wait_for(screening.wait(), 30)
        delete = await fake.click_button(message["id"], f"imagine:delete:{job_id}")
        assert "deleted" in await world.ephemeral_answer(delete)
        deleted.set()

        assert f"job {job_id} was deleted" in (await world.ephemeral_answer(click)).lower()
        assert await bot.services.generation.store.history(bob.id) == []


async def _a_result_bob_may_click(world: BotWorld, bot: ImagineBot, bob_id: int) -> tuple[JSON, int]:
    """Alice's first result, posted, and its job; Bob has accepted the license, to click on it."""
    await bot.services.licenses.accept(bob_id, bot.services.generation.license_for("demo"))
    _, message = await first_result(world)
    job_id = world.job_id(message)
    await world.posted(bot, job_id)
    return message, job_id


def _queued_job_id(text: str) -> int:
    """The job number of a "Job #12 is queued" message."""
    found = re.search(r"Job #(\d+)", text)
    assert found is not None, text
    return int(found.group(1))
