"""When Discord will not take a result: slow or failing uploads, deleted messages, missing permissions.

The rule: the member gets their result (or is told where it is), nothing is lost, and one member's
trouble with Discord never holds up anyone else's job.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable

import pytest
from conftest import BotWorld
from fakediscord import InteractionRecord, Overwrite, Permissions, RecordedRequest
from PIL import Image
from sqlalchemy import update

from bot import delivery
from bot.client import ImagineBot
from generation.engine import BatchRequest, PreviewCallback, StepCallback, StopCheck
from generation.models import Job, JobStatus
from moderation.database import make_engine, utcnow

pytestmark = pytest.mark.timeout(120)


def has_result(request: object) -> bool:
    return bool((getattr(request, "json", None) or {}).get("embeds"))


async def a_job_held_before_its_result(world: BotWorld, bot: ImagineBot) -> tuple[InteractionRecord, Job]:
    """A member's job shown as queued, its result waiting for the test to release the classifier."""
    fake = world.fake
    assert fake.user is not None
    inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
    await fake.wait_for_request("PATCH", world.original_path(inter))
    return inter, await world.first_job(bot, fake.user.id)


def deny_attaching_files(world: BotWorld) -> None:
    """The bot's role may post in the channel but not attach files there."""
    fake = world.fake
    assert fake.channel is not None and fake.guild is not None
    fake.update_channel(
        fake.channel,
        overwrites=[Overwrite(id=fake.bot_role(fake.guild).id, type=0, deny=Permissions.ATTACH_FILES)],
    )


async def test_a_slow_upload_of_one_result_does_not_hold_the_next_job(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    bob = fake.add_member(fake.guild, "bob").user
    async with world.bot() as bot:
        await bot.services.licenses.accept(bob.id, bot.services.generation.license_for("demo"))
        alice = await fake.send_interaction("imagine", {"prompt": "a kite"})
        await alice.wait_for_ack()
        # Alice's result upload hangs (a slow connection, a Discord hiccup) until the test lets it go.
        release = fake.stall("PATCH", re.escape(alice.token), predicate=has_result)
        # Her job is stored and queued (the ack only says it was deferred) before Bob asks.
        await fake.wait_for_request("PATCH", world.original_path(alice))
        # Other steps: Bob's job cannot share Alice's batch, it needs the GPU after hers.
        bob_request = await fake.send_interaction("imagine", {"prompt": "a boat", "steps": 3}, user=bob)
        bob_final = await world.final_edit(bob_request)
        assert len(bob_final.files) == 1
        # Bob's result landed while Alice's upload was still hanging.
        assert not release.is_set()
        alice_upload = next(
            r for r in fake.requests_matching("PATCH", world.original_path(alice)) if has_result(r)
        )
        assert alice_upload.status is None
        release.set()
        final = await world.final_edit(alice)
        assert final.status == 200
        await world.posted(bot, world.job_id(final.json))


async def test_a_result_discord_refuses_once_is_posted_on_a_later_try(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "REDELIVERY_DELAYS_S", (0.2, 0.2))
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        refused = fake.fail_next("PATCH", r"/messages/@original$", status=400, count=0)
        inter = await fake.send_interaction("imagine", {"prompt": "a kite"})
        await inter.wait_for_ack()
        job = await world.first_job(bot, fake.user.id)
        refused.count = len(refused.hits) + 1  # the next edit, the result, is refused once
        final = await fake.wait_for_request(
            "PATCH", world.original_path(inter), predicate=lambda r: has_result(r) and r.status == 200
        )
        assert len(final.files) == 1
        assert len(refused.hits) == 1
        assert (await world.posted(bot, job.id)).status is JobStatus.DONE


async def test_a_deleted_message_gets_its_result_as_a_follow_up_without_channel_permissions(
    world: BotWorld,
) -> None:
    world.classifier.hold_after = 0  # the result waits for the test
    fake = world.fake
    assert fake.user is not None and fake.channel is not None and fake.guild is not None
    async with world.bot() as bot:
        inter, job = await a_job_held_before_its_result(world, bot)
        # A moderator deletes the bot's message, and the bot may not attach files in this channel.
        deny_attaching_files(world)
        original = fake.original_response(inter)
        assert original is not None
        fake._delete_message(fake._message(original["id"]))
        world.classifier.release.set()
        followup = await fake.wait_for_request(
            "POST", rf"/webhooks/\d+/{re.escape(inter.token)}$", predicate=has_result, timeout=60
        )
        assert followup.status == 200 and len(followup.files) == 1
        posted = await world.posted(bot, job.id)
        assert posted.message_id == int(followup.response["id"])


async def test_without_permission_to_attach_the_result_goes_to_the_channel_without_its_images(
    world: BotWorld,
) -> None:
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.user is not None and fake.channel is not None and fake.guild is not None
    async with world.bot() as bot:
        inter, job = await a_job_held_before_its_result(world, bot)
        deny_attaching_files(world)
        fake.expire_interaction(inter)  # past 15 minutes: only the channel is left
        world.classifier.release.set()
        sent = await fake.wait_for_request(
            "POST",
            rf"/channels/{fake.channel.id}/messages$",
            predicate=lambda r: r.status == 200,
            timeout=60,
        )
        assert sent.files == []
        assert f"`/job {job.id}`" in sent.json["content"]
        assert f"<@{fake.user.id}>" in sent.json["content"]
        await world.posted(bot, job.id)


async def test_progress_stops_once_the_message_is_deleted(world: BotWorld) -> None:
    world.previews = True
    world.classifier.hold_after = 1  # the first preview shows; the job goes on, its previews wait
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a night market", "steps": 30})
        await fake.wait_for_request(
            "PATCH",
            world.original_path(inter),
            predicate=lambda r: any(f.filename == delivery.PREVIEW_FILENAME for f in r.files),
            timeout=60,
        )
        job = await world.first_job(bot, fake.user.id)
        original = fake.original_response(inter)
        assert original is not None
        fake._delete_message(fake._message(original["id"]))
        world.classifier.release.set()
        await world.posted(bot, job.id, within_s=90)
        refused = [r for r in fake.requests_matching("PATCH", world.original_path(inter)) if r.status == 404]
        # One edit learns the message is gone; the rest of the job's steps and the result know it.
        assert len(refused) <= 2


async def test_progress_stops_once_discord_refuses_the_token(world: BotWorld) -> None:
    """The token stops working before the bot's own reckoning says (a process whose clock runs behind
    took the job over): every further edit would be refused again, and Discord counts each refusal
    toward the limit past which it bans the bot's address for an hour."""
    fake = world.fake
    assert fake.user is not None and fake.channel is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a night market", "steps": 30})
        await fake.wait_for_request(
            "PATCH",
            world.original_path(inter),
            predicate=lambda r: "step" in (r.json or {}).get("content", ""),
        )
        job = await world.first_job(bot, fake.user.id)
        fake.expire_interaction(inter)
        posted = await world.posted(bot, job.id, within_s=90)
        assert fake.get_message(posted.message_id or 0)["channel_id"] == str(fake.channel.id)
        refused = [r for r in fake.requests_matching("PATCH", world.original_path(inter)) if r.status == 401]
        # One progress edit learns the token is refused; the result tries it once more, then the channel.
        assert len(refused) <= 2, [(r.json or {}).get("content") for r in refused]


async def test_a_result_posted_while_the_database_drops_is_recorded_later_and_not_posted_again(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The posting task died on the database's error: the result stayed unposted in the store, to be
    posted a second time after the next start."""
    from sqlalchemy.exc import OperationalError

    monkeypatch.setattr(delivery, "MARK_POSTED_DELAYS_S", (0.2,))
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        store = bot.services.generation.store
        mark_posted = store.mark_posted
        refusals = []

        async def away_twice(job_id: int, message_id: int | None) -> bool:
            if len(refusals) < 2:
                refusals.append(job_id)
                raise OperationalError("UPDATE job", {}, ConnectionResetError("the database went away"))
            return await mark_posted(job_id, message_id)

        monkeypatch.setattr(store, "mark_posted", away_twice)
        inter = await fake.send_interaction("imagine", {"prompt": "a kite"})
        job = await world.first_job(bot, fake.user.id)
        assert (await world.posted(bot, job.id)).status is JobStatus.DONE
        assert refusals == [job.id, job.id]
        results = [r for r in fake.requests_matching("PATCH", world.original_path(inter)) if has_result(r)]
        assert len(results) == 1


def is_progress(request: object) -> bool:
    return "(step " in str((getattr(request, "json", None) or {}).get("content"))


async def test_a_progress_edit_discord_never_answers_does_not_hold_the_result(world: BotWorld) -> None:
    """A progress edit hangs (Discord took it and never answered): the images go out all the same, and
    when that edit lands after them, the result is shown again instead of the stale progress line."""
    fake = world.fake
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a slow river", "steps": 30})
        release = fake.stall("PATCH", world.original_path(inter), predicate=is_progress)
        assert fake.user is not None
        job = await world.first_job(bot, fake.user.id)
        final = await fake.wait_for_request(
            "PATCH",
            world.original_path(inter),
            predicate=lambda r: has_result(r) and r.status == 200,
            timeout=60,
        )
        hung = [r for r in fake.requests_matching("PATCH", world.original_path(inter)) if is_progress(r)]
        assert hung and all(r.status is None for r in hung)
        await world.posted(bot, job.id)
        mark = fake.mark()
        release.set()
        # The hung edit lands now, over the result; the result is put back.
        again = await world.final_edit(inter, after=mark)
        assert again.status == 200 and again.json == final.json
        message = fake.original_response(inter)
        assert message is not None and message["embeds"] and len(message["attachments"]) == 1
        assert "(step " not in message["content"]


async def posted_then_died(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch, *, delete_first: bool
) -> tuple[InteractionRecord, Job]:
    """A member's result goes out, and the bot stops (as if killed) before it records that: its next
    start finds the result unposted."""
    monkeypatch.setattr(delivery, "CLOSE_GRACE_S", 0.1)
    world.classifier.hold_after = 0
    fake = world.fake
    async with world.bot() as bot:
        inter, job = await a_job_held_before_its_result(world, bot)
        if delete_first:
            original = fake.original_response(inter)
            assert original is not None
            fake._delete_message(fake._message(original["id"]))

        async def never_recorded(job_id: int, message_id: int | None) -> bool:
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

        monkeypatch.setattr(bot.services.generation.store, "mark_posted", never_recorded)
        world.classifier.release.set()
        await fake.wait_for_request(
            "*", re.escape(inter.token), predicate=lambda r: has_result(r) and r.status == 200, timeout=60
        )
        assert (await bot.services.generation.store.get(job.id)).posted_at is None
    return inter, job


def results_shown(world: BotWorld, job: Job) -> list[str]:
    """The ids of the messages that show the job's result."""
    return [
        message["id"]
        for message in world.fake.messages.values()
        if f"Job #{job.id} ·" in str(message.get("embeds"))
    ]


async def test_a_result_posted_as_a_follow_up_before_a_crash_is_not_posted_again(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The interaction's message was deleted, so the result went out as a new message of the
    interaction (which takes no nonce); the next start finds that message instead of posting another."""
    _, job = await posted_then_died(world, monkeypatch, delete_first=True)
    world.classifier.hold_after = None
    async with world.bot() as bot:
        posted = await world.posted(bot, job.id)
    assert results_shown(world, job) == [str(posted.message_id)]


async def test_a_result_shown_on_its_message_before_a_crash_is_not_posted_again_once_the_token_ran_out(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next start comes after the interaction's 15 minutes: the channel is all that is left, and
    the result is already on the interaction's message."""
    inter, job = await posted_then_died(world, monkeypatch, delete_first=False)
    world.fake.expire_interaction(inter)
    world.classifier.hold_after = None
    async with world.bot() as bot:
        posted = await world.posted(bot, job.id)
    assert results_shown(world, job) == [str(posted.message_id)]


QUEUED_LINE = re.compile(r"Job #\d+ is (queued|starting)")


def content_of(request: RecordedRequest) -> str:
    return str((request.json or {}).get("content"))


def is_queued_line(request: RecordedRequest) -> bool:
    return QUEUED_LINE.match(content_of(request)) is not None


async def sent(
    world: BotWorld, inter: InteractionRecord, predicate: Callable[[RecordedRequest], bool]
) -> None:
    """Until an edit of the interaction's message matching `predicate` has reached Discord (answered
    or not: a stalled one never is)."""
    path = world.original_path(inter)
    # Polled: the fake tells of a request once it has answered it.
    while not [r for r in world.fake.requests_matching("PATCH", path) if predicate(r)]:  # noqa: ASYNC110
        await asyncio.sleep(0.02)


async def test_a_queued_line_discord_never_answers_holds_neither_the_other_lines_nor_its_result(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice's job holds the GPU; Bob's, Carol's and Dave's wait, in that order. Bob cancels: Carol's
    new line hangs (Discord took it and never answered), and Dave's moves on all the same. Carol's
    job runs and its result goes out; when her line lands after it, the result is shown again."""
    monkeypatch.setattr(delivery, "QUEUE_REFRESH_S", 0.1)
    # Longer than the test waits: a hung edit holds whatever waits for it all this time.
    monkeypatch.setattr(delivery, "PASSING_EDIT_TIMEOUT_S", 600.0)
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        bob, carol, dave = (fake.add_member(fake.guild, name).user for name in ("bob", "carol", "dave"))
        for member in (bob, carol, dave):
            await bot.services.licenses.accept(member.id, bot.services.generation.license_for("demo"))
        alice = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await fake.wait_for_request("PATCH", world.original_path(alice))
        await world.first_job(bot, fake.user.id)
        queued = []
        for member in (bob, carol, dave):
            inter = await fake.send_interaction("imagine", {"prompt": "a boat"}, user=member)
            await fake.wait_for_request("PATCH", world.original_path(inter))
            queued.append((inter, await world.first_job(bot, member.id)))
        (_, bobs_job), (carols, _), (daves, _) = queued
        release = fake.stall("PATCH", world.original_path(carols), predicate=is_queued_line)
        mark = fake.mark()
        await bot.services.generation.cancel(bobs_job.id, bob.id)
        moved = await fake.wait_for_request(
            "PATCH",
            world.original_path(daves),
            predicate=lambda r: "1 ahead of it" in content_of(r),
            after=mark,
        )
        assert moved.status == 200
        await sent(world, carols, lambda r: r.index >= mark and "next in line" in content_of(r))
        # Alice's result, then Carol's job: its result goes out while her line still hangs.
        world.classifier.release.set()
        final = await world.final_edit(carols)
        assert final.status == 200 and len(final.files) == 1
        hung = [r for r in fake.requests_matching("PATCH", world.original_path(carols)) if is_queued_line(r)]
        assert hung[-1].status is None
        after_result = fake.mark()
        release.set()
        again = await world.final_edit(carols, after=after_result)
        assert again.status == 200 and again.json == final.json
        await world.final_edit(daves)
    message = fake.original_response(carols)
    assert message is not None and message["embeds"] and len(message["attachments"]) == 1
    assert not QUEUED_LINE.match(message["content"])


def jobs_stay_at_their_first_step(bot: ImagineBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """This bot's jobs run their first step, then wait there until they are stopped (cancelled,
    deleted, the bot closing): a GPU busy for as long as the test needs."""
    backend = bot.services.generation.backend
    run = backend.run

    async def run_held(
        request: BatchRequest,
        *,
        on_step: StepCallback,
        should_stop: StopCheck,
        on_preview: PreviewCallback | None = None,
    ) -> list[Image.Image]:
        def step_then_wait(step: int, total: int) -> None:
            on_step(step, total)
            while not should_stop():  # in the worker thread, as a step takes its time there
                time.sleep(0.01)

        return await run(request, on_step=step_then_wait, should_stop=should_stop, on_preview=on_preview)

    monkeypatch.setattr(backend, "run", run_held)


async def test_a_job_withdrawn_while_its_progress_edit_hangs_does_not_hold_the_store_watch(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice's job runs and its progress edit hangs; Bob's waits behind it. Through another bot
    process, Alice's job is deleted and Bob's cancelled at once: this process takes Bob's job out of
    its queue all the same, and Alice's message ends with the deleted line once her edit lands."""
    monkeypatch.setattr(delivery, "PASSING_EDIT_TIMEOUT_S", 600.0)
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        jobs_stay_at_their_first_step(bot, monkeypatch)
        bob = fake.add_member(fake.guild, "bob").user
        await bot.services.licenses.accept(bob.id, bot.services.generation.license_for("demo"))
        alice = await fake.send_interaction("imagine", {"prompt": "a slow river"})
        release = fake.stall("PATCH", world.original_path(alice), predicate=is_progress)
        await sent(world, alice, is_progress)
        alices_job = await world.first_job(bot, fake.user.id)
        bobs = await fake.send_interaction("imagine", {"prompt": "a boat", "steps": 3}, user=bob)
        await fake.wait_for_request("PATCH", world.original_path(bobs))
        bobs_job = await world.first_job(bot, bob.id)
        now = utcnow()
        engine = make_engine(world.settings().database.url)
        async with engine.begin() as connection:
            await connection.execute(update(Job).where(Job.id == alices_job.id).values(deleted_at=now))
            await connection.execute(
                update(Job)
                .where(Job.id == bobs_job.id)
                .values(status=JobStatus.CANCELLED, error="cancelled", finished_at=now, posted_at=now)
            )
        await engine.dispose()
        # Alice's job is withdrawn first (the store watch looks every 50 ms), then Bob's.
        scheduler = bot.services.generation.scheduler
        async with asyncio.timeout(30):
            while bobs_job.id in scheduler.held_job_ids():  # noqa: ASYNC110 (the store watch takes it out)
                await asyncio.sleep(0.02)
        assert not [r for r in fake.requests_matching("PATCH", world.original_path(bobs)) if is_progress(r)]
        release.set()
        await fake.wait_for_request(
            "PATCH",
            world.original_path(alice),
            predicate=lambda r: content_of(r) == f"Job #{alices_job.id} was deleted.",
        )
        await scheduler.idle()
    assert fake.original_response(alice)["content"] == f"Job #{alices_job.id} was deleted."  # type: ignore[index]


async def test_a_resumed_jobs_queued_line_discord_never_answers_does_not_hold_the_start(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot stops while a job runs; at the next start, the edit showing it queued again hangs: the
    bot starts all the same, the job runs and its result goes out, shown again once that line lands."""
    monkeypatch.setattr(delivery, "PASSING_EDIT_TIMEOUT_S", 600.0)
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        jobs_stay_at_their_first_step(bot, monkeypatch)
        inter = await fake.send_interaction("imagine", {"prompt": "a lantern"})
        await sent(world, inter, is_progress)
        job = await world.first_job(bot, fake.user.id)
    release = fake.stall("PATCH", world.original_path(inter), predicate=is_queued_line)
    mark = fake.mark()
    async with world.bot() as bot:
        final = await world.final_edit(inter, after=mark)
        assert final.status == 200
        first = fake.requests_matching("PATCH", world.original_path(inter), after=mark)[0]
        assert is_queued_line(first) and first.status is None
        after_result = fake.mark()
        release.set()
        again = await world.final_edit(inter, after=after_result)
        assert again.json == final.json
        await world.posted(bot, job.id)
    message = fake.original_response(inter)
    assert message is not None and message["embeds"] and message["attachments"]
