"""`imagine-bot run`: read the settings, refuse to start without a token, run the bot."""

from __future__ import annotations

import logging

from bot.settings import BotSettings

log = logging.getLogger(__name__)


def run_bot() -> None:
    """Run the Discord bot until it is stopped; exits with instructions when no token is set."""
    # 1. The token first: without it nothing else (least of all a model) is worth loading.
    bot_settings = BotSettings()
    token = bot_settings.require_token()

    # 2. The rest of the settings and the client; the services are built in its setup_hook.
    from bot.app import Settings
    from bot.client import ImagineBot, point_at

    settings = Settings()
    point_at(bot_settings)
    bot = ImagineBot(bot_settings, settings)
    # Logging is configured by the CLI; discord.py would otherwise add its own handler.
    bot.run(token, log_handler=None)
