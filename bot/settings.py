"""Settings of the Discord side (environment variables prefixed DISCORD_, or .env)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import SettingsConfigDict

from moderation.settings import EnvSettings

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
DISCORD_CDN_HOSTS = ("cdn.discordapp.com", "media.discordapp.net")

# Values people leave in copied config files; refusing them beats a confusing 401 from Discord.
_PLACEHOLDER_TOKENS = {"", "changeme", "your-token-here", "your_bot_token", "xxx", "token"}

# A bot token is three base64url parts joined by dots (the bot's id, a timestamp, a signature). The
# portal shows other secrets beside it that people paste instead: the application id (a number), the
# OAuth2 client secret and the public key (one part each).
_BOT_TOKEN_FORM = re.compile(r"[\w-]+\.[\w-]+\.[\w-]+", re.ASCII)
_WHERE_THE_TOKEN_IS = (
    "copy it from your application's Bot page (Reset Token) at https://discord.com/developers/applications"
)

TOKEN_HELP = """\
No Discord bot token is set.

  1. Open https://discord.com/developers/applications, create an application (or pick yours),
     open "Bot", press "Reset Token" and copy the token.
  2. Put it in a file named .env in the folder you start the bot from ({env_file}):
         DISCORD_TOKEN=the-token-you-copied
     (or export DISCORD_TOKEN in your shell). See .env.example for every setting.
  3. Invite the bot: OAuth2 -> URL Generator -> scopes "bot" and "applications.commands",
     permissions "Send Messages", "Send Messages in Threads", "Attach Files", "Embed Links",
     "Read Message History"; open the URL and pick your server.
"""


def token_help() -> str:
    """TOKEN_HELP naming the .env the settings are read from: the one in the current folder."""
    return TOKEN_HELP.format(env_file=Path(".env").absolute())


class BotSettings(EnvSettings):
    model_config = SettingsConfigDict(env_prefix="DISCORD_")

    token: SecretStr | None = None
    # Overridable for proxies and the loopback test server.
    api_base: str = DISCORD_API_BASE
    gateway_url: str = DISCORD_GATEWAY_URL
    # Attachments for img2img are downloaded from these hosts only.
    cdn_hosts: tuple[str, ...] = DISCORD_CDN_HOSTS
    cdn_scheme: Literal["https", "http"] = "https"
    max_attachment_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # Register commands in these guilds instantly (global registration can take an hour to show).
    sync_guild_ids: tuple[int, ...] = ()
    sync_commands: bool = True
    # Minimum seconds between two progress edits of one job's message.
    progress_interval_s: float = Field(default=1.5, ge=0.1)
    shard_count: int | None = Field(default=None, ge=1)
    # The shards this process runs, when several processes split them (with shard_count set).
    shard_ids: tuple[int, ...] | None = None
    # Direct messages have no server policy (no moderators, no banned terms, no age-restricted flag), so
    # they are off unless the operator turns them on for the whole bot; then the default policy applies.
    dms_allowed: bool = False

    @field_validator("token")
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip().lower() in _PLACEHOLDER_TOKENS:
            return None
        return value

    @field_validator("token")
    @classmethod
    def _is_a_bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        # Told here, before anything loads, rather than as Discord's refusal once the model is up.
        # The messages never repeat the token: it is a secret even when it is the wrong one.
        token = value.get_secret_value().strip() if value is not None else ""
        if not token or _BOT_TOKEN_FORM.fullmatch(token):
            return value
        if token[0] in "\"'" or token[-1] in "\"'":
            raise ValueError("remove the quotes around the token")
        if token.lower().startswith("bot "):
            raise ValueError("leave out the 'Bot ' before the token (the bot adds it)")
        if any(character.isspace() for character in token):
            raise ValueError(f"the token has a space in it; {_WHERE_THE_TOKEN_IS}")
        if token.isdigit():
            raise ValueError(f"this is the application id, not the bot token; {_WHERE_THE_TOKEN_IS}")
        raise ValueError(
            "this is not a bot token, which is three parts joined by dots (the client secret and the "
            f"public key are not it); {_WHERE_THE_TOKEN_IS}"
        )

    @field_validator("api_base", "gateway_url")
    @classmethod
    def _is_a_url(cls, value: str, info: ValidationInfo) -> str:
        schemes = ("https", "http") if info.field_name == "api_base" else ("wss", "ws")
        url = urlsplit(value)
        if url.scheme not in schemes or not url.hostname:
            example = DISCORD_API_BASE if info.field_name == "api_base" else DISCORD_GATEWAY_URL
            raise ValueError(f"{value!r} is not a {' or '.join(schemes)} URL, like {example}")
        return value

    @field_validator("sync_guild_ids")
    @classmethod
    def _server_ids(cls, ids: tuple[int, ...]) -> tuple[int, ...]:
        # A server id is a Discord snowflake: a positive number of 17 to 20 digits.
        if wrong := [guild_id for guild_id in ids if not 0 < guild_id < 2**64]:
            raise ValueError(
                f"{', '.join(map(str, wrong))} is not a server id; copy it from Discord (Developer Mode on: "
                "right-click the server, Copy Server ID)"
            )
        return ids

    @field_validator("shard_ids")
    @classmethod
    def _shards_need_their_count(
        cls, shard_ids: tuple[int, ...] | None, info: ValidationInfo
    ) -> tuple[int, ...] | None:
        if shard_ids is None:
            return None
        if "shard_count" not in info.data:
            return shard_ids  # DISCORD_SHARD_COUNT is wrong itself and reported on its own
        count = info.data["shard_count"]
        # Without the total, each process would take itself for the only one and run every guild:
        # the processes would answer the same commands twice.
        if count is None:
            raise ValueError(
                "set DISCORD_SHARD_COUNT too, the same total on every process (for example "
                "DISCORD_SHARD_COUNT=4 with DISCORD_SHARD_IDS=[0,1] on one and [2,3] on the other)"
            )
        if not shard_ids:
            raise ValueError("name at least one shard, or leave it unset to run them all")
        outside = sorted(shard for shard in set(shard_ids) if not 0 <= shard < count)
        if outside:
            raise ValueError(
                f"shards are numbered 0 to {count - 1} with DISCORD_SHARD_COUNT={count}; {outside} is out of range"
            )
        return shard_ids

    def owns_guild(self, guild_id: int | None) -> bool:
        """Whether this process runs the shard of `guild_id` (direct messages belong to shard 0)."""
        if not self.shard_count or self.shard_ids is None:
            return True
        shard = 0 if guild_id is None else (guild_id >> 22) % self.shard_count
        return shard in self.shard_ids

    def require_token(self) -> str:
        """The token, or SystemExit with instructions to get one."""
        if self.token is None:
            raise SystemExit(token_help())
        return self.token.get_secret_value()
