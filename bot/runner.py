"""`imagine-bot run`: the Discord client, once the CLI has read and checked every setting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import BotSettings

if TYPE_CHECKING:
    from bot.app import Settings


def run_bot(bot_settings: BotSettings, settings: Settings) -> None:
    """Run the Discord bot until it is stopped; exits with instructions when no token is set."""
    # The token first: without it nothing else (least of all a model) is worth loading.
    token = bot_settings.require_token()
    # The services are built in the client's setup_hook.
    from bot.client import ImagineBot, point_at

    point_at(bot_settings)
    bot = ImagineBot(bot_settings, settings)
    # Logging is configured by the CLI; discord.py would otherwise add its own handler.
    bot.run(token, log_handler=None)
