"""Discord's platform: threads and forum posts, voice channels' chat, age restriction switched off,
channels and servers that go away, permissions the bot lacks, and lost gateway sessions."""

from __future__ import annotations

import asyncio
import re

import pytest
from conftest import BotWorld
from fakediscord import Channel, ChannelType, InteractionRecord, Overwrite, Permissions, RecordedRequest

from bot import delivery
from bot.client import ImagineBot
from generation.models import Job, JobStatus

pytestmark = pytest.mark.timeout(120)


async def set_age_restricted_policy(world: BotWorld) -> None:
    fake = world.fake
    setting = await fake.send_interaction(
        "policy set", {"key": "nsfw_mode", "value": "age_restricted"}, user=fake.owner
    )
    await world.ephemeral_answer(setting)


async def held_job(
    world: BotWorld, bot: ImagineBot, prompt: str, channel: Channel | None = None
) -> tuple[InteractionRecord, Job]:
    """A job of the test's member, queued and shown as such; with `world.classifier.hold_after = 0`,
    its result waits for `world.classifier.release`."""
    fake = world.fake
    assert fake.user is not None
    inter = await fake.send_interaction("imagine", {"prompt": prompt}, channel=channel)
    await fake.wait_for_request("PATCH", world.original_path(inter))
    return inter, await world.first_job(bot, fake.user.id)


async def test_flagged_images_in_a_thread_of_an_age_restricted_channel_are_spoilered(world: BotWorld) -> None:
    fake = world.fake
    assert fake.nsfw_channel is not None
    world.classifier.flag_all = True
    thread = fake.add_thread(fake.nsfw_channel, "late night art")
    async with world.bot():
        await set_age_restricted_policy(world)
        inter = await fake.send_interaction("imagine", {"prompt": "a quiet harbour"}, channel=thread)
        final = await world.final_edit(inter)
        assert [f.filename[:8] for f in final.files] == ["SPOILER_"]


async def test_flagged_images_in_a_forum_post_of_an_age_restricted_forum_are_spoilered(
    world: BotWorld,
) -> None:
    fake = world.fake
    assert fake.guild is not None
    world.classifier.flag_all = True
    forum = fake.add_channel(fake.guild, "nsfw-forum", type=ChannelType.GUILD_FORUM, nsfw=True)
    post = fake.add_thread(forum, "my post")
    async with world.bot():
        await set_age_restricted_policy(world)
        inter = await fake.send_interaction("imagine", {"prompt": "a quiet harbour"}, channel=post)
        final = await world.final_edit(inter)
        assert [f.filename[:8] for f in final.files] == ["SPOILER_"]


async def test_a_channel_no_longer_age_restricted_gets_no_spoilered_flagged_images(world: BotWorld) -> None:
    """A moderator turns the channel's age restriction off while a job waits in the queue. The images
    are judged after that: flagged ones must be withheld (this server shows them only in age-restricted
    channels), not posted behind a spoiler into a channel that is no longer age-restricted."""
    world.classifier.flag_all = True
    world.classifier.hold_after = 0  # the result waits for the test
    fake = world.fake
    assert fake.nsfw_channel is not None and fake.user is not None
    async with world.bot() as bot:
        await set_age_restricted_policy(world)
        inter, _job = await held_job(world, bot, "a quiet harbour", fake.nsfw_channel)
        fake.update_channel(fake.nsfw_channel, nsfw=False)
        await fake.flush()
        await asyncio.sleep(0.3)
        channel = bot.get_channel(fake.nsfw_channel.id)
        assert channel is not None and not channel.is_nsfw()  # the bot knows
        world.classifier.release.set()
        final = await world.final_edit(inter)
        assert final.files == [], [f.filename for f in final.files]


async def test_jobs_survive_an_invalidated_session_and_a_resume(world: BotWorld) -> None:
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await fake.wait_for_request("PATCH", world.original_path(inter))
        await fake.request_reconnect()
        await fake.invalidate_sessions(resumable=False)
        await asyncio.sleep(7)
        await fake.wait_for_session(20)
        world.classifier.release.set()
        final = await world.final_edit(inter)
        assert len(final.files) == 1
        again = await fake.send_interaction("imagine", {"prompt": "a boat"})
        assert len((await world.final_edit(again)).files) == 1
        # Another member still sees channel jobs (the guild cache came back).
        bob = fake.add_member(fake.guild, "bob").user  # type: ignore[arg-type]
        job_id = world.job_id(fake.original_response(inter))  # type: ignore[arg-type]
        await world.posted(bot, job_id)
        peek = await fake.send_interaction("job", {"job": job_id}, user=bob)
        assert len((await world.private_answer(peek)).files) == 1


async def test_flagged_images_in_an_age_restricted_voice_channels_chat_are_spoilered(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    world.classifier.flag_all = True
    voice = fake.add_channel(fake.guild, "late-night-vc", type=ChannelType.GUILD_VOICE, nsfw=True)
    async with world.bot():
        await set_age_restricted_policy(world)
        inter = await fake.send_interaction("imagine", {"prompt": "a quiet harbour"}, channel=voice)
        final = await world.final_edit(inter)
        assert [f.filename[:8] for f in final.files] == ["SPOILER_"]


async def test_a_result_past_its_token_goes_into_the_thread(world: BotWorld) -> None:
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.channel is not None and fake.user is not None
    thread = fake.add_thread(fake.channel, "kites")
    async with world.bot() as bot:
        inter, job = await held_job(world, bot, "a kite", thread)
        fake.expire_interaction(inter)
        world.classifier.release.set()
        request = await fake.wait_for_request("POST", rf"/channels/{thread.id}/messages$", timeout=30)
        assert request.status == 200 and len(request.files) == 1
        await world.posted(bot, job.id)


async def test_jobs_of_a_private_thread_stay_hidden_from_members_outside_it(world: BotWorld) -> None:
    """A private thread is seen only by its members (and by those with Manage Threads); a member of the
    parent channel who is not in the thread must not see the jobs made there (discord.py gives a thread
    its parent's permissions)."""
    fake = world.fake
    assert fake.guild is not None and fake.user is not None and fake.channel is not None
    bob = fake.add_member(fake.guild, "bob").user
    carol = fake.add_member(fake.guild, "carol").user
    # The bot was added to the private thread (so it can post there once a token has run out).
    secret = fake.add_thread(
        fake.channel, "alice and bob", private=True, owner=fake.user, members=[bob, fake.bot_user]
    )
    assert fake.permissions_for(carol, secret) == 0
    async with world.bot() as bot:
        inter = await fake.send_interaction(
            "imagine", {"prompt": "a surprise party for carol"}, channel=secret
        )
        await world.final_edit(inter)
        job_id = world.job_id(fake.original_response(inter))  # type: ignore[arg-type]
        await world.posted(bot, job_id)
        # Carol, in #general (which she can read), asks for the job by number (they are sequential).
        peek = await fake.send_interaction("job", {"job": job_id}, user=carol)
        answer = await world.private_answer(peek)
        assert "surprise" not in str(answer.json) and answer.files == [], answer.json
        # Bob, asking inside the thread, sees it; so does the server's owner (Manage Threads), anywhere.
        for user, channel in ((bob, secret), (fake.owner, fake.channel)):
            shown = await fake.send_interaction("job", {"job": job_id}, user=user, channel=channel)
            assert len((await world.private_answer(shown)).files) == 1


async def test_a_member_of_a_private_thread_can_rerun_a_result_posted_there(world: BotWorld) -> None:
    """In a private thread the bot is not a member of (and without Manage Threads), the bot gets no
    THREAD_CREATE, so the thread is not in its cache. Bob, in the thread, clicks Rerun under Alice's
    result: clicking there shows he can read it."""
    fake = world.fake
    assert fake.guild is not None and fake.user is not None and fake.channel is not None
    bob = fake.add_member(fake.guild, "bob").user
    thread = fake.add_thread(fake.channel, "alice and bob", private=True, owner=fake.user, members=[bob])
    async with world.bot() as bot:
        await bot.services.licenses.accept(bob.id, bot.services.generation.license_for("demo"))
        inter = await fake.send_interaction("imagine", {"prompt": "a red fox"}, channel=thread)
        await world.final_edit(inter)
        message = fake.original_response(inter)
        assert message is not None
        job_id = world.job_id(message)
        await world.posted(bot, job_id)
        click = await fake.click_button(message["id"], f"imagine:rerun:{job_id}", user=bob)
        await click.wait_for_ack()
        await asyncio.sleep(2)
        answers = [
            str((r.json or {}).get("content"))
            for r in fake.requests
            if re.search(re.escape(click.token), r.path) and r.json
        ]
        assert len(await bot.services.generation.store.history(bob.id)) == 1, answers


def short_claims(world: BotWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """Claims that lapse within a second, so that an abandoned result would be taken over at once."""
    original_settings = world.settings

    def settings():  # type: ignore[no-untyped-def]
        settings = original_settings()
        settings.generation.claim_ttl_s = 0.3  # 6 x store_check_s (0.05 s); production: 30 s
        return settings

    monkeypatch.setattr(world, "settings", settings)


def channel_posts(world: BotWorld, mark: int, channel_id: int) -> list[RecordedRequest]:
    return [
        r
        for r in world.fake.requests[mark:]
        if r.method == "POST" and r.path.endswith(f"/{channel_id}/messages")
    ]


async def test_a_result_the_bot_may_not_post_past_its_token_is_given_up_and_its_member_told(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slash commands work in channels where the bot's role may not Send Messages (interactions need no
    channel permission). When the queue outlasts the 15-minute token, no retry will post the result:
    the member hears by direct message that `/job` has it, and it is not tried again, by this process,
    by a take-over, or after a restart (refusals count toward Discord's invalid-request limit)."""
    monkeypatch.setattr(delivery, "REDELIVERY_DELAYS_S", (0.1, 0.1))
    short_claims(world, monkeypatch)
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.user is not None and fake.channel is not None and fake.guild is not None
    fake.update_channel(
        fake.channel,
        overwrites=[Overwrite(id=fake.bot_role(fake.guild).id, type=0, deny=Permissions.SEND_MESSAGES)],
    )
    async with world.bot() as bot:
        inter, job = await held_job(world, bot, "a lighthouse")
        fake.expire_interaction(inter)  # the queue took longer than 15 minutes
        mark = fake.mark()
        world.classifier.release.set()
        told = await world.direct_message(mark)
        assert f"/job {job.id}" in told.json["content"]
        await asyncio.sleep(1.5)  # claims lapse five times over
        job = await bot.services.generation.store.get(job.id)
        assert job.status is JobStatus.DONE and job.posted_at is None and job.undeliverable_at is not None
        # The first try, with the images and without them.
        assert [r.status for r in channel_posts(world, mark, fake.channel.id)] == [403, 403]
    restarted = fake.mark()
    async with world.bot():
        await asyncio.sleep(1)
    assert channel_posts(world, restarted, fake.channel.id) == []


async def test_a_result_for_a_deleted_channel_is_given_up(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The channel is deleted while the job runs: every way to post answers 404 Unknown Channel, which
    will never change. One try, then the member hears by direct message."""
    short_claims(world, monkeypatch)
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    doomed = fake.add_channel(fake.guild, "doomed")
    async with world.bot() as bot:
        _inter, job = await held_job(world, bot, "a lighthouse", doomed)
        fake.delete_channel(doomed)
        mark = fake.mark()
        world.classifier.release.set()
        told = await world.direct_message(mark)
        assert f"/job {job.id}" in told.json["content"]
        await asyncio.sleep(1.5)
        assert [r.status for r in channel_posts(world, mark, doomed.id)] == [404]
        assert (await bot.services.generation.store.get(job.id)).undeliverable_at is not None


async def test_a_result_given_up_while_the_database_drops_is_recorded_once_it_answers(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording the refusal failed: the task ended on the database's error, its member was not told,
    and the result was tried again (and refused again) once its claim lapsed."""
    from sqlalchemy.exc import OperationalError

    monkeypatch.setattr(delivery, "MARK_POSTED_DELAYS_S", (0.2,))
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    doomed = fake.add_channel(fake.guild, "doomed")
    async with world.bot() as bot:
        store = bot.services.generation.store
        mark_undeliverable = store.mark_undeliverable
        refusals: list[int] = []

        async def away_twice(job_id: int) -> None:
            if len(refusals) < 2:
                refusals.append(job_id)
                raise OperationalError("UPDATE job", {}, ConnectionResetError("the database went away"))
            await mark_undeliverable(job_id)

        monkeypatch.setattr(store, "mark_undeliverable", away_twice)
        _inter, job = await held_job(world, bot, "a lighthouse", doomed)
        fake.delete_channel(doomed)
        mark = fake.mark()
        world.classifier.release.set()
        told = await world.direct_message(mark)
        assert f"/job {job.id}" in told.json["content"]
        assert refusals == [job.id, job.id]
        assert (await store.get(job.id)).undeliverable_at is not None
        assert [r.status for r in channel_posts(world, mark, doomed.id)] == [404]


async def wait_for_jobs(bot: ImagineBot, user_id: int, count: int, *, within_s: float = 30) -> list[Job]:
    """The user's jobs once there are `count` of them, all finished."""
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        jobs = await bot.services.generation.store.history(user_id)
        if len(jobs) >= count and all(job.status.finished for job in jobs):
            return jobs
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"jobs of user {user_id}: {[(j.id, j.status.value) for j in jobs]}")
        await asyncio.sleep(0.05)


async def test_a_rerun_reaction_works_without_read_message_history(world: BotWorld) -> None:
    """Many servers invite bots without Read Message History, so the reacted message cannot be read:
    the store knows which job's result it is."""
    fake = world.fake
    assert fake.user is not None and fake.channel is not None and fake.guild is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a red fox --seed 11"})
        await world.final_edit(inter)
        message = fake.original_response(inter)
        assert message is not None
        await world.posted(bot, world.job_id(message))
        fake.update_channel(
            fake.channel,
            overwrites=[
                Overwrite(id=fake.bot_role(fake.guild).id, type=0, deny=Permissions.READ_MESSAGE_HISTORY)
            ],
        )
        await fake.add_reaction(fake.channel.id, message["id"], emoji="🔁")
        rerun, _source = await wait_for_jobs(bot, fake.user.id, 2)
        assert rerun.status is JobStatus.DONE and rerun.generation_params.prompt == "a red fox"


async def test_queued_jobs_of_a_guild_that_removed_the_bot_are_cancelled(world: BotWorld) -> None:
    """Kicked, the bot can no longer show anything in that guild: its queued jobs must not take the GPU
    ahead of other guilds' members. The running one finishes."""
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        first = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await fake.wait_for_request("PATCH", world.original_path(first))
        for steps in (2, 3):  # other steps: not batched with the first
            inter = await fake.send_interaction("imagine", {"prompt": f"a boat {steps}", "steps": steps})
            await fake.wait_for_request("PATCH", world.original_path(inter))
        removed = asyncio.ensure_future(bot.wait_for("guild_remove", timeout=10))
        fake.remove_bot_from_guild(fake.guild)
        await removed
        await asyncio.sleep(0.2)  # the bot's own handler of the event runs beside this waiter
        world.classifier.release.set()
        jobs = await wait_for_jobs(bot, fake.user.id, 3)
        assert [job.status for job in reversed(jobs)] == [
            JobStatus.DONE,
            JobStatus.CANCELLED,
            JobStatus.CANCELLED,
        ]


async def test_commands_are_registered_for_servers_that_added_the_bot_never_as_a_members_own_app(
    world: BotWorld,
) -> None:
    # An application made today may be installed by users too: left to that default, /imagine would
    # make images in servers that never added the bot (under no policy of theirs) and in group chats.
    fake = world.fake
    async with world.bot():
        [sync] = fake.requests_matching("PUT", r"/applications/\d+/commands$")
    assert isinstance(sync.json, list) and sync.json
    for command in sync.json:
        assert command["integration_types"] == [0], command["name"]  # GUILD_INSTALL only
        expected = [0] if command["name"] in ("policy", "mod") else [0, 1]  # GUILD, BOT_DM
        assert sorted(command["contexts"]) == expected, command["name"]


async def test_a_server_to_sync_that_the_bot_is_not_in_is_logged_and_the_others_are_served(
    world: BotWorld, caplog: pytest.LogCaptureFixture
) -> None:
    # A mistyped DISCORD_SYNC_GUILD_IDS, or a server that removed the bot, ended the start in a
    # traceback, and every restart after it.
    fake = world.fake
    assert fake.guild is not None
    async with world.bot(sync_guild_ids=(123456789012345678, fake.guild.id)):
        assert {c["name"] for c in fake.guild_commands[fake.guild.id].values()} >= {"imagine", "help"}
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await world.final_edit(inter)
    said = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("DISCORD_SYNC_GUILD_IDS" in line and "123456789012345678" in line for line in said), said


async def test_closing_lets_a_retention_sweep_under_way_finish(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep was cancelled inside its queries: SQLAlchemy then closed the session later, in a task
    of its own, on a connection the engine's disposal had lost, and logged an error."""
    from moderation.audit import AuditLog

    purging, go_on = asyncio.Event(), asyncio.Event()
    finished = []
    purge = AuditLog.purge_expired

    async def held_purge(self: AuditLog, retention_days: int) -> int:
        purging.set()
        await go_on.wait()
        finished.append(await purge(self, retention_days))
        return finished[-1]

    monkeypatch.setattr(AuditLog, "purge_expired", held_purge)
    async with world.bot() as bot:
        await asyncio.wait_for(purging.wait(), 30)
        closing = asyncio.create_task(bot.close())
        await asyncio.sleep(0.2)
        assert not closing.done()  # it waits for the sweep's step to end
        go_on.set()
        await asyncio.wait_for(closing, 30)
    assert finished == [0]
