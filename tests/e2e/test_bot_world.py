"""The Discord world changing under a job that waits or runs: threads archived or locked, a server's
outage, a token that runs out behind a long queue, Discord refusing the result for a while.

The rule: the bot goes on serving everyone else, the member's job is never lost without a word (its
result is posted once, or they are told where it is), and nothing of it surfaces as a traceback.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import BotWorld
from fakediscord import Channel, InteractionRecord

from bot import delivery
from bot.client import ImagineBot
from generation.models import Job, JobStatus

pytestmark = pytest.mark.timeout(120)

JSON = dict[str, Any]


async def held_job(
    world: BotWorld, bot: ImagineBot, prompt: str, channel: Channel | None = None
) -> tuple[InteractionRecord, Job]:
    """A job of the test's member, shown as queued; with `world.classifier.hold_after = 0`, its result
    waits for `world.classifier.release`."""
    fake = world.fake
    assert fake.user is not None
    inter = await fake.send_interaction("imagine", {"prompt": prompt}, channel=channel)
    await fake.wait_for_request("PATCH", world.original_path(inter))
    return inter, await world.first_job(bot, fake.user.id)


async def test_a_result_for_a_thread_archived_meanwhile_is_posted_there_unarchiving_it(
    world: BotWorld,
) -> None:
    """A thread left quiet past its auto-archive time while the job waited: its messages can no longer
    be edited, but a new message unarchives it (Discord's threads topic), so the result is posted."""
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.channel is not None
    thread = fake.add_thread(fake.channel, "night shift")
    async with world.bot() as bot:
        inter, job = await held_job(world, bot, "a lighthouse", thread)
        fake.update_channel(thread, archived=True)
        world.classifier.release.set()
        posted = await world.posted(bot, job.id)
        assert posted.status is JobStatus.DONE and posted.undeliverable_at is None
        assert posted.message_id is not None
        message = fake.get_message(posted.message_id)
        assert message["channel_id"] == str(thread.id) and len(message["attachments"]) == 1
        assert not thread.archived
        # The queued line no longer offers to cancel a job that is done.
        first = fake.original_response(inter)
        assert first is not None
        await fake.wait_for_request(
            "PATCH", rf"/channels/{thread.id}/messages/{first['id']}$", lambda r: r.status == 200
        )
        assert fake.get_message(first["id"])["components"] == []


async def test_a_result_for_a_thread_a_moderator_locked_is_given_up_once_and_its_member_told(
    world: BotWorld,
) -> None:
    """A locked, archived thread takes no new message from a bot without Manage Threads: the result is
    not tried again and again, and its member hears by direct message that `/job` has it."""
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.channel is not None
    thread = fake.add_thread(fake.channel, "closed topic")
    async with world.bot() as bot:
        inter, job = await held_job(world, bot, "a lighthouse", thread)
        fake.update_channel(thread, archived=True, locked=True)
        mark = fake.mark()
        world.classifier.release.set()
        told = await world.direct_message(mark)
        assert f"/job {job.id}" in told.json["content"]
        job = await bot.services.generation.store.get(job.id)
        assert job.status is JobStatus.DONE and job.posted_at is None and job.undeliverable_at is not None
        assert thread.archived
        refused = [
            (r.method, "done" in str((r.json or {}).get("content")))
            for r in fake.requests[mark:]
            if r.status == 400 and (inter.token in r.path or f"/channels/{thread.id}/" in r.path)
        ]
        # At most one progress edit learns the thread is archived; the result's edit, its follow-up and
        # the channel message are tried once each.
        progress, result = refused[:-3], refused[-3:]
        assert len(progress) <= 1 and all(method == "PATCH" for method, _ in progress)
        assert result == [("PATCH", True), ("POST", True), ("POST", True)]


async def test_jobs_of_a_server_in_an_outage_are_kept_and_posted_once_it_returns(world: BotWorld) -> None:
    """GUILD_DELETE with `unavailable` is Discord's outage, not the bot's removal: the server's running
    and queued jobs are kept (a removal cancels the queued ones), and their results are posted."""
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    bob = fake.add_member(fake.guild, "bob").user
    async with world.bot() as bot:
        await bot.services.licenses.accept(bob.id, bot.services.generation.license_for("demo"))
        alice, alices = await held_job(world, bot, "a lighthouse")
        # Other steps: Bob's job cannot share Alice's batch; it waits in the queue.
        bobs = await fake.send_interaction("imagine", {"prompt": "a boat", "steps": 3}, user=bob)
        await fake.wait_for_request("PATCH", world.original_path(bobs))
        unavailable = asyncio.ensure_future(bot.wait_for("guild_unavailable", timeout=10))
        fake.make_guild_unavailable(fake.guild)
        await unavailable
        available = asyncio.ensure_future(bot.wait_for("guild_available", timeout=10))
        fake.restore_guild(fake.guild)
        await available
        world.classifier.release.set()
        for inter in (alice, bobs):
            final = await world.final_edit(inter)
            assert final.status == 200 and len(final.files) == 1
        bobs_job = await world.first_job(bot, bob.id)
        for job in (alices, bobs_job):
            assert (await world.posted(bot, job.id)).status is JobStatus.DONE


async def test_a_result_whose_token_ran_out_in_the_queue_goes_to_the_channel_and_its_buttons_work(
    world: BotWorld,
) -> None:
    """Bob's job waited behind Alice's past his 15-minute token: his result is a channel message that
    mentions him, posted once, and its Rerun and Delete buttons work like those of any result."""
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.guild is not None and fake.channel is not None
    bob = fake.add_member(fake.guild, "bob").user
    async with world.bot() as bot:
        await bot.services.licenses.accept(bob.id, bot.services.generation.license_for("demo"))
        await held_job(world, bot, "a lighthouse")
        bobs = await fake.send_interaction("imagine", {"prompt": "a boat", "steps": 3}, user=bob)
        await fake.wait_for_request("PATCH", world.original_path(bobs))
        fake.expire_interaction(bobs)
        world.classifier.hold_after = None
        world.classifier.release.set()
        sent = await fake.wait_for_request(
            "POST",
            rf"/channels/{fake.channel.id}/messages$",
            lambda r: r.status == 200 and f"<@{bob.id}>" in str((r.json or {}).get("content")),
            timeout=60,
        )
        message = fake.get_message(sent.response["id"])
        job = await world.posted(bot, world.job_id(message))
        assert job.message_id == int(message["id"]) and len(message["attachments"]) == 1
        click = await fake.click_button(message["id"], f"imagine:rerun:{job.id}", user=bob)
        final = await world.final_edit(click)
        assert final.status == 200 and len(final.files) == 1
        delete = await fake.click_button(message["id"], f"imagine:delete:{job.id}", user=bob)
        assert "deleted" in await world.ephemeral_answer(delete)
        current = fake.get_message(message["id"])
        assert current["attachments"] == [] and current["components"] == []
        assert (await bot.services.generation.store.get(job.id)).deleted_at is not None
        results = [
            r
            for r in fake.requests_matching("POST", rf"/channels/{fake.channel.id}/messages$")
            if f"<@{bob.id}>" in str((r.json or {}).get("content"))
        ]
        assert len(results) == 1


async def a_result_for_the_channel(world: BotWorld, bot: ImagineBot) -> Job:
    """A member's job whose token ran out while it waited: its result goes to the channel once the test
    releases the classifier."""
    world.classifier.hold_after = 0
    inter, job = await held_job(world, bot, "a lighthouse")
    world.fake.expire_interaction(inter)
    return job


def results_in_channel(world: BotWorld, job: Job) -> list[JSON]:
    fake = world.fake
    assert fake.channel is not None
    return [
        message
        for message in fake.channel_messages(fake.channel)
        if message["embeds"] and world.job_id(message) == job.id
    ]


async def test_a_channel_post_discord_made_but_whose_answer_was_lost_then_rate_limited_is_posted_once(
    world: BotWorld,
) -> None:
    """Discord made the message, a proxy lost its answer (502), and the retry met a 429 with a wait of
    seconds: the retry carries the same nonce, which Discord enforces, so one message shows."""
    fake = world.fake
    assert fake.channel is not None
    async with world.bot() as bot:
        job = await a_result_for_the_channel(world, bot)
        path = rf"/channels/{fake.channel.id}/messages$"
        fake.lose_answer_next("POST", path)
        fake.rate_limit("POST", path, retry_after=2)
        world.classifier.release.set()
        posted = await world.posted(bot, job.id, within_s=60)
        [message] = results_in_channel(world, job)
        assert posted.message_id == int(message["id"]) and len(message["attachments"]) == 1
        assert [r.status for r in fake.requests_matching("POST", path)] == [502, 429, 200]


async def test_a_channel_post_discord_answers_503_is_posted_by_a_later_try_once(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "REDELIVERY_DELAYS_S", (0.2, 0.2))
    fake = world.fake
    assert fake.channel is not None
    async with world.bot() as bot:
        job = await a_result_for_the_channel(world, bot)
        path = rf"/channels/{fake.channel.id}/messages$"
        fake.fail_next("POST", path, status=503)
        world.classifier.release.set()
        posted = await world.posted(bot, job.id, within_s=60)
        [message] = results_in_channel(world, job)
        assert posted.message_id == int(message["id"]) and posted.undeliverable_at is None
        assert [r.status for r in fake.requests_matching("POST", path)] == [503, 200]
