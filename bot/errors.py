"""Errors raised by the Discord layer itself; `bot.wording` turns them (and the domain's) into text."""

from __future__ import annotations


class BotError(Exception):
    """Root of every error the bot package raises on purpose."""


class FlagError(BotError):
    """An inline flag could not be used; `flag` is how the user wrote it (`--seed`).

    `out_of_range` is the value as an error may repeat it, when the value is a number outside the
    flag's range: a server's lower limit can then be quoted in its place (see `wording`).
    """

    def __init__(self, flag: str, reason: str, *, out_of_range: str | None = None) -> None:
        super().__init__(f"{flag}: {reason}")
        self.flag = flag
        self.reason = reason
        self.out_of_range = out_of_range


class AttachmentRejected(BotError):
    """An attachment for img2img was refused before it reached the decoder."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotHere(BotError):
    """The bot may not generate in this channel (not allowed by the policy, or DMs are off)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotModerator(BotError):
    """A moderator command or action by someone who is not a moderator here."""


class BadButton(BotError):
    """A component's custom_id does not name a usable job or image (tampered or stale)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadDuration(BotError):
    """A ban duration that is not like `30m`, `12h`, `7d` or `2w`, or longer than bans may be
    (`too_long`)."""

    def __init__(self, value: str, *, too_long: bool = False) -> None:
        super().__init__(value)
        self.value = value
        self.too_long = too_long
