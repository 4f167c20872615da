"""custom_ids of the bot's buttons: `imagine:<action>:<job>[:<index>]`, parsed without trusting them.

A custom_id comes back from the client, so anyone can send any string; parsing never raises anything
but BadButton, whose reason the bot shows to the clicker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.errors import BadButton
from generation.models import MAX_JOB_ID
from generation.params import MAX_COUNT

PREFIX = "imagine"
_ID = re.compile(r"[1-9][0-9]{0,9}")
_INDEX = re.compile(r"[0-9]{1,2}")


class Action(StrEnum):
    RERUN = "rerun"
    UPSCALE = "upscale"
    VARY = "vary"
    DELETE = "delete"
    CANCEL = "cancel"

    @property
    def takes_index(self) -> bool:
        return self in (Action.UPSCALE, Action.VARY)


# Loose templates for discord.ui.DynamicItem: they match anything after the action, so that a mangled
# id still reaches our callback and gets an answer instead of "This interaction failed". ANY_TEXT
# includes line breaks (plain `.*` stops at one, and an id with one got no answer at all).
ANY_TEXT = r"(?s:.*)"
TEMPLATES = {action: rf"{PREFIX}:{action.value}:(?P<rest>{ANY_TEXT})" for action in Action}


@dataclass(frozen=True)
class JobButton:
    action: Action
    job_id: int
    index: int | None = None

    @property
    def custom_id(self) -> str:
        suffix = f":{self.index}" if self.index is not None else ""
        return f"{PREFIX}:{self.action.value}:{self.job_id}{suffix}"


def make_custom_id(action: Action, job_id: int, index: int | None = None) -> str:
    return JobButton(action, job_id, index).custom_id


def parse_rest(action: Action, rest: str) -> JobButton:
    """Parse what follows `imagine:<action>:`; raise BadButton on anything unexpected."""
    parts = rest.split(":")
    expected = 2 if action.takes_index else 1
    if len(parts) != expected:
        raise BadButton("it does not name a job and image")
    job, *index = parts
    if not _ID.fullmatch(job) or int(job) > MAX_JOB_ID:
        raise BadButton("it does not name a job")
    if not index:
        return JobButton(action, int(job))
    if not _INDEX.fullmatch(index[0]) or int(index[0]) >= MAX_COUNT:
        raise BadButton("it does not name an image of the job")
    return JobButton(action, int(job), int(index[0]))


def parse_custom_id(custom_id: str) -> JobButton:
    """Parse a whole custom_id; raise BadButton when it is not a job button of ours."""
    prefix, _, remainder = custom_id.partition(":")
    name, _, rest = remainder.partition(":")
    if prefix != PREFIX:
        raise BadButton("it is not one of this bot's buttons")
    try:
        action = Action(name)
    except ValueError:
        raise BadButton("it is not one of this bot's buttons") from None
    return parse_rest(action, rest)
