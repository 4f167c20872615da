"""Reactions on result messages: 🔁 rerun, ⬆️ upscale, ❌ delete (owner only), and what is ignored."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import pytest
from conftest import BotWorld
from fakediscord import InteractionRecord, RecordedRequest
from PIL import Image

from bot.client import ImagineBot

pytestmark = pytest.mark.timeout(120)

JSON = dict[str, Any]


async def first_result(
    world: BotWorld, bot: ImagineBot, prompt: str = "a red fox --seed 11"
) -> tuple[InteractionRecord, JSON]:
    """An /imagine by the default member (Alice), once its result is posted and recorded."""
    inter = await world.fake.send_interaction("imagine", {"prompt": prompt})
    await world.final_edit(inter)
    message = world.fake.original_response(inter)
    assert message is not None and message["attachments"]
    await world.posted(bot, world.job_id(message))
    return inter, message


def channel_id(world: BotWorld) -> int:
    assert world.fake.channel is not None
    return world.fake.channel.id


async def channel_result(world: BotWorld, *, after: int, within_s: float = 60) -> RecordedRequest:
    """The channel message carrying a job made by a reaction (no interaction, so no webhook)."""
    return await world.fake.wait_for_request(
        "POST",
        rf"/channels/{channel_id(world)}/messages$",
        predicate=lambda r: str((r.json or {}).get("nonce", "")).startswith("imagine-job-"),
        timeout=within_s,
        after=after,
    )


def field(message: JSON, name: str) -> str:
    return next(f["value"] for f in message["embeds"][0]["fields"] if f["name"] == name)


def image_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


async def test_rerun_and_upscale_reactions_by_the_owner_make_new_jobs(world: BotWorld) -> None:
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        _, message = await first_result(world, bot)
        source_id = world.job_id(message)
        assert image_size(fake.attachment_bytes(message["attachments"][0]["url"])) == (64, 64)

        # 🔁: the same prompt with a new seed, as a channel message that mentions Alice.
        mark = fake.mark()
        await fake.add_reaction(channel_id(world), message["id"], emoji="🔁")
        request = await channel_result(world, after=mark)
        posted = fake.get_message(request.response["id"])
        assert posted["id"] != message["id"] and posted["attachments"]
        assert f"<@{fake.user.id}>" in posted["content"]
        rerun_id = world.job_id(posted)
        assert rerun_id != source_id
        assert f"from job #{source_id}" in posted["embeds"][0]["footer"]["text"]
        assert posted["embeds"][0]["title"] == message["embeds"][0]["title"]
        assert field(posted, "Seed") != field(message, "Seed")
        rerun = await world.posted(bot, rerun_id)
        assert rerun.user_id == fake.user.id and rerun.parent_job_id == source_id
        assert rerun.kind.value == "txt2img"

        # ⬆️ (with the variation selector, as most clients send it): the first image at twice the size.
        mark = fake.mark()
        await fake.add_reaction(channel_id(world), message["id"], emoji="⬆️")
        request = await channel_result(world, after=mark)
        assert image_size(request.files[0].data) == (128, 128)
        posted = fake.get_message(request.response["id"])
        assert field(posted, "Size") == "128×128"
        upscaled = await world.posted(bot, world.job_id(posted))
        assert upscaled.kind.value == "upscale"
        assert upscaled.parent_job_id == source_id and upscaled.parent_image_index == 0

        # The source's message is left as it was.
        assert fake.get_message(message["id"])["attachments"] == message["attachments"]


async def test_delete_reaction_works_for_the_owner_only(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    async with world.bot() as bot:
        inter, message = await first_result(world, bot)
        job_id = world.job_id(message)
        bob = fake.add_member(fake.guild, "bob").user

        # Bob is a plain member: he is told so in the channel, and nothing is deleted or edited.
        mark = fake.mark()
        await fake.add_reaction(channel_id(world), message["id"], bob.id, "❌")
        refusal = await fake.wait_for_request(
            "POST",
            rf"/channels/{channel_id(world)}/messages$",
            predicate=lambda r: f"<@{bob.id}>" in str((r.json or {}).get("content", "")),
            after=mark,
        )
        assert "owner or a moderator" in refusal.json["content"]
        assert (await bot.services.generation.store.get(job_id)).deleted_at is None
        assert fake.deleted_messages == {}
        assert fake.requests_matching("PATCH", after=mark) == []
        assert fake.requests_matching("DELETE", after=mark) == []
        current = fake.get_message(message["id"])
        assert current["attachments"] == message["attachments"] and current["embeds"]

        # Alice owns the job: the images go, the message says so.
        mark = fake.mark()
        await fake.add_reaction(channel_id(world), message["id"], emoji="❌")
        await fake.wait_for_request(
            "PATCH",
            world.original_path(inter),
            predicate=lambda r: "deleted" in str((r.json or {}).get("content", "")),
            after=mark,
        )
        current = fake.get_message(message["id"])
        assert current["content"] == f"Job #{job_id} was deleted."
        assert current["attachments"] == [] and current["embeds"] == [] and current["components"] == []
        job = await bot.services.generation.store.get(job_id)
        assert job.deleted_at is not None


async def test_reactions_elsewhere_and_by_the_bot_itself_are_ignored(
    world: BotWorld, caplog: pytest.LogCaptureFixture
) -> None:
    fake = world.fake
    assert fake.user is not None
    cid = channel_id(world)
    async with world.bot() as bot:
        inter, result = await first_result(world, bot)
        source_id = world.job_id(result)
        user_message = await fake.send_user_message(cid, "nice picture")
        # A message of the bot's that is not a result (no job buttons).
        bot_message = await bot.get_partial_messageable(cid).send("just a message, not a result")

        logged = len(caplog.records)
        mark = fake.mark()
        await fake.add_reaction(cid, user_message["id"], emoji="🔁")
        await fake.add_reaction(cid, user_message["id"], emoji="❌")
        await fake.add_reaction(cid, bot_message.id, emoji="🔁")
        # The bot reacting on its own result, through its own REST call (Discord echoes the event).
        await bot.get_partial_messageable(cid).get_partial_message(int(result["id"])).add_reaction("🔁")
        await fake.add_reaction(cid, result["id"], emoji="👍")
        # Then one reaction that counts (Alice deletes her job): the ones before were handled first.
        await fake.add_reaction(cid, result["id"], emoji="❌")
        deletion = await fake.wait_for_request(
            "PATCH",
            world.original_path(inter),
            predicate=lambda r: "deleted" in str((r.json or {}).get("content", "")),
            after=mark,
        )

        # Only the deletion happened: no job, no message, no other edit.
        jobs = await bot.services.generation.store.history(fake.user.id)
        assert [job.id for job in jobs] == [source_id]
        assert fake.requests_matching("POST", rf"/channels/{cid}/messages$", after=mark) == []
        assert fake.requests_matching("PATCH", after=mark) == [deletion]
        assert fake.requests_matching("DELETE", after=mark) == []
        assert fake.deleted_messages == {}
        # The user's message is not even fetched (the event names its author); the bot's plain message
        # is read once (no job buttons: ignored); the result not at all (the store knows its job).
        fetched = [
            r.path.rsplit("/", 1)[1]
            for r in fake.requests_matching("GET", rf"/channels/{cid}/messages/\d+$", after=mark)
        ]
        assert fetched == [str(bot_message.id)]
        assert [r for r in caplog.records[logged:] if r.levelno >= logging.WARNING] == []


async def test_a_reaction_on_a_result_in_direct_messages_reruns_it(world: BotWorld) -> None:
    fake = world.fake
    assert fake.user is not None
    dm = fake.create_dm(fake.user)
    async with world.bot(dms_allowed=True) as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a lantern"}, channel=dm)
        final = await world.final_edit(inter)
        message = fake.get_message(final.response["id"])
        await fake.add_reaction(dm.id, message["id"], emoji="🔁")
        for _ in range(600):
            if len(await bot.services.generation.store.history(fake.user.id)) == 2:
                break
            await asyncio.sleep(0.05)
        rerun, first = await bot.services.generation.store.history(fake.user.id)
        assert rerun.parent_job_id == first.id and rerun.guild_id is None


async def test_a_member_reacting_again_and_again_past_their_cap_is_told_once(world: BotWorld) -> None:
    """Reacting and un-reacting is quick; each refusal is a public message that pings the member, and
    the channel's own rate limit would hold everyone else's results behind a stream of them."""
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        _inter, message = await first_result(world, bot)
        capped = await fake.send_interaction(
            "policy set", {"key": "user_queue_cap", "value": "1"}, user=fake.owner
        )
        await world.ephemeral_answer(capped)
        world.classifier.hold_after = world.classifier.calls  # the rerun's result waits
        mark = fake.mark()
        await fake.add_reaction(channel_id(world), message["id"], emoji="🔁")
        await channel_result_started(world, bot, fake.user.id)
        for _ in range(8):
            await fake.remove_reaction(channel_id(world), message["id"], emoji="🔁")
            await fake.add_reaction(channel_id(world), message["id"], emoji="🔁")
        told = await fake.wait_for_request(
            "POST",
            rf"/channels/{channel_id(world)}/messages$",
            predicate=lambda r: "already have" in str((r.json or {}).get("content", "")),
            after=mark,
        )
        assert told.json["content"].startswith(f"<@{fake.user.id}>")
        world.classifier.release.set()
        await channel_result(world, after=mark)
        jobs = await bot.services.generation.store.history(fake.user.id)
        notices = [
            r
            for r in fake.requests_matching("POST", rf"/channels/{channel_id(world)}/messages$", after=mark)
            if "already have" in str((r.json or {}).get("content", ""))
        ]
        assert len(notices) == 1
        assert len(jobs) == 2  # her first job and the one rerun her cap allows


async def channel_result_started(world: BotWorld, bot: ImagineBot, user_id: int) -> None:
    """Wait until the member has a second job (the rerun a reaction made)."""
    deadline = asyncio.get_running_loop().time() + 30
    while len(await bot.services.generation.store.history(user_id)) < 2:
        assert asyncio.get_running_loop().time() < deadline, "no rerun job"
        await asyncio.sleep(0.05)


async def test_a_rerun_reaction_on_a_job_still_running_makes_nothing(world: BotWorld) -> None:
    # A reaction on the message of a job still running reran it: its prompt was shown publicly
    # before its owner's result, and an upscale said there was no image 1.
    fake = world.fake
    world.classifier.hold_after = 0
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a quiet harbour"})
        await fake.wait_for_request("PATCH", world.original_path(inter))
        message = fake.original_response(inter)
        assert message is not None
        assert fake.user is not None
        [job] = await bot.services.generation.store.history(fake.user.id)
        mark = fake.mark()
        await fake.add_reaction(channel_id(world), message["id"], emoji="🔁")
        told = await fake.wait_for_request(
            "POST", rf"/channels/{channel_id(world)}/messages$", timeout=30, after=mark
        )
        assert "is not finished; react to its result" in told.json["content"]
        world.classifier.release.set()
        await world.posted(bot, job.id)
        assert [j.id for j in await bot.services.generation.store.history(fake.user.id)] == [job.id]


async def test_a_follow_up_of_a_prompt_banned_since_says_so_without_quoting_the_term_in_public(
    world: BotWorld,
) -> None:
    """A rerun's refusal said "Your prompt was blocked", of a prompt nobody typed; a reaction's, in the
    channel, quoted the moderators' banned term."""
    fake = world.fake
    assert fake.owner is not None
    async with world.bot() as bot:
        _, message = await first_result(world, bot)
        job_id = world.job_id(message)
        added = await fake.send_interaction("policy terms add", {"items": "fox"}, user=fake.owner)
        await world.ephemeral_answer(added)

        click = await fake.click_button(message["id"], f"imagine:rerun:{job_id}")
        privately = await world.ephemeral_answer(click)
        assert privately.startswith(f"The prompt of job #{job_id} is blocked here: ")
        assert "“fox”" in privately

        mark = fake.mark()
        await fake.add_reaction(channel_id(world), message["id"], emoji="🔁")
        told = await fake.wait_for_request(
            "POST", rf"/channels/{channel_id(world)}/messages$", timeout=30, after=mark
        )
        assert f"The prompt of job #{job_id} is blocked here" in told.json["content"]
        assert "fox" not in told.json["content"]
