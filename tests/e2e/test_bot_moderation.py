"""Moderators and policy: who may change it, the log channel echo, withheld and spoilered images."""

from __future__ import annotations

import asyncio
import os
import re

import pytest
from conftest import EPHEMERAL, BotWorld
from fakediscord import ChannelType, InteractionRecord, Overwrite, Permissions, RecordedRequest, Upload
from test_bot_buttons import first_result

from bot import wording
from generation.models import JobStatus
from generation.service import CHANNEL_CLOSED
from moderation.audit import AuditAction
from moderation.licenses import CREATIVEML_OPENRAIL_M
from moderation.policy import MAX_BANNED_TERMS, GuildPolicy

pytestmark = pytest.mark.timeout(120)


async def test_a_member_without_manage_server_cannot_set_the_policy(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("policy set", {"key": "max_steps", "value": "10"})
        assert "Only moderators" in await world.ephemeral_answer(inter)
        assert (await bot.services.policies.get(fake.guild.id)).max_steps == 50


async def test_moderators_change_the_policy_and_the_log_channel_hears_of_it(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    log_channel = fake.add_channel(fake.guild, "mod-log")
    role = fake.add_role(fake.guild, "image mods")
    async with world.bot() as bot:
        # The owner (Manage Server) names a log channel and the moderator role.
        for key, value in (
            ("log_channel_id", f"<#{log_channel.id}>"),
            ("moderator_role_id", f"<@&{role.id}>"),
        ):
            inter = await fake.send_interaction("policy set", {"key": key, "value": value}, user=fake.owner)
            assert f"set `{key}`" in await world.ephemeral_answer(inter)
        # Alice gets the role: now the bot lets her ban terms, though Discord gives her no Manage Server.
        fake.set_member_roles(fake.guild, fake.user, [role])
        inter = await fake.send_interaction("policy terms add", {"items": "zeppelin, blimp"})
        assert "zeppelin" in await world.ephemeral_answer(inter)
        policy = await bot.services.policies.get(fake.guild.id)
        assert policy.banned_terms == ["zeppelin", "blimp"]
        echoes = [message["content"] for message in fake.channel_messages(log_channel)]
        assert any("log_channel_id" in text for text in echoes)
        assert any("added 2 banned terms" in text for text in echoes)
        # The banned term now blocks prompts, with the reason.
        inter = await fake.send_interaction("imagine", {"prompt": "a zeppelin over paris"})
        text = await world.ephemeral_answer(inter)
        assert "blocked" in text and "moderators" in text
        entries = await bot.services.audit.recent(fake.guild.id, 10)
        assert {entry.action.value for entry in entries} >= {"policy_set", "terms_added"}


async def test_flagged_images_are_withheld_and_the_message_says_why(world: BotWorld) -> None:
    fake = world.fake
    world.classifier.flag_all = True
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a quiet harbour", "count": 2})
        final = await world.final_edit(inter)
        assert final.files == []
        message = fake.original_response(inter)
        assert message is not None
        assert message["attachments"] == []
        assert "2 of 2 images were withheld" in message["content"]
        assert "safety check flagged" in message["content"]
        job = await world.posted(bot, world.job_id(message))
        assert [image.path for image in job.images] == [None, None]


async def test_flagged_images_go_behind_spoilers_in_an_age_restricted_channel(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.nsfw_channel is not None
    world.classifier.flag_all = True
    async with world.bot():
        inter = await fake.send_interaction(
            "policy set", {"key": "nsfw_mode", "value": "age_restricted"}, user=fake.owner
        )
        await world.ephemeral_answer(inter)
        inter = await fake.send_interaction(
            "imagine", {"prompt": "a quiet harbour"}, channel=fake.nsfw_channel
        )
        final = await world.final_edit(inter)
        assert [file.filename.startswith("SPOILER_") for file in final.files] == [True]
        assert "spoilers" in str(final.json["content"])


async def test_moderators_review_blocked_prompts_and_members_cannot(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "call me at 415-867-5309 tonight"})
        assert "blocked" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("mod blocked", {})
        assert "Only moderators" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("mod blocked", {"count": 5}, user=fake.owner)
        review = await world.ephemeral_answer(inter)
        # What was asked, without the number it was refused for.
        assert "call me at [phone number] tonight" in review and "floor.pii" in review
        # Not a digit group of it either, outside the review's timestamps and mentions (whose digits
        # may hold "867" by chance).
        assert "867" not in re.sub(r"<[^>]*>", "", review)
        assert "867" not in str((await bot.services.generation.store.history(fake.user.id))[0].params)


async def test_moderators_see_who_is_banned_until_when_and_why(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    bob = fake.add_member(fake.guild, "bob").user
    async with world.bot():
        inter = await fake.send_interaction("mod bans", {}, user=fake.owner)
        assert "Nobody is banned" in await world.ephemeral_answer(inter)
        for user, options in (
            (fake.user, {"reason": "spam", "duration": "7d"}),
            (bob, {"reason": "off-topic floods"}),
        ):
            inter = await fake.send_interaction("mod ban", {"user": str(user.id), **options}, user=fake.owner)
            await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("mod bans", {})  # the banned member asking
        assert "Only moderators" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("mod bans", {}, user=fake.owner)
        listed = (await world.ephemeral_answer(inter)).splitlines()
        assert len(listed) == 2
        assert listed[0].startswith(f"<@{bob.id}> until unbanned, by <@{fake.owner.id}>")
        assert listed[0].endswith("Off-topic floods.")
        assert listed[1].startswith(f"<@{fake.user.id}> until <t:") and listed[1].endswith("Spam.")


async def test_purge_erases_a_member_here_and_forget_me_everywhere(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        await fake.send_interaction("imagine", {"prompt": "a lighthouse at dusk"})
        job = await world.posted(bot, (await world.first_job(bot, fake.user.id)).id)
        inter = await fake.send_interaction("mod purge", {"user": str(fake.user.id)}, user=fake.owner)
        assert "1 jobs" in await world.ephemeral_answer(inter)
        assert await bot.services.generation.store.history(fake.user.id) == []
        assert job.images and not any(os.path.exists(image.path or "") for image in job.images)  # noqa: ASYNC240

        await fake.send_interaction("imagine", {"prompt": "a red fox"})
        await world.posted(bot, (await world.first_job(bot, fake.user.id)).id)
        inter = await fake.send_interaction("forget-me", {"confirm": "nope"})
        assert "Nothing was deleted" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("forget-me", {"confirm": "DELETE"})
        answer = await fake.wait_for_request("POST", rf"/webhooks/\d+/{re.escape(inter.token)}$")
        assert "Deleted 1 jobs" in answer.json["content"]
        assert await bot.services.generation.store.history(fake.user.id) == []
        assert not await bot.services.licenses.has_accepted(fake.user.id, CREATIVEML_OPENRAIL_M)


async def _answer(world: BotWorld, inter: InteractionRecord) -> RecordedRequest:
    """The private follow-up that answers a deferred moderator command, as Discord received it."""
    await inter.wait_for_ack(30)
    request = await world.fake.wait_for_request("POST", rf"/webhooks/\d+/{re.escape(inter.token)}$")
    assert request.status == 200, request.response  # Discord refuses, say, more than 2,000 characters
    assert (request.json or {}).get("flags", 0) & EPHEMERAL
    return request


async def test_channels_and_roles_must_be_this_servers(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.channel is not None
    elsewhere = fake.add_channel(fake.add_guild("Another server"), "their-log")
    category = fake.add_channel(fake.guild, "Imaging", type=ChannelType.GUILD_CATEGORY)
    async with world.bot() as bot:
        refusals = [
            # Another server's channel: this server's moderation would be posted there.
            ("log_channel_id", f"<#{elsewhere.id}>", "not a channel of this server"),
            (
                "allowed_channel_ids",
                f"<#{fake.channel.id}> <#{elsewhere.id}>",
                "not a channel of this server",
            ),
            ("allowed_channel_ids", f"<#{category.id}>", "category"),
            ("moderator_role_id", "<@&1234567>", "not a role of this server"),
            # @everyone: every member would be a moderator.
            ("moderator_role_id", f"<@&{fake.guild.id}>", "every member"),
            ("dms_allowed", "on", "bot's settings"),
            ("banned_terms", "zeppelin", "/policy terms add"),
        ]
        for key, value, reason in refusals:
            inter = await fake.send_interaction("policy set", {"key": key, "value": value}, user=fake.owner)
            assert reason in await world.ephemeral_answer(inter), key
        assert await bot.services.policies.get(fake.guild.id) == GuildPolicy()
        assert fake.channel_messages(elsewhere) == []
        # This server's own channel is fine.
        inter = await fake.send_interaction(
            "policy set", {"key": "allowed_channel_ids", "value": f"<#{fake.channel.id}>"}, user=fake.owner
        )
        assert "set `allowed_channel_ids`" in await world.ephemeral_answer(inter)


async def test_term_answers_say_what_changed_and_fit_in_a_message(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    log_channel = fake.add_channel(fake.guild, "mod-log")
    async with world.bot() as bot:
        policies = bot.services.policies
        await policies.set(fake.guild.id, "log_channel_id", str(log_channel.id), actor_id=fake.owner.id)
        inter = await fake.send_interaction(
            "policy terms add", {"items": "zeppelin, Zeppelin"}, user=fake.owner
        )
        added = (await _answer(world, inter)).json["content"]
        assert added == f"Added banned term: `zeppelin`\n{wording.TERMS_MATCHING}"
        # "z3ppelin" is "zeppelin" once normalised: nothing is added, and the answer says so.
        inter = await fake.send_interaction("policy terms add", {"items": "z3ppelin"}, user=fake.owner)
        text = (await _answer(world, inter)).json["content"]
        assert "Nothing was added" in text and "`z3ppelin`" in text
        # 330 repeats: one term removed, an answer Discord accepts, one echo.
        inter = await fake.send_interaction(
            "policy terms remove", {"items": ",".join(["qq"] * 330)}, user=fake.owner
        )
        assert "not in the list" in await world.ephemeral_answer(inter)
        await policies.add_terms(fake.guild.id, ["qq"], actor_id=fake.owner.id)
        inter = await fake.send_interaction(
            "policy terms remove", {"items": ",".join(["qq"] * 330)}, user=fake.owner
        )
        assert (await _answer(world, inter)).json["content"] == "Removed banned term: `qq`"
        inter = await fake.send_interaction(
            "policy terms remove", {"items": ",".join(["ZEPPELIN"] * 100)}, user=fake.owner
        )
        assert (await _answer(world, inter)).json["content"] == "Removed banned term: `zeppelin`"
        assert (await policies.get(fake.guild.id)).banned_terms == []
        # Removed by the spelling that adding says is banned already, naming the entry removed.
        await policies.add_terms(fake.guild.id, ["cl0wn"], actor_id=fake.owner.id)
        inter = await fake.send_interaction("policy terms add", {"items": "clown"}, user=fake.owner)
        assert "Nothing was added" in (await _answer(world, inter)).json["content"]
        inter = await fake.send_interaction("policy terms remove", {"items": "clown"}, user=fake.owner)
        assert (await _answer(world, inter)).json["content"] == "Removed banned term: `cl0wn`"
        assert (await policies.get(fake.guild.id)).banned_terms == []
        # Of several, those listed go; the others are named.
        await policies.add_terms(fake.guild.id, ["blimp"], actor_id=fake.owner.id)
        inter = await fake.send_interaction("policy terms remove", {"items": "blimp, kite"}, user=fake.owner)
        answer = (await _answer(world, inter)).json["content"]
        assert answer == "Removed banned term: `blimp`\nNot in the list: `kite`"
        assert (await policies.get(fake.guild.id)).banned_terms == []
        echoes = [message["content"] for message in fake.channel_messages(log_channel)]
        assert sum("added 1 banned term." in text for text in echoes) == 1
        assert sum("removed 1 banned term." in text for text in echoes) == 4


async def test_a_term_list_too_long_for_a_message_comes_whole_in_a_file(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    # Letters only: digits fold to letters ("0" is "o"), which would make some of the terms one.
    terms = [f"term {a}{b} " + "x" * 80 for a in "abcdefghij" for b in "abcdefghijklmnopqrst"]
    assert len(terms) == MAX_BANNED_TERMS
    async with world.bot() as bot:
        await bot.services.policies.add_terms(fake.guild.id, terms, actor_id=fake.owner.id)
        inter = await fake.send_interaction("policy terms list", {}, user=fake.owner)
        answer = await _answer(world, inter)
        assert f"{MAX_BANNED_TERMS} banned terms" in answer.json["content"]
        assert [file.filename for file in answer.files] == ["banned-terms.txt"]
        assert answer.files[0].data.decode().splitlines()[1 : MAX_BANNED_TERMS + 1] == terms


async def test_the_moderation_log_shows_whole_entries_with_what_changed(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        for steps in range(10, 70):
            await bot.services.policies.set(fake.guild.id, "max_steps", str(steps), actor_id=fake.owner.id)
        inter = await fake.send_interaction(
            "mod ban", {"user": str(fake.user.id), "reason": "spam", "duration": "2h"}, user=fake.owner
        )
        await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("mod log", {"count": 50}, user=fake.owner)
        lines = (await _answer(world, inter)).json["content"].splitlines()
        assert f"user_banned → <@{fake.user.id}> until <t:" in lines[0] and lines[0].endswith("(spam)")
        assert lines[1].endswith("policy_set `max_steps` = `69`")
        # Whole entries only (a cut one breaks its timestamp), and how many did not fit.
        assert all(re.match(r"<t:\d+:R> ", line) for line in lines[:-1])
        assert re.fullmatch(r"…and \d+ older entries that don't fit in one message\.", lines[-1])


async def test_unbanning_a_member_who_is_not_banned_changes_and_logs_nothing(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    log_channel = fake.add_channel(fake.guild, "mod-log")
    async with world.bot() as bot:
        await bot.services.policies.set(fake.guild.id, "log_channel_id", str(log_channel.id), actor_id=1)
        inter = await fake.send_interaction("mod unban", {"user": str(fake.user.id)}, user=fake.owner)
        assert "is not banned here" in await world.ephemeral_answer(inter)
        assert fake.channel_messages(log_channel) == []
        assert [entry.action for entry in await bot.services.audit.recent(fake.guild.id)] == [
            AuditAction.POLICY_SET
        ]


async def test_bots_and_the_moderator_themselves_cannot_be_banned(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.owner is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("mod ban", {"user": str(fake.bot_user.id)}, user=fake.owner)
        assert "Bots can't be banned" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("mod ban", {"user": str(fake.owner.id)}, user=fake.owner)
        assert "You can't ban yourself" in await world.ephemeral_answer(inter)
        assert await bot.services.audit.recent(fake.guild.id) == []
        assert await bot.services.bans.active_bans(fake.guild.id) == []


async def test_a_log_channel_the_bot_cannot_write_to_is_reported_and_the_change_is_made(
    world: BotWorld,
) -> None:
    fake = world.fake
    assert fake.guild is not None
    no_entry = Overwrite(
        id=fake.bot_role(fake.guild).id, type=0, deny=Permissions.SEND_MESSAGES | Permissions.VIEW_CHANNEL
    )
    locked = fake.add_channel(fake.guild, "locked-log", overwrites=[no_entry])
    async with world.bot() as bot:
        inter = await fake.send_interaction(
            "policy set", {"key": "log_channel_id", "value": f"<#{locked.id}>"}, user=fake.owner
        )
        text = await world.ephemeral_answer(inter)
        assert text.startswith("set `log_channel_id`") and "could not be posted in the log channel" in text
        inter = await fake.send_interaction(
            "policy set", {"key": "max_steps", "value": "12"}, user=fake.owner
        )
        assert "Send Messages" in await world.ephemeral_answer(inter)
        assert (await bot.services.policies.get(fake.guild.id)).max_steps == 12


async def log_line(world: BotWorld, channel_id: int, *needles: str) -> str:
    """The first message the bot posts in the log channel that contains every needle."""
    request = await world.fake.wait_for_request(
        "POST",
        rf"/channels/{channel_id}/messages$",
        predicate=lambda r: all(needle in str((r.json or {}).get("content")) for needle in needles),
        timeout=30,
    )
    assert request.json["allowed_mentions"] == {"parse": []}, "a log line pings nobody"
    return str(request.json["content"])


async def test_refused_prompts_withheld_images_and_moderators_deletions_reach_the_log_channel(
    world: BotWorld,
) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    log_channel = fake.add_channel(fake.guild, "mod-log")
    async with world.bot() as bot:
        await bot.services.policies.set(fake.guild.id, "log_channel_id", str(log_channel.id), actor_id=1)
        inter = await fake.send_interaction("imagine", {"prompt": "call me at 415-867-5309"})
        assert "blocked" in await world.ephemeral_answer(inter)
        line = await log_line(world, log_channel.id, "prompt_blocked")
        assert line.startswith(f"the bot prompt_blocked → <@{fake.user.id}>") and "867" not in line

        world.classifier.flag_all = True
        inter = await fake.send_interaction("imagine", {"prompt": "a quiet harbour", "count": 3})
        await world.final_edit(inter)
        line = await log_line(world, log_channel.id, "image_withheld")
        assert line.startswith(f"the bot image_withheld → <@{fake.user.id}>")
        assert line.endswith(", 3 images)"), "one line for the job's three images"
        withheld = [
            e
            for e in await bot.services.audit.recent(fake.guild.id)
            if e.action is AuditAction.IMAGE_WITHHELD
        ]
        assert withheld and all(e.actor_id is None for e in withheld), "the bot decided, not the member"

        world.classifier.flag_all = False
        _, message = await first_result(world)
        job_id = world.job_id(message)
        await world.posted(bot, job_id)
        await world.ephemeral_answer(
            await fake.click_button(message["id"], f"imagine:delete:{job_id}", user=fake.owner)
        )
        line = await log_line(world, log_channel.id, "job_deleted")
        assert line == f"<@{fake.owner.id}> job_deleted → <@{fake.user.id}> (job #{job_id})"
        # A member deleting their own result is no moderation decision.
        _, message = await first_result(world)
        own = world.job_id(message)
        await world.posted(bot, own)
        await world.ephemeral_answer(await fake.click_button(message["id"], f"imagine:delete:{own}"))
        entries = await bot.services.audit.recent(fake.guild.id)
        assert not [e for e in entries if e.action is AuditAction.JOB_DELETED and e.detail == {"job": own}]


async def test_bans_of_a_member_or_a_term_stop_the_jobs_waiting_in_the_queue(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        await bot.services.generation.scheduler.stop()  # the jobs wait in the queue
        first = await fake.send_interaction("imagine", {"prompt": "a sad clown", "negative": "a circus"})
        job = await world.first_job(bot, fake.user.id)
        inter = await fake.send_interaction("policy terms add", {"items": "clown"}, user=fake.owner)
        assert "1 job waiting in the queue was stopped" in await world.ephemeral_answer(inter)
        final = await world.final_edit(first)
        assert final.json["content"] == f"Job #{job.id} was blocked: {_term_reason('clown')}"
        # The refused prompt is its member's alone: the channel's message leaves it out.
        assert "sad clown" not in str(final.json["embeds"]) and "circus" not in str(final.json["embeds"])

        second = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await fake.wait_for_request("PATCH", world.original_path(second))  # shown queued
        inter = await fake.send_interaction("mod ban", {"user": str(fake.user.id)}, user=fake.owner)
        assert "Their job waiting or running here was stopped." in await world.ephemeral_answer(inter)
        final = await world.final_edit(second)
        assert final.json["content"].endswith("was cancelled.")


async def test_limiting_the_bot_to_other_channels_stops_the_jobs_waiting_elsewhere(world: BotWorld) -> None:
    """The jobs waiting in #general were still made and posted there after the moderators had limited
    the bot to #art; those in #art, and in its threads, go on."""
    fake = world.fake
    assert fake.guild is not None and fake.user is not None and fake.channel is not None
    art = fake.add_channel(fake.guild, "art")
    critique = fake.add_thread(art, "critique")
    async with world.bot() as bot:
        await bot.services.generation.scheduler.stop()  # the jobs wait in the queue
        asked = {}
        for channel in (fake.channel, art, critique):
            asked[channel.id] = await fake.send_interaction("imagine", {"prompt": "a kite"}, channel=channel)
            await fake.wait_for_request("PATCH", world.original_path(asked[channel.id]))  # shown queued
        inter = await fake.send_interaction(
            "policy set", {"key": "allowed_channel_ids", "value": f"<#{art.id}>"}, user=fake.owner
        )
        assert "1 job waiting in the queue was stopped" in await world.ephemeral_answer(inter)
        jobs = {job.channel_id: job for job in await bot.services.generation.store.history(fake.user.id)}
        assert jobs[fake.channel.id].status is JobStatus.FAILED
        assert jobs[fake.channel.id].error == CHANNEL_CLOSED
        assert not jobs[art.id].status.finished and not jobs[critique.id].status.finished


async def test_a_ban_stops_the_members_job_under_way_and_none_of_its_images_are_posted(
    world: BotWorld,
) -> None:
    world.classifier.hold_after = 0  # the job is made; its images wait to be classified
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        job = await world.first_job(bot, fake.user.id)
        ban = await fake.send_interaction("mod ban", {"user": str(fake.user.id)}, user=fake.owner)
        assert "Their job waiting or running here was stopped." in await world.ephemeral_answer(ban)
        world.classifier.release.set()
        final = await world.final_edit(inter)
        assert final.json["content"] == f"Job #{job.id} was cancelled."
        assert not final.files
        assert (await bot.services.generation.store.get(job.id)).status is JobStatus.CANCELLED


async def test_a_ban_from_the_server_stops_the_members_jobs_too(world: BotWorld) -> None:
    """Banned by the server's own moderators (not with /mod ban): a job of theirs under way, and one
    waiting, posted their images in the server after the ban."""
    world.classifier.hold_after = 0
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        made = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        job = await world.first_job(bot, fake.user.id)
        waiting = await fake.send_interaction("imagine", {"prompt": "a boat"})
        await fake.wait_for_request("PATCH", world.original_path(waiting))
        fake.ban_member(fake.guild, fake.user)
        await fake.flush()
        jobs = await bot.services.generation.store.history(fake.user.id)
        deadline = asyncio.get_running_loop().time() + 10
        while not all(j.status is JobStatus.CANCELLED for j in jobs):
            assert asyncio.get_running_loop().time() < deadline, [j.status for j in jobs]
            await asyncio.sleep(0.05)
            jobs = await bot.services.generation.store.history(fake.user.id)
        assert len(jobs) == 2
        world.classifier.release.set()
        final = await world.final_edit(made)
        assert final.json["content"] == f"Job #{job.id} was cancelled." and not final.files


def _term_reason(term: str) -> str:
    return f"This server's moderators have banned the term “{term}”."


async def test_a_moderator_cancelling_a_members_job_is_audited_and_logged(world: BotWorld) -> None:
    world.classifier.hold_after = 0  # the job waits for the test before its result
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    log_channel = fake.add_channel(fake.guild, "mod-log")
    async with world.bot() as bot:
        await bot.services.policies.set(fake.guild.id, "log_channel_id", str(log_channel.id), actor_id=1)
        inter = await fake.send_interaction("imagine", {"prompt": "a lighthouse"})
        await fake.wait_for_request("PATCH", world.original_path(inter))
        job = await world.first_job(bot, fake.user.id)
        cancel = await fake.send_interaction("cancel", {"job": job.id}, user=fake.owner)
        await cancel.wait_for_ack()
        line = await log_line(world, log_channel.id, "job_cancelled")
        assert line == f"<@{fake.owner.id}> job_cancelled → <@{fake.user.id}> (job #{job.id})"
        world.classifier.release.set()
        await bot.services.generation.scheduler.idle()


async def test_purging_a_member_is_audited_and_a_moderator_purged_keeps_their_decisions(
    world: BotWorld,
) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    role = fake.add_role(fake.guild, "image mods")
    carol = fake.add_member(fake.guild, "carol", roles=[role]).user
    async with world.bot() as bot:
        await bot.services.policies.set(
            fake.guild.id, "moderator_role_id", str(role.id), actor_id=fake.owner.id
        )
        inter = await fake.send_interaction(
            "mod ban", {"user": str(fake.user.id), "reason": "spam"}, user=carol
        )
        assert "banned" in await world.ephemeral_answer(inter)
        # Carol purges her own data here: her ban of Alice stays hers on the record.
        inter = await fake.send_interaction("mod purge", {"user": str(carol.id)}, user=carol)
        await world.ephemeral_answer(inter)
        entries = await bot.services.audit.recent(fake.guild.id)
        purge = next(e for e in entries if e.action is AuditAction.USER_PURGED)
        assert (purge.actor_id, purge.target_user_id) == (carol.id, carol.id)
        ban = next(e for e in entries if e.action is AuditAction.USER_BANNED)
        assert ban.actor_id == carol.id


async def test_moving_the_log_channel_is_announced_in_the_old_one_too(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    watched = fake.add_channel(fake.guild, "mod-log")
    elsewhere = fake.add_channel(fake.guild, "my-private-log")
    async with world.bot() as bot:
        await bot.services.policies.set(fake.guild.id, "log_channel_id", str(watched.id), actor_id=1)
        inter = await fake.send_interaction(
            "policy set", {"key": "log_channel_id", "value": f"<#{elsewhere.id}>"}, user=fake.owner
        )
        assert "set `log_channel_id`" in await world.ephemeral_answer(inter)
        for channel in (watched, elsewhere):
            assert f"<#{elsewhere.id}>" in await log_line(world, channel.id, "log_channel_id")


async def test_unbanning_a_member_whose_ban_ran_out_lifts_nothing(
    world: BotWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from moderation.database import utcnow

    fake = world.fake
    assert fake.guild is not None and fake.user is not None
    async with world.bot() as bot:
        await bot.services.bans.ban(
            fake.guild.id, fake.user.id, reason="x", expires_at=utcnow() + timedelta(hours=1), actor_id=1
        )
        monkeypatch.setattr("moderation.bans.utcnow", lambda: utcnow() + timedelta(hours=2))
        inter = await fake.send_interaction("mod unban", {"user": str(fake.user.id)}, user=fake.owner)
        assert "not banned" in await world.ephemeral_answer(inter)
        entries = await bot.services.audit.recent(fake.guild.id)
        assert AuditAction.USER_UNBANNED not in {entry.action for entry in entries}


async def test_a_long_answer_with_a_broken_log_channel_fits_in_one_message(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None
    no_entry = Overwrite(
        id=fake.bot_role(fake.guild).id, type=0, deny=Permissions.SEND_MESSAGES | Permissions.VIEW_CHANNEL
    )
    locked = fake.add_channel(fake.guild, "locked-log", overwrites=[no_entry])
    # Terms listed with their letters spaced out by dashes are removed by the plain word ("ab"), and
    # named as listed: the answer to a short command can be long.
    words = [a + b for a in "abcd" for b in "efghi"]
    async with world.bot() as bot:
        policies = bot.services.policies
        await policies.set(fake.guild.id, "log_channel_id", str(locked.id), actor_id=fake.owner.id)
        await policies.add_terms(
            fake.guild.id, [w[0] + "-" * 96 + w[1] for w in words], actor_id=fake.owner.id
        )
        inter = await fake.send_interaction(
            "policy terms remove", {"items": ",".join(words)}, user=fake.owner
        )
        text = await world.ephemeral_answer(inter)
        assert len(text) <= 2000
        assert text.startswith("Removed banned terms: `a---")
        # The note that asks for something is kept whole; the list of terms removed gives way.
        assert text.endswith("or pick another with `/policy set log_channel_id`.")
        assert (await policies.get(fake.guild.id)).banned_terms == []


async def test_only_members_with_manage_server_choose_the_moderator_role(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.owner is not None
    mods = fake.add_role(fake.guild, "image mods")
    # A role any member can give themselves (a reaction-role bot's, say).
    anyone = fake.add_role(fake.guild, "self-assign")
    carol = fake.add_member(fake.guild, "carol", roles=[mods]).user
    async with world.bot() as bot:
        policies = bot.services.policies
        await policies.set(fake.guild.id, "moderator_role_id", str(mods.id), actor_id=fake.owner.id)
        # A moderator by role may not hand moderation to another role: it would make moderators of
        # whoever holds it, past the server's own admins.
        inter = await fake.send_interaction(
            "policy set", {"key": "moderator_role_id", "value": f"<@&{anyone.id}>"}, user=carol
        )
        text = await world.ephemeral_answer(inter)
        assert "Manage Server" in text and "set `moderator_role_id`" not in text
        assert (await policies.get(fake.guild.id)).moderator_role_id == mods.id
        # Other settings are theirs to change, and the owner can still pick the role.
        inter = await fake.send_interaction("policy set", {"key": "max_steps", "value": "20"}, user=carol)
        assert "set `max_steps`" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction(
            "policy set", {"key": "moderator_role_id", "value": f"<@&{anyone.id}>"}, user=fake.owner
        )
        assert "set `moderator_role_id`" in await world.ephemeral_answer(inter)
        assert (await policies.get(fake.guild.id)).moderator_role_id == anyone.id


async def test_a_reset_by_a_role_moderator_keeps_the_role_and_the_audit_keeps_what_it_replaced(
    world: BotWorld,
) -> None:
    # The reset cleared the moderator role too: carol locked every role moderator out, herself first.
    fake = world.fake
    assert fake.guild is not None and fake.owner is not None
    mods = fake.add_role(fake.guild, "image mods")
    carol = fake.add_member(fake.guild, "carol", roles=[mods]).user
    async with world.bot() as bot:
        policies = bot.services.policies
        await policies.set(fake.guild.id, "moderator_role_id", str(mods.id), actor_id=fake.owner.id)
        await policies.add_terms(fake.guild.id, ["zeppelin", "blimp"], actor_id=fake.owner.id)
        inter = await fake.send_interaction("policy reset", {}, user=carol)
        text = await world.ephemeral_answer(inter)
        assert "2 banned terms" in text and "moderator role is kept" in text
        after = await policies.get(fake.guild.id)
        assert after.moderator_role_id == mods.id and after.banned_terms == []
        recent = await bot.services.audit.recent(fake.guild.id)
        [entry] = [e for e in recent if e.action is AuditAction.POLICY_RESET]
        assert entry.detail["before"]["banned_terms"] == ["zeppelin", "blimp"]


async def test_moderator_answers_quote_odd_values_briefly_and_say_what_was_banned_already(
    world: BotWorld,
) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.owner is not None
    async with world.bot():
        # 400 invisible characters: quoted as \u200b each, the answer passed 2,000 characters and
        # Discord refused it, leaving "thinking…".
        inter = await fake.send_interaction(
            "policy set", {"key": "max_steps", "value": "\u200b" * 400 + "1"}, user=fake.owner
        )
        assert "is not a whole number" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("policy terms add", {"items": "blimp"}, user=fake.owner)
        await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("policy terms add", {"items": "airship, blimp"}, user=fake.owner)
        text = await world.ephemeral_answer(inter)
        assert "`airship`" in text and "Already banned" in text and "`blimp`" in text
        # Every prompt would be refused; a term matched as words cannot be a regular expression.
        for items, kind, says in (("^", "pattern", "matches every prompt"), ("c++", "term", "kind: pattern")):
            inter = await fake.send_interaction(
                "policy terms add", {"items": items, "kind": kind}, user=fake.owner
            )
            assert says in await world.ephemeral_answer(inter)
        forum = fake.add_channel(fake.guild, "art-forum", type=ChannelType.GUILD_FORUM)
        inter = await fake.send_interaction(
            "policy set", {"key": "log_channel_id", "value": f"<#{forum.id}>"}, user=fake.owner
        )
        assert "is a forum" in await world.ephemeral_answer(inter)


async def test_a_moderator_by_role_cannot_ban_or_purge_those_who_manage_the_server(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.owner is not None and fake.user is not None
    mods = fake.add_role(fake.guild, "image mods")
    admins = fake.add_role(fake.guild, "admins", permissions=Permissions.MANAGE_GUILD)
    carol = fake.add_member(fake.guild, "carol", roles=[mods]).user
    dave = fake.add_member(fake.guild, "dave", roles=[admins]).user
    async with world.bot() as bot:
        await bot.services.policies.set(
            fake.guild.id, "moderator_role_id", str(mods.id), actor_id=fake.owner.id
        )
        await bot.services.licenses.accept(dave.id, CREATIVEML_OPENRAIL_M)
        inter = await fake.send_interaction("imagine", {"prompt": "a red fox"}, user=dave)
        await world.final_edit(inter)
        # Those who chose the moderators are out of their reach, as in Discord's own role order.
        for target in (fake.owner, dave):
            for command in ("mod ban", "mod purge"):
                inter = await fake.send_interaction(command, {"user": str(target.id)}, user=carol)
                text = await world.ephemeral_answer(inter)
                assert "Manage Server" in text, (command, text)
            assert await bot.services.bans.active_ban(fake.guild.id, target.id) is None
        assert len(await bot.services.generation.store.history(dave.id)) == 1
        # Members are theirs to moderate, and the owner may still act on an admin.
        inter = await fake.send_interaction("mod ban", {"user": str(fake.user.id)}, user=carol)
        assert "banned" in await world.ephemeral_answer(inter)
        inter = await fake.send_interaction("mod purge", {"user": str(dave.id)}, user=fake.owner)
        assert "deleted the data" in await world.ephemeral_answer(inter)
        assert await bot.services.generation.store.history(dave.id) == []


async def _imagine_held_at_its_safety_check(world: BotWorld, prompt: str) -> InteractionRecord:
    """/imagine with a picture whose safety check waits for `world.classifier.release`, once it has begun."""
    world.classifier.hold_after = 0
    inter = await world.fake.send_interaction(
        "imagine", {"prompt": prompt, "image": Upload("me.png", world.png_bytes())}
    )
    for _ in range(300):
        if world.classifier.calls >= 1:
            return inter
        await asyncio.sleep(0.05)
    raise TimeoutError("the attachment was never classified")


async def test_a_ban_while_a_members_request_is_checked_holds_for_that_request(world: BotWorld) -> None:
    """The request passed the ban check before the ban; its attached picture was still being
    classified when the moderator banned the member. Nothing of theirs is stored or posted after."""
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        inter = await _imagine_held_at_its_safety_check(world, "a watercolour")
        ban = await fake.send_interaction(
            "mod ban", {"user": str(fake.user.id), "reason": "spam"}, user=fake.owner
        )
        assert "banned" in await world.ephemeral_answer(ban)
        world.classifier.release.set()
        answer = await world.ephemeral_answer(inter)
        assert "can't generate images on this server" in answer and "spam" in answer
        await bot.services.generation.scheduler.idle()
        assert await bot.services.generation.store.history(fake.user.id) == []


async def test_a_term_banned_while_a_request_is_checked_refuses_that_request(world: BotWorld) -> None:
    fake = world.fake
    assert fake.user is not None
    async with world.bot() as bot:
        inter = await _imagine_held_at_its_safety_check(world, "a sad clown")
        add = await fake.send_interaction("policy terms add", {"items": "clown"}, user=fake.owner)
        assert "clown" in await world.ephemeral_answer(add)
        world.classifier.release.set()
        answer = await world.ephemeral_answer(inter)
        assert "clown" in answer
        await bot.services.generation.scheduler.idle()
        jobs = await bot.services.generation.store.history(fake.user.id)
        assert [job.status for job in jobs] == [JobStatus.BLOCKED]
