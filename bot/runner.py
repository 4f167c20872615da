"""`imagine-bot run`: the Discord client, once the CLI has read and checked every setting."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING

from bot.settings import BotSettings

if TYPE_CHECKING:
    from bot.app import Settings
    from bot.client import ImagineBot

log = logging.getLogger(__name__)


def run_bot(bot_settings: BotSettings, settings: Settings) -> None:
    """Run the Discord bot until it is stopped; exits with instructions when no token is set."""
    # The token first: without it nothing else (least of all a model) is worth loading.
    token = bot_settings.require_token()
    # The services are built in the client's setup_hook.
    from bot.client import ImagineBot, point_at

    point_at(bot_settings)
    bot = ImagineBot(bot_settings, settings)
    try:
        # As discord.py's Client.run, whose logging setup the CLI replaces, plus SIGTERM.
        asyncio.run(_serve(bot, token))
    except KeyboardInterrupt:
        return  # Ctrl-C: asyncio.run cancelled the client, which closed on its way out


async def _serve(bot: ImagineBot, token: str) -> None:
    """Run the client; SIGTERM (docker stop, systemd, Kubernetes) closes it as Ctrl-C does, so that
    running jobs are stopped and their claims released for whoever starts next.

    As Ctrl-C does: by cancelling this task, which stops the start where it is (loading the model,
    registering the commands) before the client closes on its way out. Closing beside a start that
    goes on left it failing on a closed session, and what it built after that unclosed.
    """
    loop = asyncio.get_running_loop()
    serving = asyncio.current_task()
    assert serving is not None
    stopping = False

    def stop() -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            log.info("SIGTERM: closing")
            serving.cancel()

    loop.add_signal_handler(signal.SIGTERM, stop)
    try:
        async with bot:
            await bot.start(token)
    except asyncio.CancelledError:
        if not stopping:
            raise  # Ctrl-C: asyncio.run cancelled us, and goes on to raise KeyboardInterrupt
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
