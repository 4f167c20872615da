"""The bot posts a member's images in public: only where the member could post images themselves."""

from __future__ import annotations

import pytest
from conftest import BotWorld
from fakediscord import Overwrite, Permissions

from moderation.licenses import CREATIVEML_OPENRAIL_M

pytestmark = pytest.mark.timeout(120)


async def test_no_images_where_the_member_may_not_post_them(world: BotWorld) -> None:
    fake = world.fake
    assert fake.guild is not None and fake.user is not None and fake.owner is not None
    guild = fake.guild
    # An announcements channel that members read but do not write in, and a chat where new members
    # may not attach files (a common guard against shock images).
    read_only = fake.add_channel(
        guild,
        "announcements",
        overwrites=[
            Overwrite(id=guild.id, type=0, deny=Permissions.SEND_MESSAGES),
            Overwrite(id=fake.bot_role(guild).id, type=0, allow=Permissions.SEND_MESSAGES),
        ],
    )
    no_files = fake.add_channel(
        guild, "chat", overwrites=[Overwrite(id=guild.id, type=0, deny=Permissions.ATTACH_FILES)]
    )
    # In a thread, writing is Send Messages in Threads.
    assert fake.channel is not None
    discussion = fake.add_thread(fake.channel, "discuss the news")
    no_threads = fake.add_channel(
        guild, "quiet", overwrites=[Overwrite(id=guild.id, type=0, deny=Permissions.SEND_MESSAGES_IN_THREADS)]
    )
    quiet_thread = fake.add_thread(no_threads, "side talk")
    upload = fake.add_cdn_file("me.png", world.png_bytes())
    async with world.bot() as bot:
        await bot.services.licenses.accept(fake.owner.id, CREATIVEML_OPENRAIL_M)
        store = bot.services.generation.store
        for channel, options, refusal in (
            (read_only, {"prompt": "a red fox"}, "can't send messages"),
            (no_files, {"prompt": "a red fox"}, "can't attach files"),
            # An upload at the lowest strength is the member's own picture, posted by the bot.
            (no_files, {"prompt": "a red fox", "image": upload, "strength": 0.05}, "can't attach files"),
            (quiet_thread, {"prompt": "a red fox"}, "can't send messages"),
        ):
            inter = await fake.send_interaction("imagine", options, channel=channel)
            text = await world.ephemeral_answer(inter)
            assert refusal in text, (channel.name, text)
        assert await store.history(fake.user.id) == []

        # The owner may post there: their result's buttons and reactions make no job of Alice's there.
        inter = await fake.send_interaction("imagine", {"prompt": "news"}, user=fake.owner, channel=read_only)
        await world.final_edit(inter)
        message = fake.original_response(inter)
        assert message is not None
        job_id = world.job_id(message)
        await world.posted(bot, job_id)
        click = await fake.click_button(message["id"], f"imagine:rerun:{job_id}")
        assert "can't send messages" in await world.ephemeral_answer(click)
        mark = fake.mark()
        await fake.add_reaction(read_only.id, message["id"], fake.user.id, "🔁")
        told = await fake.wait_for_request("POST", rf"/channels/{read_only.id}/messages$", after=mark)
        assert "can't send messages" in told.json["content"]
        assert await store.history(fake.user.id) == []

        # Where she may post images, she makes them as before: a thread she may write in counts.
        for channel in (fake.channel, discussion):
            inter = await fake.send_interaction("imagine", {"prompt": "a red fox"}, channel=channel)
            await world.final_edit(inter)
        assert len(await store.history(fake.user.id)) == 2
