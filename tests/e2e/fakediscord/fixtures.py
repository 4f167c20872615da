"""Helpers to point the real discord.py at a :class:`FakeDiscord` and to run clients against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

import discord
import discord.asset
import discord.gateway
import discord.http
import yarl

from .server import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


def discord_endpoints() -> dict[str, Any]:
    """The module/class attributes that decide where discord.py connects (current values)."""
    return {
        "api_base": discord.http.Route.BASE,
        "gateway_url": discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
        "cdn_base": discord.asset.Asset.BASE,
    }


def set_discord_endpoints(
    *, api_base: str | None = None, gateway_url: str | yarl.URL | None = None, cdn_base: str | None = None
) -> None:
    """Point discord.py at other endpoints (process-wide).

    * ``discord.http.Route.BASE``: REST base; read each time a ``Route`` is built, so it applies to the bot's
      HTTP client *and* to interaction responses / follow-ups (the webhook adapter builds ``Route`` too).
    * ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``: gateway of a plain ``Client`` (an
      ``AutoShardedClient`` asks ``GET /gateway/bot`` instead, and every client RESUMEs on the READY's
      ``resume_gateway_url``).
    * ``discord.asset.Asset.BASE``: CDN for avatars/icons (attachment URLs come from the API payloads).
    """
    if api_base is not None:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url is not None:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(gateway_url))
    if cdn_base is not None:
        discord.asset.Asset.BASE = cdn_base.rstrip("/")


@contextlib.contextmanager
def patch_discord(fake: FakeDiscord) -> Iterator[FakeDiscord]:
    """Point discord.py at ``fake`` (started) for the block's duration, then restore the old endpoints."""
    saved = discord_endpoints()
    set_discord_endpoints(api_base=fake.api_base, gateway_url=fake.gateway_url, cdn_base=fake.cdn_base)
    try:
        yield fake
    finally:
        discord.http.Route.BASE = saved["api_base"]
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved["gateway_url"]
        discord.asset.Asset.BASE = saved["cdn_base"]


@contextlib.asynccontextmanager
async def running_fake_discord(**kwargs: Any) -> AsyncIterator[FakeDiscord]:
    """Start a :class:`FakeDiscord` (``kwargs`` go to its constructor), patch discord.py, stop it after."""
    fake = FakeDiscord(**kwargs)
    await fake.start()
    try:
        with patch_discord(fake):
            yield fake
    finally:
        await fake.stop()


async def wait_until_ready(
    client: discord.Client,
    task: asyncio.Task[Any] | None = None,
    timeout: float = 10.0,  # noqa: ASYNC109
) -> None:
    """Wait for ``client`` to dispatch ``on_ready``, failing fast if its ``start()`` task dies first.

    (``Client.wait_until_ready()`` cannot be called before ``login()`` has run, hence the polling.)
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not client.is_ready():
        if task is not None and task.done():
            task.result()  # re-raises the client's error
            raise RuntimeError("client stopped before it became ready")
        if loop.time() > deadline:
            raise TimeoutError(f"{type(client).__name__} not ready within {timeout}s")
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def run_client(
    client: ClientT, fake: FakeDiscord, *, token: str | None = None, ready_timeout: float = 10.0
) -> AsyncIterator[ClientT]:
    """Run ``client.start(token)`` in the background until it is ready; close it cleanly on exit."""
    task = asyncio.create_task(client.start(token or fake.token), name="fakediscord-client")
    try:
        await wait_until_ready(client, task, ready_timeout)
        yield client
    finally:
        await client.close()
        try:
            await asyncio.wait_for(task, 10.0)
        except asyncio.CancelledError:
            if not task.cancelled():
                raise
