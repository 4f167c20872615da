"""Every sentence the bot says to people, made here and nowhere else.

Errors from `generation`, `moderation` and `bot` carry attributes, not prose for Discord; this module
decides how each reads. Anything unexpected gets a neutral sentence (the details go to the log).
"""

from __future__ import annotations

from datetime import datetime

from discord import app_commands

from bot.errors import AttachmentRejected, BadButton, BadDuration, FlagError, NotHere, NotModerator
from bot.flags import flags_help
from generation.errors import (
    GenerationError,
    ImageRejected,
    InvalidImage,
    InvalidParameters,
    JobNotFound,
    ModelUnavailable,
    NotAllowed,
    QueueFull,
    SourceUnavailable,
)
from generation.fairqueue import Position
from generation.models import Job, JobStatus
from moderation.audit import AuditEntry, BlockedPrompt
from moderation.errors import InvalidPolicy, LicenseNotAccepted, ModerationError, PromptBlocked, UserBanned
from moderation.licenses import ModelLicense
from moderation.outcome import ImageAction
from moderation.policy import GuildPolicy

# Below Discord's 2,000 characters per message, with room for what callers put around a text.
MESSAGE_LIMIT = 1900


def shorten(text: str, limit: int) -> str:
    """`text` as is if it fits in `limit` characters, else cut to fit with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Which option (or flag) a user changes for each field InvalidParameters names.
_FIELD_HINTS = {
    "prompt": "the `prompt`",
    "width": "the `width` option",
    "height": "the `height` option",
    "size": "`width`/`height` (or `aspect` / `--ar`)",
    "aspect": "`aspect` (or `--ar`)",
    "steps": "`steps` (or `--steps`)",
    "guidance": "`guidance` (or `--cfg`)",
    "count": "`count` (or `--n`)",
    "seed": "`seed` (or `--seed`)",
    "strength": "`strength` (or `--strength`)",
    "sampler": "the `sampler` option",
    "model": "the `model` option",
    "image": "the `image` attachment",
}

GENERIC_FAILURE = "Something went wrong on our side. It has been logged; please try again in a moment."
NO_REASON = "no reason given"


def describe_error(exc: BaseException) -> str:
    """A sentence a person can act on, for any error the bot shows."""
    match exc:
        case FlagError(flag=flag, reason=reason):
            return f"**{flag}**: {reason}.\nInline flags:\n{flags_help()}"
        case InvalidParameters(field=field, reason=reason):
            hint = _FIELD_HINTS.get(field, f"`{field}`")
            return f"{_sentence(reason)} Change {hint} and try again."
        case AttachmentRejected(reason=reason) | InvalidImage(reason=reason):
            return f"The attached image can't be used: {reason}."
        case ImageRejected(reason=reason) | SourceUnavailable(reason=reason):
            return f"{_sentence(reason)}"
        case PromptBlocked():
            return describe_block(exc)
        case UserBanned(reason=reason, expires_at=expires_at):
            until = f" until {timestamp(expires_at)}" if expires_at else ""
            because = f" Reason: {reason}" if reason else ""
            return f"You can't generate images on this server{until}.{because}"
        case LicenseNotAccepted(license=license_):
            return (
                f"Before the first image, please read and accept the {license_.name} terms: "
                "use `/terms`, then try again."
            )
        case InvalidPolicy(key=key, reason=reason):
            return f"Can't change `{key}`: {reason}"
        case QueueFull(scope="user", limit=limit):
            return f"You already have {limit} jobs waiting. Wait for one to finish or `/cancel` one."
        case QueueFull(scope="guild", limit=limit):
            return f"This server's queue is full ({limit} jobs). Please try again in a few minutes."
        case QueueFull(limit=limit):
            return f"The bot is very busy ({limit} jobs queued). Please try again in a few minutes."
        case JobNotFound(job_id=job_id):
            return f"There is no job #{job_id}."
        case NotAllowed():
            return f"{_sentence(str(exc))}"
        case ModelUnavailable():
            return "That model isn't available right now. Try the default model, or ask the bot's operator."
        case NotHere(reason=reason):
            return _sentence(reason)
        case NotModerator():
            return "Only moderators can do that: members with Manage Server, or the server's moderator role."
        case BadButton(reason=reason):
            return f"That button can't be used: {reason}."
        case BadDuration(value=value):
            return f"`{value}` is not a duration. Use a number and a unit, like `30m`, `12h`, `7d` or `2w`."
        case GenerationError() | ModerationError():
            return _sentence(str(exc))
        case app_commands.NoPrivateMessage():
            return "This command works on servers only."
        case app_commands.TransformerError(value=value):
            return f"The value {value!r} can't be used for this option."
        case app_commands.CheckFailure():
            return "You can't use this command here."
    return GENERIC_FAILURE


def describe_block(exc: PromptBlocked) -> str:
    """Why a prompt was refused, and whether the server could change that."""
    where = (
        "This rule applies on every server and can't be turned off."
        if exc.hard_floor
        else "This server's moderators set this rule."
    )
    return f"Your prompt was blocked: {_sentence(exc.reason)} {where} (rule `{exc.rule_id}`)"


def timestamp(moment: datetime, style: str = "R") -> str:
    """Discord's timestamp markup, shown in each reader's own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


# -- a job's life ---------------------------------------------------------------------------------


def queued_line(job_id: int, position: Position | None, eta_s: float | None) -> str:
    """The first edit after submitting: where the job stands."""
    if position is None:
        return f"Job #{job_id} is starting…"
    place = "next in line" if position.ahead == 0 else f"{position.ahead} ahead of it"
    eta = f", starts in about {duration(eta_s)}" if eta_s is not None and eta_s >= 1 else ""
    return f"Job #{job_id} is queued ({place}{eta})."


def progress_line(job_id: int, step: int, total: int, *, width: int = 20) -> str:
    """A text progress bar, e.g. `Job #4 ▰▰▰▰▱▱▱▱▱▱ 40% (step 4/10)`."""
    total = max(total, 1)
    step = min(max(step, 0), total)
    filled = round(width * step / total)
    percent = round(100 * step / total)
    return f"Job #{job_id} `{'█' * filled}{'░' * (width - filled)}` {percent}% (step {step}/{total})"


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def finished_line(job: Job, *, posted: int, total: int) -> str:
    """The text above a finished job's images: what happened, and why any image is missing."""
    match job.status:
        case JobStatus.FAILED:
            return f"Job #{job.id} failed: {_sentence(job.error or 'unknown error')} Please try again."
        case JobStatus.CANCELLED:
            return f"Job #{job.id} was cancelled."
        case JobStatus.BLOCKED:
            return f"Job #{job.id} was blocked: {_sentence(job.error or '')}"
    lines = [f"Job #{job.id} is done."]
    withheld = [image for image in job.images if image.action is ImageAction.WITHHOLD]
    if withheld:
        reasons = sorted(
            {_sentence(image.reason or "it did not pass the safety check") for image in withheld}
        )
        noun = "image was" if len(withheld) == 1 else "images were"
        lines.append(f"{len(withheld)} of {len(job.images)} {noun} withheld. {' '.join(reasons)}")
    if posted < total - len(withheld):
        lines.append("Some images could not be attached; use `/job` to see the job.")
    if any(image.action is ImageAction.SPOILER for image in job.images):
        lines.append("Images flagged as sensitive are behind spoilers.")
    return "\n".join(lines)


def expired_result_line(user_id: int, text: str) -> str:
    """A result posted as a channel message after the interaction token ran out."""
    return f"<@{user_id}> {text}"


def without_images(text: str, job_id: int) -> str:
    """A result posted where the bot may not attach its images."""
    return f"{text}\nThe images couldn't be attached here; `/job {job_id}` shows them to you."


def result_moved_line(job_id: int, url: str) -> str:
    """The interaction's message once the result had to go to the channel instead."""
    return f"Job #{job_id} is done: {url}"


def deleted_line(job_id: int) -> str:
    return f"Job #{job_id} was deleted."


def job_summary(job: Job) -> str:
    """One line of `/history` or `/queue`."""
    prompt = job.generation_params.prompt
    short = prompt if len(prompt) <= 60 else prompt[:57] + "…"
    status = "deleted" if job.deleted_at is not None else job.status.value
    return f"**#{job.id}** {status} · {job.kind.value} · {short!s} · {timestamp(job.created_at)}"


def mention(user_id: int, text: str) -> str:
    return f"<@{user_id}> {text}"


def cancel_requested(job_id: int) -> str:
    return f"Cancelling job #{job_id}. A job that is already running stops at its next step."


# -- license terms --------------------------------------------------------------------------------


def waiting_for_terms(license_: ModelLicense) -> str:
    return f"Waiting for the {license_.name} terms to be accepted (see the message only you can see)."


def terms_intro(license_: ModelLicense, *, accepted: bool) -> str:
    if accepted:
        return f"You accepted these terms (version {license_.version}). They are shown here for reference."
    return (
        f"The model is licensed under the {license_.name}. Its use restrictions apply to everything "
        "you make with it. Please read them and accept to continue."
    )


def terms_changed(license_: ModelLicense) -> str:
    return f"The {license_.name} terms changed since they were shown. Here is version {license_.version}."


def terms_declined(license_: ModelLicense) -> str:
    return (
        f"You declined the {license_.name} terms, so the bot won't make images for you. "
        "`/terms` shows them again whenever you change your mind."
    )


def terms_accepted(license_: ModelLicense, *, resuming: int) -> str:
    """`resuming`: how many of the member's requests were waiting for this answer."""
    if resuming == 1:
        then = " Your request is on its way."
    elif resuming > 1:
        then = f" Your {resuming} requests are on their way."
    else:
        then = " You can use `/imagine` now."
    return f"Thank you: you accepted the {license_.name} terms (version {license_.version}).{then}"


def pending_dropped() -> str:
    return "This request was dropped: too many of yours were waiting for the terms. Try it again after accepting them."


# -- /queue, /cancel, /history --------------------------------------------------------------------


def queue_summary(lines: list[str], depth: int, *, in_guild: bool) -> str:
    where = "this server's queue" if in_guild else "your direct-message queue"
    mine = "\n".join(lines) if lines else "You have no jobs waiting."
    noun = "job" if depth == 1 else "jobs"
    return f"{mine}\n{depth} {noun} waiting in {where}."


def nothing_to_cancel() -> str:
    return "You have no queued or running jobs."


def already_finished(job_id: int, status: str) -> str:
    return f"Job #{job_id} has already finished ({status})."


def job_choice(job: Job) -> str:
    """An autocomplete entry (at most 100 characters)."""
    prompt = job.generation_params.prompt
    text = f"#{job.id} {job.status.value}: {prompt}"
    return shorten(text, 100)


def history(jobs: list[Job]) -> str:
    if not jobs:
        return "You have no jobs yet. Try `/imagine`."
    text = "\n".join(job_summary(job) for job in jobs)
    return shorten(text, MESSAGE_LIMIT)


# -- moderation ------------------------------------------------------------------------------------


def policy_changed(actor_id: int, what: str) -> str:
    """A line for the policy's log channel."""
    return f"<@{actor_id}> {what}"


def policy_summary(policy: GuildPolicy) -> str:
    """Every setting of a policy; the term lists as counts (`/policy terms list` shows them)."""
    lines = ["**This server's policy**"]
    for key, value in policy.model_dump(mode="json").items():
        if key in ("banned_terms", "banned_patterns"):
            shown = f"{len(value)} (see `/policy terms list`)"
        elif key == "allowed_channel_ids":
            shown = ", ".join(f"<#{channel}>" for channel in value) or "all channels"
        elif key == "moderator_role_id":
            shown = f"<@&{value}>" if value else "none (Manage Server only)"
        elif key == "log_channel_id":
            shown = f"<#{value}>" if value else "none"
        elif isinstance(value, bool):
            shown = "on" if value else "off"
        else:
            shown = str(value)
        lines.append(f"`{key}`: {shown}")
    return "\n".join(lines)


def setting_changed(key: str, value: str) -> str:
    return f"set `{key}` to `{_code(value)}`."


def policy_reset() -> str:
    return "reset the policy to the defaults."


def terms_changed_log(verb: str, kind: str, count: int) -> str:
    noun = kind if count == 1 else f"{kind}s"
    return f"{verb} {count} banned {noun}."


def terms_changed_reply(verb: str, kind: str, items: list[str]) -> str:
    shown = ", ".join(f"`{_code(item)}`" for item in items)
    return f"{verb.capitalize()} banned {kind}{'s' if len(items) != 1 else ''}: {shown}"


def terms_list(terms: list[str], patterns: list[str]) -> str:
    shown_terms = ", ".join(f"`{_code(term)}`" for term in terms) or "none"
    shown_patterns = "\n".join(f"`{_code(pattern)}`" for pattern in patterns) or "none"
    text = f"**Banned terms**: {shown_terms}\n**Banned patterns**:\n{shown_patterns}"
    return shorten(text, MESSAGE_LIMIT)


def banned(user_id: int, reason: str | None, expires_at: datetime | None) -> str:
    until = f" until {timestamp(expires_at, 'f')}" if expires_at else ""
    because = f" ({reason})" if reason else ""
    return f"banned <@{user_id}> from generating images{until}{because}."


def unbanned(user_id: int) -> str:
    return f"unbanned <@{user_id}>."


def purged(user_id: int, jobs: int, rows: int) -> str:
    return f"deleted the data of <@{user_id}>: {jobs} jobs with their images, {rows} other records."


def forget_me_unconfirmed() -> str:
    return (
        "Nothing was deleted. To delete all your jobs, images and records, run `/forget-me confirm:DELETE`."
    )


def forgotten(jobs: int, rows: int) -> str:
    return (
        f"Deleted {jobs} jobs with their images and {rows} other records. Server bans are kept; "
        "you will be asked to accept the model's terms again before your next image."
    )


def audit_entries(entries: list[AuditEntry]) -> str:
    if not entries:
        return "The moderation log is empty."
    lines = []
    for entry in entries:
        actor = f"<@{entry.actor_id}>" if entry.actor_id else "someone"
        target = f" → <@{entry.target_user_id}>" if entry.target_user_id else ""
        rule = f" `{entry.rule_id}`" if entry.rule_id else ""
        lines.append(f"{timestamp(entry.created_at)} {actor} {entry.action.value}{target}{rule}")
    text = "\n".join(lines)
    return shorten(text, MESSAGE_LIMIT)


def blocked_prompts(rows: list[BlockedPrompt]) -> str:
    """Blocked prompts for moderator review (kept for the retention period only)."""
    if not rows:
        return "No blocked prompts are on record for this server."
    lines = []
    for row in rows:
        negative = f" (negative: `{_code(row.negative_prompt[:100])}`)" if row.negative_prompt else ""
        lines.append(
            f"{timestamp(row.created_at)} <@{row.user_id}> `{row.rule_id}`: `{_code(row.prompt[:200])}`{negative}"
        )
    text = "\n".join(lines)
    return shorten(text, MESSAGE_LIMIT)


def _code(text: str) -> str:
    return text.replace("`", "ˋ")
