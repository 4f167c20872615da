"""Getting results out: rate limits, the license gate, expired tokens, restarts, /job and friends."""

from __future__ import annotations

import asyncio
import re

import pytest
from conftest import BotWorld
from fakediscord import InteractionRecord, RecordedRequest, User
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from bot import wording
from bot.client import ImagineBot
from bot.delivery import result_nonce
from generation.models import Job, JobStatus
from moderation.database import make_engine, utcnow

pytestmark = pytest.mark.timeout(120)


async def test_a_429_on_the_result_edit_is_retried(world: BotWorld) -> None:
    fake = world.fake
    world.classifier.hold_after = 0
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a paper boat"})
        # The images are being classified; the progress edits made before have been answered.
        while world.classifier.calls == 0:  # noqa: ASYNC110 (the classifier runs in a thread)
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        assert all(r.status is not None for r in fake.requests_matching("PATCH", world.original_path(inter)))
        before = fake.mark()
        fake.rate_limit("PATCH", r"/messages/@original$", count=2, retry_after=0.3)
        world.classifier.release.set()
        final = await fake.wait_for_request(
            "PATCH",
            world.original_path(inter),
            predicate=lambda r: r.status == 200 and bool((r.json or {}).get("embeds")),
            after=before,
            timeout=60,
        )
        limited = [r for r in fake.requests_matching("PATCH", world.original_path(inter)) if r.status == 429]
        assert len(limited) == 2
        assert all(r.json == final.json for r in limited)
        message = fake.original_response(inter)
        assert message is not None and len(message["attachments"]) == 1
        await world.posted(bot, world.job_id(message))


async def test_a_progress_edit_discord_rate_limits_is_dropped_not_sent_again_late(world: BotWorld) -> None:
    """A progress line refused with 429 is stale by the time the limit lifts: sending it again would
    only hold the job's next edits (its result too) behind it on the same token."""
    fake = world.fake
    async with world.bot():
        inter = await fake.send_interaction("imagine", {"prompt": "a slow river", "steps": 30})
        await fake.wait_for_request(
            "PATCH",
            world.original_path(inter),
            predicate=lambda r: "step" in (r.json or {}).get("content", ""),
        )
        fake.rate_limit("PATCH", r"/messages/@original$", count=1, retry_after=2)
        refused = await fake.wait_for_request(
            "PATCH", world.original_path(inter), predicate=lambda r: r.status == 429
        )
        assert "step" in refused.json["content"]
        final = await world.final_edit(inter)
        assert final.status == 200 and len(final.files) == 1
        later = fake.requests_matching("PATCH", world.original_path(inter))[1:]
        resent = [r for r in later if r.index > refused.index and r.json == refused.json]
        assert resent == [], "the refused progress line was sent again"


async def test_terms_are_shown_until_accepted_then_the_request_goes_on(world: BotWorld) -> None:
    fake = world.fake
    assert fake.user is not None
    async with world.bot(accept_license=False) as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a sailing ship"})
        terms = await fake.wait_for_request("POST", rf"/webhooks/\d+/{inter.token}$")
        assert terms.json["flags"] & 64
        assert "Attachment" not in terms.json.get("content", "")
        embed = terms.json["embeds"][0]
        assert "CreativeML Open RAIL-M" in embed["title"]
        assert "exploit, harm or attempt" in embed["description"] or "minors" in embed["description"]
        assert await bot.services.generation.store.history(fake.user.id) == []
        assert not (world.folder / "images").exists() or not any((world.folder / "images").rglob("*.png"))

        [followup_id] = fake.get_interaction(inter).followup_message_ids
        accept = await fake.click_button(followup_id, "imagine:terms:accept:creativeml-openrail-m:1.0")
        await accept.wait_for_ack()
        assert "accepted" in str((accept.callback_data or {}).get("content"))
        # The waiting request was submitted with the first interaction: its message gets the images.
        final = await world.final_edit(inter)
        assert len(final.files) == 1
        assert await bot.services.licenses.has_accepted(
            fake.user.id, bot.services.generation.license_for("demo")
        )


async def test_every_request_made_before_the_terms_were_accepted_goes_on_after(world: BotWorld) -> None:
    fake = world.fake
    assert fake.user is not None
    async with world.bot(accept_license=False) as bot:
        first = await fake.send_interaction("imagine", {"prompt": "a sailing ship"})
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{first.token}$")
        second = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{second.token}$")
        # Accepting on the first terms message (the one the member sees first) sends both.
        [followup_id] = fake.get_interaction(first).followup_message_ids
        accept = await fake.click_button(followup_id, "imagine:terms:accept:creativeml-openrail-m:1.0")
        await accept.wait_for_ack()
        assert "Your 2 requests are on their way" in str((accept.callback_data or {}).get("content"))
        for inter in (first, second):
            final = await world.final_edit(inter)
            assert len(final.files) == 1
        prompts = sorted(
            job.generation_params.prompt for job in await bot.services.generation.store.history(fake.user.id)
        )
        assert prompts == ["a lighthouse", "a sailing ship"]


async def test_an_accept_the_database_did_not_take_is_answered_and_the_request_waits_for_another(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The click went unanswered ("This interaction failed") and the waiting request was lost.
    fake = world.fake
    assert fake.user is not None
    async with world.bot(accept_license=False) as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a sailing ship"})
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{inter.token}$")
        [followup_id] = fake.get_interaction(inter).followup_message_ids
        licenses = bot.services.licenses
        accept_for_real = licenses.accept

        async def database_down(*_args: object, **_kwargs: object) -> None:
            raise OperationalError("INSERT", {}, Exception("database is locked"))

        monkeypatch.setattr(licenses, "accept", database_down)
        click = await fake.click_button(followup_id, "imagine:terms:accept:creativeml-openrail-m:1.0")
        await click.wait_for_ack()
        assert wording.GENERIC_FAILURE in await world.ephemeral_answer(click)
        monkeypatch.setattr(licenses, "accept", accept_for_real)
        click = await fake.click_button(followup_id, "imagine:terms:accept:creativeml-openrail-m:1.0")
        await click.wait_for_ack()
        assert "Your request is on its way" in str((click.callback_data or {}).get("content"))
        assert len((await world.final_edit(inter)).files) == 1


async def test_a_request_left_waiting_for_the_terms_says_it_was_dropped(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its placeholder said "waiting for the terms" until Discord ended the interaction.
    from bot import jobflow

    fake = world.fake
    async with world.bot(accept_license=False):
        first = await fake.send_interaction("imagine", {"prompt": "a sailing ship"})
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{first.token}$")
        monkeypatch.setattr(jobflow, "PENDING_TTL_S", 0.0)
        second = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{second.token}$")
        dropped = await fake.wait_for_request(
            "PATCH",
            world.original_path(first),
            predicate=lambda r: "not answered in time" in (r.json or {}).get("content", ""),
        )
        assert "Try it again" in dropped.json["content"]


async def test_forget_me_drops_requests_waiting_for_the_terms(world: BotWorld) -> None:
    # They stayed in memory, upload and all, and accepting afterwards stored them.
    fake = world.fake
    assert fake.user is not None
    async with world.bot(accept_license=False) as bot:
        waiting = await fake.send_interaction("imagine", {"prompt": "a sailing ship"})
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{waiting.token}$")
        [followup_id] = fake.get_interaction(waiting).followup_message_ids
        forget = await fake.send_interaction("forget-me", {"confirm": "DELETE"})
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{forget.token}$")
        await fake.wait_for_request(
            "PATCH",
            world.original_path(waiting),
            predicate=lambda r: "asked for your data to be deleted" in (r.json or {}).get("content", ""),
        )
        accept = await fake.click_button(followup_id, "imagine:terms:accept:creativeml-openrail-m:1.0")
        await accept.wait_for_ack()
        assert "Your request is on its way" not in str((accept.callback_data or {}).get("content"))
        assert await bot.services.generation.store.history(fake.user.id) == []


async def test_a_request_waiting_for_the_terms_when_the_bot_stops_is_told_to_be_sent_again(
    world: BotWorld,
) -> None:
    # It is kept in memory only: after the restart it was gone, its placeholder still "waiting".
    fake = world.fake
    async with world.bot(accept_license=False):
        waiting = await fake.send_interaction("imagine", {"prompt": "a sailing ship"})
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{waiting.token}$")
    told = fake.requests_matching("PATCH", world.original_path(waiting))
    assert told and told[-1].json["content"] == wording.RESTARTING


async def test_declining_the_terms_drops_every_waiting_request(world: BotWorld) -> None:
    fake = world.fake
    assert fake.user is not None
    async with world.bot(accept_license=False) as bot:
        requests = []
        for prompt in ("a sailing ship", "a lighthouse"):
            inter = await fake.send_interaction("imagine", {"prompt": prompt})
            await fake.wait_for_request("POST", rf"/webhooks/\d+/{inter.token}$")
            requests.append(inter)
        [followup_id] = fake.get_interaction(requests[1]).followup_message_ids
        decline = await fake.click_button(followup_id, "imagine:terms:decline:creativeml-openrail-m:1.0")
        await decline.wait_for_ack()
        for inter in requests:
            await fake.wait_for_request("DELETE", world.original_path(inter))
        assert await bot.services.generation.store.history(fake.user.id) == []
        assert not await bot.services.licenses.has_accepted(
            fake.user.id, bot.services.generation.license_for("demo")
        )


async def test_requests_waiting_for_the_terms_are_capped_per_member_saying_so(world: BotWorld) -> None:
    from bot.jobflow import MAX_PENDING_PER_USER

    fake = world.fake
    async with world.bot(accept_license=False):
        requests = []
        for number in range(MAX_PENDING_PER_USER + 1):
            inter = await fake.send_interaction("imagine", {"prompt": f"a ship number {number}"})
            await fake.wait_for_request("POST", rf"/webhooks/\d+/{inter.token}$")
            requests.append(inter)
        dropped = await fake.wait_for_request(
            "PATCH",
            world.original_path(requests[0]),
            predicate=lambda r: "dropped" in (r.json or {}).get("content", ""),
        )
        assert "too many" in dropped.json["content"]
        for inter in requests[1:]:
            assert not [
                r
                for r in fake.requests_matching("PATCH", world.original_path(inter))
                if "dropped" in (r.json or {}).get("content", "")
            ]


async def test_images_waiting_for_the_terms_are_capped_in_all_saying_so(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every member's waiting requests together keep no more image bytes than the budget: past it, a
    request with an image is not kept, and its member is told to send it again after accepting."""
    from fakediscord import Upload

    from bot import jobflow

    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    picture = world.png_bytes(side=96)
    monkeypatch.setattr(jobflow, "MAX_PENDING_BYTES", len(picture) + len(picture) // 2)
    bob = fake.add_member(fake.guild, "bob").user
    async with world.bot(accept_license=False) as bot:
        first = await fake.send_interaction(
            "imagine", {"prompt": "a kite", "image": Upload("a.png", picture), "strength": 0.6}
        )
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{first.token}$")
        # Another member's image would pass the budget: it is not kept; the terms are shown all the same.
        second = await fake.send_interaction(
            "imagine", {"prompt": "a boat", "image": Upload("b.png", picture), "strength": 0.6}, user=bob
        )
        terms = await fake.wait_for_request("POST", rf"/webhooks/\d+/{second.token}$")
        assert "CreativeML Open RAIL-M" in terms.json["embeds"][0]["title"]
        answer = await fake.wait_for_request("PATCH", world.original_path(second))
        assert "send it again" in answer.json["content"]
        # A request without an image costs the budget nothing.
        third = await fake.send_interaction("imagine", {"prompt": "a lantern"}, user=bob)
        await fake.wait_for_request("POST", rf"/webhooks/\d+/{third.token}$")
        shown = await fake.wait_for_request("PATCH", world.original_path(third))
        assert "Waiting for" in shown.json["content"]
        [followup_id] = fake.get_interaction(second).followup_message_ids
        accept = await fake.click_button(
            followup_id, "imagine:terms:accept:creativeml-openrail-m:1.0", user=bob
        )
        await accept.wait_for_ack()
        assert "Your request is on its way" in str((accept.callback_data or {}).get("content"))
        assert len((await world.final_edit(third)).files) == 1
        [followup_id] = fake.get_interaction(first).followup_message_ids
        accept = await fake.click_button(followup_id, "imagine:terms:accept:creativeml-openrail-m:1.0")
        await accept.wait_for_ack()
        assert len((await world.final_edit(first)).files) == 1
        prompts = [
            job.generation_params.prompt for job in await bot.services.generation.store.history(bob.id)
        ]
        assert prompts == ["a lantern"]


async def test_after_the_token_expires_the_result_is_a_channel_message_mentioning_the_member(
    world: BotWorld,
) -> None:
    fake = world.fake
    assert fake.user is not None and fake.channel is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a night market"})
        await inter.wait_for_ack(3)
        fake.expire_interaction(inter)
        sent = await fake.wait_for_request("POST", rf"/channels/{fake.channel.id}/messages$", timeout=60)
        assert sent.status == 200
        assert sent.json["content"].startswith(f"<@{fake.user.id}>")
        assert sent.json["nonce"].startswith("imagine-job-")
        assert sent.json["enforce_nonce"] is True
        assert [int(user) for user in sent.json["allowed_mentions"]["users"]] == [fake.user.id]
        assert len(sent.files) == 1
        message = fake.get_message(sent.response["id"])
        job = await world.posted(bot, world.job_id(message))
        assert sent.json["nonce"] == result_nonce(job.id)
        assert job.message_id == int(message["id"])
        # Posted once: no second channel message for the job.
        assert len(fake.requests_matching("POST", rf"/channels/{fake.channel.id}/messages$")) == 1


async def test_a_result_that_failed_to_post_is_kept_and_posted_after_a_restart(world: BotWorld) -> None:
    fake = world.fake
    assert fake.user is not None and fake.channel is not None
    async with world.bot() as bot:
        fake.fail_next("PATCH", r"/messages/@original$", status=400, count=20, message="nope")
        inter = await fake.send_interaction("imagine", {"prompt": "a lantern"})
        await inter.wait_for_ack(3)
        job = await world.first_job(bot, fake.user.id)
        finished = await bot.services.generation.wait(job.id)
        assert finished.status.value == "done"
        refused = await world.final_edit(inter)
        assert refused.status == 400
        # /job shows it even though its message never got the images.
        fake.clear_injections()
        shown = await fake.send_interaction("job", {"job": job.id})
        request = await fake.wait_for_request("POST", rf"/webhooks/\d+/{shown.token}$")
        assert (shown.callback_data or {})["flags"] & 64  # deferred privately: the reply is private too
        assert len(request.files) == 1
        assert (await bot.services.generation.store.get(job.id)).posted_at is None

    mark = fake.mark()
    async with world.bot() as bot:
        delivered = await world.final_edit(inter, after=mark)
        assert delivered.status == 200 and len(delivered.files) == 1
        posted = await world.posted(bot, job.id)
        assert posted.message_id is not None


async def a_long_job_shown_running(world: BotWorld, bot: ImagineBot) -> tuple[InteractionRecord, Job]:
    """A member's 50-step job, once its message shows a step of its progress."""
    fake = world.fake
    assert fake.user is not None
    inter = await fake.send_interaction("imagine", {"prompt": "a lantern", "steps": 50})
    await fake.wait_for_request(
        "PATCH",
        world.original_path(inter),
        predicate=lambda r: "step" in str((r.json or {}).get("content")),
    )
    return inter, await world.first_job(bot, fake.user.id)


async def test_a_job_finished_after_a_restart_and_its_token_clears_its_first_message(world: BotWorld) -> None:
    """The result goes to the channel; the interaction's message loses its progress and Cancel button."""
    fake = world.fake
    assert fake.user is not None and fake.channel is not None
    async with world.bot() as bot:
        inter, job = await a_long_job_shown_running(world, bot)
    # Stopped mid-run; the next start finishes it after the interaction's 15 minutes ran out.
    first = fake.original_response(inter)
    assert first is not None and first["components"]  # "step …" with its Cancel button
    fake.expire_interaction(inter)
    mark = fake.mark()
    async with world.bot() as bot:
        sent = await fake.wait_for_request(
            "POST", rf"/channels/{fake.channel.id}/messages$", after=mark, timeout=60
        )
        await fake.wait_for_request(
            "PATCH", rf"/channels/{fake.channel.id}/messages/{first['id']}$", after=mark
        )
        posted = await world.posted(bot, job.id)
        assert posted.message_id == int(sent.response["id"])
    cleared = fake.get_message(first["id"])
    assert cleared["components"] == [] and cleared["attachments"] == []
    assert f"Job #{job.id} is done" in cleared["content"]


async def test_a_job_cancelled_through_another_process_ends_cancelled_on_its_message(world: BotWorld) -> None:
    """During a rolling restart the member's Cancel reaches the other process, which finishes the job
    and shows it cancelled; a progress edit of this one may land after that, so it shows it again."""
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        inter, job = await a_long_job_shown_running(world, bot)
        # What the other process did: finished the job, showed it cancelled, marked it posted. One
        # write here: between two, this process's look at the store (every 50 ms) could find the job
        # finished elsewhere but not yet posted, and rightly leave the message to that process, whose
        # edit this test does not make.
        now = utcnow()
        engine = make_engine(world.settings().database.url)
        async with engine.begin() as connection:
            await connection.execute(
                update(Job)
                .where(Job.id == job.id)
                .values(status=JobStatus.CANCELLED, error="cancelled", finished_at=now, posted_at=now)
            )
        await engine.dispose()
        await fake.wait_for_request(
            "PATCH",
            world.original_path(inter),
            predicate=lambda r: "was cancelled" in str((r.json or {}).get("content")),
        )
        await bot.services.generation.scheduler.idle()
    message = fake.original_response(inter)
    assert message is not None
    assert message["content"].startswith(f"Job #{job.id} was cancelled.") and message["components"] == []


async def test_queue_history_and_direct_messages(world: BotWorld) -> None:
    fake = world.fake
    assert fake.user is not None
    async with world.bot():
        inter = await fake.send_interaction("imagine", {"prompt": "a tea pot"})
        await world.final_edit(inter)
        history = await fake.send_interaction("history")
        await history.wait_for_ack()
        reply = await fake.wait_for_request("POST", rf"/webhooks/\d+/{history.token}$")
        assert "a tea pot" in reply.json["content"]
        assert (history.callback_data or {})["flags"] & 64
        queue = await fake.send_interaction("queue")
        await queue.wait_for_ack()
        reply = await fake.wait_for_request("POST", rf"/webhooks/\d+/{queue.token}$")
        assert "0 jobs waiting" in reply.json["content"]
        dm = fake.create_dm(fake.user)
        inter = await fake.send_interaction("imagine", {"prompt": "a tea pot"}, channel=dm)
        assert "direct messages" in await world.ephemeral_answer(inter)


@pytest.mark.parametrize("flagged", [False, True])
async def test_progress_previews_are_shown_only_when_safe_and_the_result_replaces_them(
    world: BotWorld, flagged: bool
) -> None:
    from bot.delivery import PREVIEW_FILENAME

    world.previews = True
    world.classifier.flag_all = flagged
    fake = world.fake
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a paper boat", "steps": 40})
        final = await world.final_edit(inter)
        edits = fake.requests_matching("PATCH", world.original_path(inter))
        previews = [r for r in edits if any(f.filename == PREVIEW_FILENAME for f in r.files)]
        if flagged:
            assert previews == []
            assert final.files == []  # the flagged result is withheld too
            metrics = bot.services.generation.metrics.registry
            assert (metrics.get_sample_value("imagine_previews_withheld_total") or 0) >= 1
        else:
            assert previews, "a safe running job shows a preview"
            assert all(r.index < final.index for r in previews)
            assert "(step " in previews[0].json["content"]
            assert [f.filename for f in final.files] != [PREVIEW_FILENAME]
        message = fake.original_response(inter)
        assert message is not None
        assert PREVIEW_FILENAME not in [a["filename"] for a in message["attachments"]]


async def first_preview(world: BotWorld, inter: InteractionRecord) -> None:
    from bot.delivery import PREVIEW_FILENAME

    await world.fake.wait_for_request(
        "PATCH",
        world.original_path(inter),
        predicate=lambda r: any(f.filename == PREVIEW_FILENAME for f in r.files),
        timeout=60,
    )


async def test_a_result_sent_to_the_channel_takes_the_preview_off_the_first_message(world: BotWorld) -> None:
    world.previews = True
    world.classifier.hold_after = 1  # the first preview shows; the result waits for the test
    fake = world.fake
    assert fake.channel is not None
    async with world.bot():
        inter = await fake.send_interaction("imagine", {"prompt": "a night market", "steps": 30})
        await first_preview(world, inter)
        fake.expire_interaction(inter)
        world.classifier.release.set()
        sent = await fake.wait_for_request("POST", rf"/channels/{fake.channel.id}/messages$", timeout=60)
        original = fake.original_response(inter)
        assert original is not None
        cleared = await fake.wait_for_request(
            "PATCH", rf"/channels/{fake.channel.id}/messages/{original['id']}$", timeout=30
        )
        assert cleared.json["attachments"] == []
        assert sent.response["id"] in cleared.json["content"]  # it links to the result
        assert fake.original_response(inter)["attachments"] == []  # type: ignore[index]


async def a_running_job_with_a_preview(world: BotWorld, bot: ImagineBot) -> tuple[InteractionRecord, Job]:
    """A job of the member's that runs, with a first preview shown (the world has previews on and its
    classifier holding after one call)."""
    fake = world.fake
    assert fake.user is not None
    inter = await fake.send_interaction("imagine", {"prompt": "a lantern", "steps": 30})
    await first_preview(world, inter)
    return inter, await world.first_job(bot, fake.user.id)


async def deleted_line_edit(world: BotWorld, inter: InteractionRecord, job: Job) -> RecordedRequest:
    """The edit that replaced the job's message with the line saying it was deleted."""
    return await world.fake.wait_for_request(
        "PATCH",
        world.original_path(inter),
        predicate=lambda r: (r.json or {}).get("content") == f"Job #{job.id} was deleted.",
        timeout=30,
    )


def assert_no_edit_after(world: BotWorld, inter: InteractionRecord, cleared: RecordedRequest) -> None:
    """No progress, preview or result landed on the message after it was cleared."""
    later = [
        r
        for r in world.fake.requests_matching("PATCH", world.original_path(inter))
        if r.index > cleared.index
    ]
    assert later == []


async def test_forget_me_on_a_running_job_stops_it_and_clears_its_message(world: BotWorld) -> None:
    world.previews = True
    world.classifier.hold_after = 1  # the first preview shows; the rest waits for the test
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        inter, job = await a_running_job_with_a_preview(world, bot)
        forget = await fake.send_interaction("forget-me", {"confirm": "DELETE"})
        answer = await fake.wait_for_request("POST", rf"/webhooks/\d+/{re.escape(forget.token)}$")
        assert "Deleted 1 jobs" in answer.json["content"]
        world.classifier.release.set()
        cleared = await deleted_line_edit(world, inter, job)
        await bot.services.generation.scheduler.idle()
        assert_no_edit_after(world, inter, cleared)
        message = fake.original_response(inter)
        assert message is not None and message["attachments"] == []
        assert await bot.services.generation.store.history(fake.user.id) == []
        assert not (world.folder / "images").exists() or not any((world.folder / "images").rglob("*.png"))


async def test_a_running_job_erased_through_another_process_stops_and_shows_it_was_deleted(
    world: BotWorld,
) -> None:
    world.previews = True
    world.classifier.hold_after = 1  # the first preview shows; the rest waits for the test
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        inter, job = await a_running_job_with_a_preview(world, bot)
        # What another bot process does on the member's /forget-me: the rows go, nothing is said here.
        await bot.services.generation.store.delete_user_jobs(fake.user.id)
        cleared = await deleted_line_edit(world, inter, job)
        world.classifier.release.set()
        await bot.services.generation.scheduler.idle()
        assert_no_edit_after(world, inter, cleared)
        assert fake.original_response(inter)["attachments"] == []  # type: ignore[index]


async def _behind_alices_job(world: BotWorld, bot: ImagineBot) -> tuple[User, User]:
    """Alice's job holds the GPU slot until the classifier is released; Bob and Carol, who have
    accepted the license, are returned to queue behind it."""
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    bob = fake.add_member(fake.guild, "bob").user
    carol = fake.add_member(fake.guild, "carol").user
    for member in (bob, carol):
        await bot.services.licenses.accept(member.id, bot.services.generation.license_for("demo"))
    alice = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
    await fake.wait_for_request("PATCH", world.original_path(alice))
    await world.first_job(bot, fake.user.id)
    return bob, carol


async def test_a_queued_line_follows_the_queue_as_it_moves(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice's job holds the GPU; Bob's and Carol's wait. Bob clicks Cancel (twice, as people do): Carol's
    message says she is next."""
    from bot import delivery

    monkeypatch.setattr(delivery, "QUEUE_REFRESH_S", 0.1)
    fake = world.fake
    async with world.bot() as bot:
        bob, carol = await _behind_alices_job(world, bot)
        queued = []
        for member in (bob, carol):
            inter = await fake.send_interaction("imagine", {"prompt": "a boat"}, user=member)
            await fake.wait_for_request("PATCH", world.original_path(inter))
            queued.append((inter, await world.first_job(bot, member.id)))
        (_, bobs), (carols_interaction, _) = queued
        assert "1 ahead of it" in fake.original_response(carols_interaction)["content"]  # type: ignore[index]
        mark = fake.mark()
        bobs_message = fake.original_response(queued[0][0])
        assert bobs_message is not None
        click = await fake.click_button(bobs_message["id"], f"imagine:cancel:{bobs.id}", user=bob)
        assert (
            await world.ephemeral_answer(click)
            == f"Cancelling job #{bobs.id}. A job that is already running stops at its next step."
        )
        again = await fake.click_button(bobs_message["id"], f"imagine:cancel:{bobs.id}", user=bob)
        assert await world.ephemeral_answer(again) == f"Job #{bobs.id} is cancelled already."
        assert (await bot.services.generation.store.get(bobs.id)).status is JobStatus.CANCELLED
        moved = await fake.wait_for_request(
            "PATCH",
            world.original_path(carols_interaction),
            predicate=lambda r: "next in line" in str((r.json or {}).get("content")),
            after=mark,
        )
        assert moved.status == 200
        world.classifier.release.set()
        await world.final_edit(carols_interaction)


async def test_a_second_cancel_of_a_job_still_stopping_says_it_is_cancelled_already(world: BotWorld) -> None:
    """A running job stops at its next step, its images being classified are not saved: until then a
    second /cancel said "Cancelling" again."""
    fake = world.fake
    async with world.bot() as bot:
        await _behind_alices_job(world, bot)
        assert fake.user is not None
        job = await world.first_job(bot, fake.user.id)
        first = await fake.send_interaction("cancel", {"job": job.id})
        assert (await world.private_answer(first)).json["content"].startswith(f"Cancelling job #{job.id}.")
        again = await fake.send_interaction("cancel", {})
        assert (await world.private_answer(again)).json["content"] in (
            f"Job #{job.id} is cancelled already.",
            "You have no queued or running jobs here.",  # it had stopped by then
        )
        world.classifier.release.set()
        assert (await bot.services.generation.wait(job.id)).status is JobStatus.CANCELLED
        third = await fake.send_interaction("cancel", {"job": job.id})
        assert (await world.private_answer(third)).json["content"] == f"Job #{job.id} is cancelled already."


async def test_a_queued_line_refused_under_the_global_rate_limit_is_shown_once_the_wait_is_over(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alice's job holds the GPU; Bob's waits behind it. Discord's global limit refuses the edit that
    would move his line: it is not sent again late, but shown by a later refresh."""
    from bot import delivery

    monkeypatch.setattr(delivery, "QUEUE_REFRESH_S", 0.1)
    fake = world.fake
    async with world.bot() as bot:
        bob, carol = await _behind_alices_job(world, bot)
        carols = await fake.send_interaction("imagine", {"prompt": "a boat"}, user=carol)
        await fake.wait_for_request("PATCH", world.original_path(carols))
        carols_job = await world.first_job(bot, carol.id)
        bobs = await fake.send_interaction("imagine", {"prompt": "a kite"}, user=bob)
        await fake.wait_for_request("PATCH", world.original_path(bobs))
        assert "1 ahead of it" in fake.original_response(bobs)["content"]  # type: ignore[index]
        mark = fake.mark()
        # Discord's global limit, met by the edit of Bob's line (Carol's message is edited as well).
        fake.rate_limit("PATCH", world.original_path(bobs), count=1, retry_after=0.5, is_global=True)
        await bot.services.generation.cancel(carols_job.id, carol.id)
        refused = await fake.wait_for_request(
            "PATCH", world.original_path(bobs), predicate=lambda r: r.status == 429, after=mark
        )
        moved = await fake.wait_for_request(
            "PATCH",
            world.original_path(bobs),
            predicate=lambda r: r.status == 200 and "next in line" in str((r.json or {}).get("content")),
            after=refused.index + 1,
        )
        assert moved.index > refused.index
        world.classifier.release.set()
        await world.final_edit(bobs)
