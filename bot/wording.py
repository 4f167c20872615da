"""Every sentence the bot says to people, made here and nowhere else.

Errors from `generation`, `moderation` and `bot` carry attributes, not prose for Discord; this module
decides how each reads. Anything unexpected gets a neutral sentence (the details go to the log).
"""

from __future__ import annotations

import math
from datetime import datetime

import discord
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
    RequestErased,
    SourceUnavailable,
)
from generation.fairqueue import Position
from generation.models import Job, JobStatus
from moderation.audit import BOT_DECISIONS, AuditAction, AuditEntry, BlockedPrompt
from moderation.bans import Ban
from moderation.errors import InvalidPolicy, LicenseNotAccepted, ModerationError, PromptBlocked, UserBanned
from moderation.licenses import ModelLicense
from moderation.outcome import ImageAction
from moderation.policy import GuildPolicy, NsfwMode

# Below Discord's 2,000 characters per message, with room for what callers put around a text.
MESSAGE_LIMIT = 1900


# A job's recorded reason shown in its message: room for the rest of the message under MESSAGE_LIMIT.
_REASON_LIMIT = 300


def one_line(text: str) -> str:
    """`text` with each run of spaces and line breaks made one space, for a line in a list."""
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """`text` as is if it fits in `limit` characters, else cut to fit with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def as_typed(text: str, limit: int) -> str:
    """A member's text shown literally in the bot's own message: its markdown escaped (no masked links,
    headings or spoilers of theirs in what the bot posts), cut to `limit` characters with an ellipsis.

    Escaping may double a text's length, so the cut is made before escaping: it never splits an
    escape, and what is shown always fits Discord's limit.
    """
    escaped = discord.utils.escape_markdown(text)
    if len(escaped) <= limit:
        return escaped
    # The longest beginning of the text whose escaped form fits with the ellipsis.
    fits, too_long = 0, len(text)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if len(discord.utils.escape_markdown(text[:middle])) < limit:
            fits = middle
        else:
            too_long = middle
    return discord.utils.escape_markdown(text[:fits]) + "…"


# Which option (or flag) a user changes for each field InvalidParameters names.
_FIELD_HINTS = {
    "prompt": "the `prompt`",
    "width": "the `width` option",
    "height": "the `height` option",
    "size": "`width`/`height` (or `aspect` / `--ar`)",
    "aspect": "`aspect` (or `--ar`)",
    "steps": "`steps` (or `--steps`)",
    "guidance": "`guidance` (or `--cfg`)",
    "negative": "`negative` (or `--no`)",
    "count": "`count` (or `--n`)",
    "seed": "`seed` (or `--seed`)",
    "strength": "`strength` (or `--strength`)",
    "sampler": "the `sampler` option",
    "model": "the `model` option",
    "image": "the `image` attachment",
}


def describe_error_publicly(exc: BaseException) -> str:
    """`describe_error` for the answer to a reaction, which others can read (a reaction has no private
    reply): a ban's reason and end are between the member and the moderators."""
    if isinstance(exc, UserBanned):
        return "You can't generate images on this server."
    if isinstance(exc, BadButton):
        return f"That reaction can't be used: {exc.reason}."
    if isinstance(exc, PromptBlocked) and exc.rule_id.startswith("policy.banned"):
        # The moderators' list of banned terms and patterns is theirs: not quoted in the channel.
        return f"{_blocked_prompt(exc)}: it holds a term or pattern this server's moderators banned."
    return describe_error(exc)


# A request deferred when the bot stopped, before it was queued.
RESTARTING = "The bot restarted before your request was queued; please send it again."
# In place of a public "thinking…" that a private answer could not replace.
NOTHING_CAME_OF_IT = "This request was not carried out."
GENERIC_FAILURE = "Something went wrong on our side. It has been logged; please try again in a moment."
NO_REASON = "no reason given"
# A note under the queued line of a job made from an animated GIF, WebP or PNG.
ANIMATED_FIRST_FRAME = "The attached image is animated: its first frame is used."


def describe_flag_error(exc: FlagError, policy: GuildPolicy | None = None) -> str:
    """A flag's error, with the limits of the server's `policy` where it is known.

    A number over a server's lower limit is answered with that limit: "use 1 to 150" where the server
    allows 30 would only cost the member another try, and another error.
    """
    if policy is None:
        return f"**{exc.flag}**: {exc.reason}.\nInline flags:\n{flags_help()}"
    reason = exc.reason
    server_limit = {"--steps": policy.max_steps, "--n": policy.max_count}.get(exc.flag)
    if exc.out_of_range is not None and server_limit is not None:
        reason = f"{exc.out_of_range} is out of range; use 1 to {server_limit}"
    limits = flags_help(max_steps=policy.max_steps, max_count=policy.max_count)
    return f"**{exc.flag}**: {reason}.\nInline flags:\n{limits}"


def describe_error(exc: BaseException) -> str:
    """A sentence a person can act on, for any error the bot shows."""
    match exc:
        case FlagError():
            return describe_flag_error(exc)
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
            return (
                f"You already have {limit} jobs waiting or running. Wait for one to finish or `/cancel` one."
            )
        case QueueFull(scope="guild", limit=limit):
            return f"This server's queue is full ({limit} jobs). Please try again in a few minutes."
        case QueueFull(limit=limit):
            return f"The bot is very busy ({limit} jobs queued). Please try again in a few minutes."
        case JobNotFound(job_id=job_id):
            return f"There is no job #{job_id}."
        case RequestErased():
            return (
                "Your data was erased while this request was being checked, so nothing of it was kept. "
                "Send it again if you still want it."
            )
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
        case BadDuration(value=value, too_long=True):
            return f"`{value}` is longer than a ban may be (ten years). Leave `duration` out to ban until unbanned."
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
    if exc.hard_floor:
        where = "This rule applies on every server and can't be turned off."
    elif exc.rule_id.startswith("license."):
        where = "The model's license forbids this use, on every server."
    elif exc.rule_id.startswith("policy.") or exc.category == "nsfw":
        # The semantic screener's explicit-content rule applies where the server's NSFW setting does.
        where = "This server's moderators set this rule."
    else:
        where = "The bot's operator set this rule."
    return f"{_blocked_prompt(exc)}: {_sentence(exc.reason)} {where} (rule `{exc.rule_id}`)"


def _blocked_prompt(exc: PromptBlocked) -> str:
    # A rerun, upscale or variation carries the prompt of the job it comes from.
    return f"The prompt of job #{exc.of_job} is blocked here" if exc.of_job else "Your prompt was blocked"


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


def running_line(job_id: int) -> str:
    return f"Job #{job_id} is running."


def no_such_model(name: str) -> str:
    return f"There is no model called `{_code(name[:100])}`."


def queued_line(job_id: int, position: Position | None, eta_s: float | None) -> str:
    """The first edit after submitting: where the job stands."""
    if position is None:
        return f"Job #{job_id} is starting…"
    place = "next in line" if position.ahead == 0 else f"{position.ahead} ahead of it"
    eta = f", starts in about {duration(eta_s)}" if eta_s is not None and eta_s >= 1 else ""
    return f"Job #{job_id} is queued ({place}{eta})."


def progress_line(job_id: int, step: int, total: int, *, width: int = 20) -> str:
    """A text progress bar, e.g. `Job #4 `████░░░░░░` 40% (step 4/10)` (at width 10)."""
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


def finished_line(job: Job, *, posted: int, total: int, spoilers_shown: bool = True) -> str:
    """The text above a finished job's images: what happened, and why any image is missing."""
    match job.status:
        case JobStatus.FAILED:
            # Records made before failures were worded for members may hold long internals.
            reason = shorten(job.error or "unknown error", _REASON_LIMIT)
            return f"Job #{job.id} failed: {_sentence(reason)} Please try again."
        case JobStatus.CANCELLED:
            return f"Job #{job.id} was cancelled."
        case JobStatus.BLOCKED:
            return f"Job #{job.id} was blocked: {_sentence(shorten(job.error or '', _REASON_LIMIT))}"
    lines = [f"Job #{job.id} is done."]
    withheld = [image for image in job.images if image.action is ImageAction.WITHHOLD]
    if withheld:
        reasons = sorted(
            {_sentence(image.reason or "it did not pass the safety check") for image in withheld}
        )
        noun = "image" if len(job.images) == 1 else "images"
        verb = "was" if len(withheld) == 1 else "were"
        lines.append(f"{len(withheld)} of {len(job.images)} {noun} {verb} withheld. {' '.join(reasons)}")
    # Shown once, their files since removed at the end of the images' retention period.
    removed = sum(image.path is None for image in job.images if image.action is not ImageAction.WITHHOLD)
    if removed:
        noun = "image is" if removed == 1 else "images are"
        lines.append(f"{removed} {noun} no longer stored: images are kept here for a limited time.")
    spoilered = sum(image.action is ImageAction.SPOILER and image.path is not None for image in job.images)
    hidden = 0 if spoilers_shown else spoilered
    if posted < total - len(withheld) - removed - hidden:
        lines.append("Some images could not be attached; use `/job` to see the job.")
    if hidden:
        noun = "image flagged as sensitive is" if hidden == 1 else "images flagged as sensitive are"
        lines.append(f"{hidden} {noun} shown only in age-restricted channels of servers that allow them.")
    elif spoilered:
        lines.append("Images flagged as sensitive are behind spoilers.")
    return "\n".join(lines)


def without_images(text: str, job_id: int) -> str:
    """A result posted where the bot may not attach its images."""
    return f"{text}\nThe images couldn't be attached here; `/job {job_id}` shows them to you."


def undeliverable(job_id: int, channel_id: int | None) -> str:
    """A direct message to the member whose result Discord would not let the bot post, ever."""
    where = f"<#{channel_id}>" if channel_id is not None else "its channel"
    return (
        f"Your job #{job_id} is done, but I couldn't post it in {where}: the channel is gone, or I may not "
        f"post there. `/job {job_id}` in the server shows you the images."
    )


def result_moved_line(job_id: int, url: str) -> str:
    """The interaction's message once the result had to go to the channel instead."""
    return f"Job #{job_id} is done: {url}"


def deleted_line(job_id: int) -> str:
    return f"Job #{job_id} was deleted."


def job_summary(job: Job) -> str:
    """One line of `/history` or `/queue`."""
    # Escaped after shortening: a cut must not split an escape, and a prompt's own `**` or backticks
    # must not turn the rest of the list bold or into code.
    short = discord.utils.escape_markdown(shorten(one_line(job.generation_params.prompt), 60))
    status = "deleted" if job.deleted_at is not None else job.status.value
    return f"**#{job.id}** {status} · {job.kind.value} · {short} · {timestamp(job.created_at)}"


def mention(user_id: int, text: str) -> str:
    """`text` addressed to the member in a channel message (a result after the interaction's token
    ran out, an answer to a reaction)."""
    return f"<@{user_id}> {text}"


def cancel_requested(job_id: int) -> str:
    return f"Cancelling job #{job_id}. A job that is already running stops at its next step."


# -- license terms --------------------------------------------------------------------------------


def waiting_for_terms(license_: ModelLicense) -> str:
    return f"Waiting for the {license_.name} terms to be accepted (see the message only you can see)."


def not_kept_for_terms(license_: ModelLicense) -> str:
    return (
        f"Too many requests with images are waiting for terms to be accepted to keep this one. Accept the "
        f"{license_.name} terms (see the message only you can see), then send it again."
    )


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


def pending_erased() -> str:
    return "This request was dropped: you asked for your data to be deleted."


def pending_expired() -> str:
    return "This request was dropped: the terms were not answered in time. Try it again after accepting them."


def pending_dropped() -> str:
    return "This request was dropped: too many of yours were waiting for the terms. Try it again after accepting them."


# -- /queue, /cancel, /history --------------------------------------------------------------------


def queue_summary(lines: list[str], depth: int, *, in_guild: bool) -> str:
    where = "this server's queue" if in_guild else "your direct-message queue"
    mine = "\n".join(lines) if lines else "You have no jobs waiting here."
    noun = "job" if depth == 1 else "jobs"
    return f"{mine}\n{depth} {noun} waiting in {where}."


def nothing_to_cancel() -> str:
    return "You have no queued or running jobs here."


def already_cancelled(job_id: int) -> str:
    return f"Job #{job_id} is cancelled already."


def already_finished(job_id: int, status: str) -> str:
    return f"Job #{job_id} has already finished ({status})."


def job_choice(job: Job) -> str:
    """An autocomplete entry (at most 100 characters)."""
    text = f"#{job.id} {job.status.value}: {one_line(job.generation_params.prompt)}"
    return shorten(text, 100)


def history(jobs: list[Job], *, in_a_server: bool = False) -> str:
    """A member's recent jobs; in a server, those made there (their others are elsewhere)."""
    if not jobs:
        where = " on this server" if in_a_server else ""
        return f"You have no jobs{where} yet. Try `/imagine`."
    return whole_lines([job_summary(job) for job in jobs], MESSAGE_LIMIT)


def whole_lines(lines: list[str], limit: int) -> str:
    """As many whole lines as fit in `limit` characters, then how many were left out."""
    return as_many_as_fit(lines, limit, "\n")


def as_many_as_fit(items: list[str], limit: int, separator: str = ", ") -> str:
    """As many whole items as fit in `limit` characters, joined, then how many were left out."""
    shown: list[str] = []
    used = 0
    for number, item in enumerate(items):
        left_after = len(items) - number - 1
        # Room for this item, and for the "…and N more" that may have to follow it.
        tail = len(f"{separator}…and {left_after} more") if left_after else 0
        if used + len(item) + tail > limit:
            shown.append(f"…and {len(items) - number} more")
            break
        shown.append(item)
        used += len(item) + len(separator)
    return separator.join(shown)


# -- /help ----------------------------------------------------------------------------------------


HELP_TITLE = "Making images here"
NO_IMAGES_IN_DMS = "This bot makes images on servers only, not in direct messages: use these there."


# What the model makes of a prompt, said where members learn to write one: neither is an error, and
# neither is visible in the result, so without this both would go unnoticed.
PROMPT_READING = (
    "The model reads the first 75 tokens (about 60 words) of a prompt and of a negative prompt; the "
    "rest is left out. Weighting from other tools, `(word:1.3)` or `[word]`, is not applied: the "
    'brackets and numbers reach the model as text. A prompt pasted with its "Negative prompt: ..." '
    "has that part taken as `--no`."
)


def help_intro(policy: GuildPolicy) -> str:
    images = "an image" if policy.max_count == 1 else f"up to {policy.max_count} images"
    flags = flags_help(max_steps=policy.max_steps, max_count=policy.max_count)
    return (
        f"`/imagine prompt:` what to draw, for {images}; attach an image to start from it. You see your "
        "place in the queue and the progress (with a **Cancel** button), then the images.\n"
        f"Inline flags go after the prompt, e.g. `a castle --ar 16:9 --seed 7 --no text`:\n{flags}\n"
        f"{PROMPT_READING}"
    )


def help_buttons(max_count: int) -> str:
    per_image = "**U1**" if max_count == 1 else f"**U1–U{max_count}**"
    variations = "**V1**" if max_count == 1 else f"**V1–V{max_count}**"
    return (
        f"{per_image} upscale an image 2×, {variations} make variations of it, 🔁 **Rerun** makes the same "
        "again with new seeds, ❌ **Delete** removes your own result (moderators: anyone's).\n"
        "Reactions on a result do the same: 🔁 reruns, ⬆️ upscales the first image, ❌ deletes."
    )


def help_limits(policy: GuildPolicy) -> str:
    """What this server's policy allows a member, in their words."""
    # Up to 100 channels may be allowed: all of them would not fit in an embed field.
    channels = as_many_as_fit([f"<#{channel}>" for channel in policy.allowed_channel_ids], 500)
    flagged = (
        "behind a spoiler in age-restricted channels, withheld elsewhere (and always withheld when made "
        "from an attached image, which may show a real person)"
        if policy.nsfw_mode is NsfwMode.AGE_RESTRICTED
        else "withheld"
    )
    side = math.isqrt(policy.max_pixels)
    size = f"{side}×{side}" if side * side == policy.max_pixels else f"{policy.max_pixels:,} pixels"
    images = "1 image" if policy.max_count == 1 else f"up to {policy.max_count} images"
    # The cap counts a member's running jobs with their queued ones, as the refusal at the cap says.
    jobs = "1 job" if policy.user_queue_cap == 1 else f"{policy.user_queue_cap} jobs"
    return (
        f"{images.capitalize()} of up to {size} and {policy.max_steps} steps; {jobs} of yours waiting "
        f"or running at once. Images are made in {channels or 'every channel'}.\n"
        f"Every image is checked by a safety classifier; images it flags are {flagged}."
    )


def help_models(names: list[str], default: str, limit: int) -> str:
    """The registry's models, the default first, as many as fit in `limit` characters."""
    terms = "\nUsing a model means accepting its license's use restrictions: see `/terms`."
    ordered = [default, *(name for name in names if name != default)]
    listed = [f"`{name}`" + (" (default)" if name == default else "") for name in ordered]
    return as_many_as_fit(listed, limit - len(terms)) + terms


def command_line(name: str, description: str) -> str:
    return f"`/{name}`: {description}"


def command_group_line(name: str, description: str, subcommands: list[str]) -> str:
    return f"`/{name}` {' · '.join(subcommands)}: {description}"


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


def policy_reset(before: GuildPolicy, *, kept_role: bool) -> str:
    """What a reset took away, so that a moderator who did not mean it knows what to put back (the
    audit log keeps the whole policy it replaced)."""
    gone = []
    if before.banned_terms:
        gone.append(f"{len(before.banned_terms)} banned terms")
    if before.banned_patterns:
        gone.append(f"{len(before.banned_patterns)} banned patterns")
    if before.log_channel_id is not None:
        gone.append("the log channel")
    if before.allowed_channel_ids:
        gone.append("the allowed channels")
    cleared = f" ({', '.join(gone)} cleared; the audit log keeps the policy it replaced)" if gone else ""
    kept = " The moderator role is kept: only members with Manage Server change it." if kept_role else ""
    return f"reset the policy to the defaults{cleared}.{kept}"


def terms_changed_log(verb: str, kind: str, count: int) -> str:
    noun = kind if count == 1 else f"{kind}s"
    return f"{verb} {count} banned {noun}."


def banned(user_id: int, reason: str | None, expires_at: datetime | None) -> str:
    until = f" until {timestamp(expires_at, 'f')}" if expires_at else ""
    because = f" ({as_typed(reason, 300)})" if reason else ""
    return f"banned <@{user_id}> from generating images{until}{because}."


def ban_list(bans: list[Ban]) -> str:
    """The bans that hold in a server, newest first, for its moderators."""
    if not bans:
        return "Nobody is banned from generating images here."
    lines = []
    for ban in bans:
        until = f"until {timestamp(ban.expires_at, 'f')}" if ban.expires_at else "until unbanned"
        lines.append(
            f"<@{ban.user_id}> {until}, by <@{ban.created_by}> {timestamp(ban.created_at)}: "
            f"{_sentence(as_typed(ban.reason, 200))}"
        )
    return whole_lines(lines, MESSAGE_LIMIT)


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
    return whole_lines(lines, MESSAGE_LIMIT)


def _code(text: str) -> str:
    return text.replace("`", "ˋ")


# -- moderation: answers of /policy and /mod checked against the server, and kept within a message --


def not_a_channel_here(channel_id: int) -> str:
    return f"<#{channel_id}> (`{channel_id}`) is not a channel of this server that the bot can see"


def not_a_text_channel(channel_id: int) -> str:
    return f"<#{channel_id}> is a category; name a channel in it instead"


def forum_cannot_log(channel_id: int) -> str:
    return f"<#{channel_id}> is a forum, which takes posts, not messages; name a text channel or a thread"


def not_a_role_here(role_id: int) -> str:
    return f"`{role_id}` is not a role of this server"


def everyone_cannot_moderate() -> str:
    return "@everyone can't be the moderator role: every member would become a moderator. Name another role"


def moderator_role_needs_manage_server() -> str:
    return "only members with Manage Server choose the moderator role; ask one of them to change it"


def beyond_moderator_role() -> str:
    return (
        "members with Manage Server are beyond the moderator role's reach; "
        "ask someone with Manage Server to do this"
    )


def dms_not_a_server_setting() -> str:
    return (
        "direct messages belong to no server, so no server's policy can allow them; "
        "the bot's operator turns them on or off in the bot's settings"
    )


def log_channel_unusable(channel_id: int) -> str:
    """Appended to an answer whose echo to the log channel failed, so the moderator can repair it."""
    return (
        f"\n⚠️ This could not be posted in the log channel <#{channel_id}>: give the bot View Channel and "
        "Send Messages there, or pick another with `/policy set log_channel_id`."
    )


def moderator_answer(reply: str, *notes: str) -> str:
    """A moderator's answer: the reply, then the notes that follow it (jobs stopped, a log channel to
    repair), in one message. The reply gives way, never a note: each asks for something or tells what
    else the change did, and a message over Discord's limit would not be shown at all."""
    tail = "".join(notes)
    return shorten(reply, MESSAGE_LIMIT - len(tail)) + tail


def queued_jobs_stopped(count: int) -> str:
    """Appended to the answer of a change that stopped jobs waiting in the queue ("" when none)."""
    if not count:
        return ""
    jobs = "job waiting in the queue was" if count == 1 else "jobs waiting in the queue were"
    return f"\n{count} {jobs} stopped by this change."


def members_jobs_stopped(count: int) -> str:
    """Appended to the answer of a ban that stopped the member's jobs, queued or running ("" when none)."""
    if not count:
        return ""
    jobs = "job waiting or running here was" if count == 1 else f"{count} jobs waiting or running here were"
    return f"\nTheir {jobs} stopped."


# How a banned term is matched, told to the moderator who adds one: what it catches besides itself.
TERMS_MATCHING = (
    "Terms match whole words in prompts and negative prompts, through spelling tricks (leetspeak, "
    "spaced letters, look-alike letters) and, in words of six letters or more, one slip of the keyboard "
    "that keeps the first letter (`pikachuu`, `pikchu` for `pikachu`)."
)


def terms_change(verb: str, kind: str, changed: list[str], unchanged: list[str]) -> str:
    """The answer to `/policy terms add|remove`: what really changed, and what was already so (banned
    already, or not in the list)."""
    if changed:
        noun = kind if len(changed) == 1 else f"{kind}s"
        text = f"{verb.capitalize()} banned {noun}: " + ", ".join(f"`{_code(item)}`" for item in changed)
    else:
        text = f"Nothing was {verb}."
    if unchanged:
        why = (
            "Already banned (or the same as a banned term once spelling tricks are undone)"
            if verb == "added"
            else "Not in the list"
        )
        text += f"\n{why}: " + ", ".join(f"`{_code(item)}`" for item in unchanged)
    # Said whole however long the lists: they are what gets shortened.
    matching = f"\n{TERMS_MATCHING}" if changed and verb == "added" and kind == "term" else ""
    return shorten(text, MESSAGE_LIMIT - len(matching)) + matching


def terms_listing(terms: list[str], patterns: list[str]) -> tuple[str, str | None]:
    """The answer to `/policy terms list`, and the whole list as a text file when it doesn't fit in one."""
    shown_terms = ", ".join(f"`{_code(term)}`" for term in terms) or "none"
    shown_patterns = "\n".join(f"`{_code(pattern)}`" for pattern in patterns) or "none"
    text = f"**Banned terms**: {shown_terms}\n**Banned patterns**:\n{shown_patterns}"
    if len(text) <= MESSAGE_LIMIT:
        return text, None
    # Cut, the list would hide the terms a moderator may want to remove; a file holds them all.
    listing = "\n".join(["Banned terms:", *terms, "", "Banned patterns:", *patterns, ""])
    summary = (
        f"**{len(terms)} banned terms and {len(patterns)} banned patterns**: too many to show here, "
        "so they are in the attached file, one a line."
    )
    return summary, listing


def not_banned(user_id: int) -> str:
    return f"<@{user_id}> is not banned here; nothing changed."


def _audit_detail(entry: AuditEntry) -> str:
    """What an entry changed, briefly: the setting and value, the items, the ban's reason and end."""
    detail = entry.detail
    if isinstance(detail, str):
        return f": {_code(shorten(detail, 80))}" if detail else ""
    if entry.action is AuditAction.POLICY_SET:
        key, value = str(detail.get("key", "")), str(detail.get("value", ""))
        return f" `{_code(shorten(key, 40))}` = `{_code(shorten(value, 80))}`"
    if "items" in detail:
        items = ", ".join(str(item) for item in detail.get("items") or [])
        return f": `{_code(shorten(items, 100))}`"
    if entry.action is AuditAction.USER_BANNED:
        until = ""
        if detail.get("expires_at"):
            try:
                until = f" until {timestamp(datetime.fromisoformat(str(detail['expires_at'])), 'f')}"
            except ValueError:
                until = ""
        reason = str(detail.get("reason") or "")
        return f"{until}" + (f" ({as_typed(reason, 80)})" if reason else "")
    job = ""
    if isinstance(detail.get("job"), int):
        images = detail.get("images")
        several = f", {len(images)} images" if isinstance(images, list) and len(images) > 1 else ""
        job = f" (job #{detail['job']}{several})"
    if detail.get("category"):
        return f" ({_code(str(detail['category']))}){job}"
    return job


def audit_line(entry: AuditEntry) -> str:
    """One entry: who did what to whom, under which rule, with what. For `/mod log` and the log channel."""
    if entry.actor_id:
        actor = f"<@{entry.actor_id}>"
    else:  # the bot's own decision, or a moderator whose data was erased since
        actor = "the bot" if entry.action in BOT_DECISIONS else "someone"
    target = f" → <@{entry.target_user_id}>" if entry.target_user_id else ""
    rule = f" `{entry.rule_id}`" if entry.rule_id else ""
    return f"{actor} {entry.action.value}{target}{rule}{_audit_detail(entry)}"


def audit_log(entries: list[AuditEntry]) -> str:
    """The answer to `/mod log`: whole entries, newest first, as many as fit in one message."""
    if not entries:
        return "The moderation log is empty."
    lines: list[str] = []
    room = MESSAGE_LIMIT - 80  # for the closing line about the entries left out
    for shown, entry in enumerate(entries):
        line = f"{timestamp(entry.created_at)} {audit_line(entry)}"
        if len(line) + 1 > room:
            lines.append(f"…and {len(entries) - shown} older entries that don't fit in one message.")
            break
        lines.append(line)
        room -= len(line) + 1
    return "\n".join(lines)


def log_channel_posts(entries: list[AuditEntry], most: int) -> list[str]:
    """The log channel's messages for entries recorded while its last post was on its way: their lines
    in as few messages as hold them, at most `most` lines, then how many more `/mod log` lists."""
    lines = [shorten(audit_line(entry), MESSAGE_LIMIT) for entry in entries[:most]]
    if len(entries) > most:
        lines.append(f"…and {len(entries) - most} more entries: `/mod log` lists them.")
    posts: list[str] = []
    for line in lines:
        if posts and len(posts[-1]) + 1 + len(line) <= MESSAGE_LIMIT:
            posts[-1] += "\n" + line
        else:
            posts.append(line)
    return posts


def list_has_own_commands() -> str:
    return (
        "this list is changed one item at a time, so none is lost by accident: use "
        "`/policy terms add`, `/policy terms remove` and `/policy terms list`"
    )
