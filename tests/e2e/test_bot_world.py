"""The Discord world changing under a job that waits or runs: threads archived or locked, a server's
outage, a token that runs out behind a long queue, Discord refusing the result for a while.

The rule: the bot goes on serving everyone else, the member's job is never lost without a word (its
result is posted once, or they are told where it is), and nothing of it surfaces as a traceback.
"""

from __future__ import annotations

import pytest
from conftest import BotWorld
from fakediscord import Channel, InteractionRecord, RecordedRequest

from bot.client import ImagineBot
from generation.models import Job, JobStatus

pytestmark = pytest.mark.timeout(120)


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


async def direct_message(world: BotWorld, after: int) -> RecordedRequest:
    fake = world.fake
    return await fake.wait_for_request(
        "POST",
        r"/channels/\d+/messages$",
        lambda r: r.status == 200 and fake.channels[int(r.path.split("/")[-2])].is_dm,
        timeout=30,
        after=after,
    )


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
        told = await direct_message(world, mark)
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
