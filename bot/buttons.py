"""Buttons that outlive the process: discord.ui.DynamicItem classes keyed by their custom_id templates.

Every button's state is in its custom_id (`imagine:upscale:<job>:<index>`), so a click after a restart
is handled like any other. The templates match loosely and parsing happens here, so a tampered id
gets an ephemeral answer rather than Discord's "This interaction failed".
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Self, cast

import discord

from bot.custom_ids import ANY_TEXT, PREFIX, TEMPLATES, Action, JobButton, parse_rest
from bot.errors import BadButton

if TYPE_CHECKING:
    from bot.client import ImagineBot

log = logging.getLogger(__name__)

_LOOK = {
    Action.RERUN: ("Rerun", "🔁", discord.ButtonStyle.secondary),
    Action.UPSCALE: ("U{n}", "⬆️", discord.ButtonStyle.secondary),
    Action.VARY: ("V{n}", "🔀", discord.ButtonStyle.secondary),
    Action.DELETE: ("Delete", "❌", discord.ButtonStyle.danger),
    Action.CANCEL: ("Cancel", None, discord.ButtonStyle.secondary),
}

Button = discord.ui.Button[Any]


def _bot(interaction: discord.Interaction[Any]) -> ImagineBot:
    return cast("ImagineBot", interaction.client)


def _button(action: Action, custom_id: str, index: int | None, row: int | None) -> Button:
    label, emoji, style = _LOOK[action]
    return discord.ui.Button(
        label=label.format(n=(index or 0) + 1), emoji=emoji, style=style, custom_id=custom_id, row=row
    )


class _JobActionItem:
    """What every job button shares: parse on the way in, hand over to the job flow on click.

    Mixed in before `discord.ui.DynamicItem`; each subclass only names its action and template.
    """

    action: Action
    parsed: JobButton | None
    problem: BadButton | None

    def __init__(
        self, job_id: int, index: int | None = None, *, row: int | None = None, raw: str | None = None
    ) -> None:
        parsed = JobButton(self.action, job_id, index)
        super().__init__(_button(self.action, raw or parsed.custom_id, index, row))  # type: ignore[call-arg]
        self._setup(parsed, None)

    def _setup(self, parsed: JobButton | None, problem: BadButton | None) -> None:
        self.parsed = parsed
        self.problem = problem

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        parsed, problem = _parse(cls.action, match)
        index = (parsed.index or 0) if parsed and cls.action.takes_index else None
        button = cls(parsed.job_id if parsed else 0, index, raw=match.string)
        button._setup(parsed, problem)
        return button

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _bot(interaction).flow.on_job_button(interaction, self.parsed, self.problem)


def _parse(action: Action, match: re.Match[str]) -> tuple[JobButton | None, BadButton | None]:
    try:
        return parse_rest(action, match.group("rest")), None
    except BadButton as exc:
        return None, exc


class RerunButton(_JobActionItem, discord.ui.DynamicItem[Button], template=TEMPLATES[Action.RERUN]):
    action = Action.RERUN


class DeleteButton(_JobActionItem, discord.ui.DynamicItem[Button], template=TEMPLATES[Action.DELETE]):
    action = Action.DELETE


class CancelButton(_JobActionItem, discord.ui.DynamicItem[Button], template=TEMPLATES[Action.CANCEL]):
    action = Action.CANCEL


class UpscaleButton(_JobActionItem, discord.ui.DynamicItem[Button], template=TEMPLATES[Action.UPSCALE]):
    action = Action.UPSCALE


class VaryButton(_JobActionItem, discord.ui.DynamicItem[Button], template=TEMPLATES[Action.VARY]):
    action = Action.VARY


# -- license terms ---------------------------------------------------------------------------------

TERMS_TEMPLATE = rf"{PREFIX}:terms:(?P<rest>{ANY_TEXT})"
_TERMS_REST = re.compile(
    r"(?P<choice>accept|decline):(?P<license>[a-z0-9][a-z0-9.-]{0,63}):(?P<version>[A-Za-z0-9.-]{1,32})"
)


class TermsButton(discord.ui.DynamicItem[Button], template=TERMS_TEMPLATE):
    """Accept or Decline under a license's terms; the id names the license and the version shown."""

    def __init__(self, choice: str, license_id: str, version: str, *, raw: str | None = None) -> None:
        accept = choice == "accept"
        super().__init__(
            discord.ui.Button(
                label="Accept" if accept else "Decline",
                style=discord.ButtonStyle.success if accept else discord.ButtonStyle.secondary,
                custom_id=raw or f"{PREFIX}:terms:{choice}:{license_id}:{version}",
            )
        )
        self.choice = choice
        self.license_id = license_id
        self.version = version
        self.valid = raw is None

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        parsed = _TERMS_REST.fullmatch(match.group("rest"))
        if parsed is None:
            button = cls("decline", "unknown", "0", raw=match.string)
            return button
        button = cls(parsed.group("choice"), parsed.group("license"), parsed.group("version"))
        return button

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        flow = _bot(interaction).flow
        if not self.valid:
            await flow.reply_problem(interaction, BadButton("it does not name a license"))
            return
        await flow.on_terms_button(interaction, self.choice == "accept", self.license_id, self.version)


# -- anything else that claims to be ours ---------------------------------------------------------

_KNOWN = "|".join(re.escape(action.value) for action in Action)
STRAY_TEMPLATE = rf"{PREFIX}:(?!(?:{_KNOWN}|terms):){ANY_TEXT}"


class StrayButton(discord.ui.DynamicItem[Button], template=STRAY_TEMPLATE):
    """A custom_id with our prefix but no action we know: answered, never left hanging."""

    def __init__(self, raw: str) -> None:
        super().__init__(discord.ui.Button(label="?", custom_id=raw))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match.string)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _bot(interaction).flow.reply_problem(
            interaction, BadButton("it is not one of this bot's buttons")
        )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    RerunButton,
    UpscaleButton,
    VaryButton,
    DeleteButton,
    CancelButton,
    TermsButton,
    StrayButton,
)


_JOB_BUTTONS: dict[Action, type[_JobActionItem]] = {
    button.action: button for button in (RerunButton, UpscaleButton, VaryButton, DeleteButton, CancelButton)
}


def job_button(
    action: Action, job_id: int, index: int | None = None, *, row: int | None = None
) -> discord.ui.Item[Any]:
    """The button for `action` on a job (and image, for upscale and vary)."""
    button = _JOB_BUTTONS[action](job_id, (index or 0) if action.takes_index else None, row=row)
    return cast("discord.ui.Item[Any]", button)


def terms_view(license_id: str, version: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(TermsButton("accept", license_id, version))
    view.add_item(TermsButton("decline", license_id, version))
    return view
