"""Every error the bot shows reads as a sentence that says what to do."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from discord import app_commands

from bot import wording
from bot.errors import AttachmentRejected, BadButton, BadDuration, FlagError, NotHere, NotModerator
from bot.flags import parse_flags
from generation.errors import (
    ImageRejected,
    InvalidImage,
    InvalidParameters,
    JobNotFound,
    ModelUnavailable,
    NotAllowed,
    QueueFull,
)
from generation.fairqueue import Position
from generation.models import JobStatus
from moderation.audit import BlockedPrompt
from moderation.bans import Ban
from moderation.errors import InvalidPolicy, LicenseNotAccepted, PromptBlocked, UserBanned
from moderation.licenses import CREATIVEML_OPENRAIL_M
from moderation.outcome import ImageAction
from moderation.policy import GuildPolicy
from tests.bot.helpers import make_job


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (FlagError("--seed", "out of range"), "--seed"),
        (InvalidParameters("steps", "steps must be between 1 and 50"), "`steps` (or `--steps`)"),
        (AttachmentRejected("it is not an image"), "The attached image can't be used: it is not an image."),
        (InvalidImage("the file is not a readable image"), "can't be used"),
        (ImageRejected("the attached image did not pass the safety check"), "safety check."),
        (PromptBlocked("floor.minors", "minors", "it sexualises minors", hard_floor=True), "every server"),
        (PromptBlocked("policy.term", "policy", "it uses a banned term"), "moderators set this rule"),
        (PromptBlocked("semantic.sexual_explicit", "nsfw", "not here"), "moderators set this rule"),
        (PromptBlocked("license.defamation", "defamation", "defamation"), "model's license forbids this use"),
        (PromptBlocked("semantic.hate", "hate", "hateful"), "The bot's operator set this rule"),
        (UserBanned("spam", None), "Reason: spam"),
        (UserBanned("spam", datetime(2030, 1, 1, tzinfo=UTC)), "<t:1893456000:R>"),
        (LicenseNotAccepted(CREATIVEML_OPENRAIL_M), "/terms"),
        (InvalidPolicy("max_steps", "must be at most 150"), "Can't change `max_steps`"),
        (QueueFull("user", 5), "5 jobs waiting or running"),
        (QueueFull("guild", 50), "server's queue is full (50 jobs)"),
        (QueueFull("global", 500), "very busy"),
        (JobNotFound(7), "There is no job #7."),
        (NotAllowed("only the job's owner or a moderator can delete it"), "Only the job's owner"),
        (ModelUnavailable("boom"), "isn't available"),
        (NotHere("use <#1>"), "Use <#1>."),
        (NotModerator(), "Manage Server"),
        (BadButton("it does not name a job"), "That button can't be used"),
        (BadDuration("soon"), "`soon` is not a duration"),
        (app_commands.NoPrivateMessage(), "servers only"),
        (RuntimeError("secret internals"), wording.GENERIC_FAILURE),
    ],
)
def test_describe_error(error: Exception, expected: str) -> None:
    text = wording.describe_error(error)
    assert expected in text
    assert "secret internals" not in text


def test_a_flag_out_of_range_is_answered_with_the_servers_limits_where_they_are_known() -> None:
    with pytest.raises(FlagError) as steps:
        parse_flags("a fox --steps 400")
    with pytest.raises(FlagError) as count:
        parse_flags("a fox --n 9")
    with pytest.raises(FlagError) as seed:
        parse_flags("a fox --seed -3")
    policy = GuildPolicy(max_steps=25, max_count=2)

    assert "use 1 to 150" in wording.describe_flag_error(steps.value)  # the policy could not be read
    assert "400 is out of range; use 1 to 25." in wording.describe_flag_error(steps.value, policy)
    assert "9 is out of range; use 1 to 2." in wording.describe_flag_error(count.value, policy)
    assert "number of images, 1 to 2" in wording.describe_flag_error(seed.value, policy)
    assert "-3 is out of range; use 0 to" in wording.describe_flag_error(seed.value, policy)
    # A flag's other errors are left as they are.
    with pytest.raises(FlagError) as typo:
        parse_flags("a fox --steps many")
    assert "'many' is not a whole number" in wording.describe_flag_error(typo.value, policy)


def test_answers_to_reactions_speak_of_reactions_and_keep_bans_private() -> None:
    # A reaction on a deleted job was told "That button can't be used".
    deleted = wording.describe_error_publicly(BadButton("job #7 was deleted"))
    assert deleted == "That reaction can't be used: job #7 was deleted."
    banned = wording.describe_error_publicly(UserBanned("spam", None))
    assert "spam" not in banned
    term = PromptBlocked("policy.banned_term", "server_policy", "The term “fox” is banned.", of_job=7)
    assert wording.describe_error_publicly(term) == (
        "The prompt of job #7 is blocked here: it holds a term or pattern this server's moderators banned."
    )
    assert wording.describe_error(term).startswith("The prompt of job #7 is blocked here: The term “fox”")


def test_queued_line() -> None:
    assert wording.queued_line(3, Position(0, 0), 0.2) == "Job #3 is queued (next in line)."
    assert (
        wording.queued_line(3, Position(2, 10), 75)
        == "Job #3 is queued (2 ahead of it, starts in about 1 min 15 s)."
    )
    assert wording.queued_line(3, None, None) == "Job #3 is starting…"


@pytest.mark.parametrize(
    ("step", "total", "percent", "filled"), [(0, 4, 0, 0), (1, 4, 25, 5), (4, 4, 100, 20), (9, 4, 100, 20)]
)
def test_progress_line(step: int, total: int, percent: int, filled: int) -> None:
    line = wording.progress_line(8, step, total)
    assert f"{percent}%" in line
    assert line.count("█") == filled
    assert line.count("█") + line.count("░") == 20


def test_finished_line_counts_withheld_images_and_says_why() -> None:
    job = make_job(
        actions=(ImageAction.POST, ImageAction.WITHHOLD, ImageAction.WITHHOLD),
        reasons=(None, "it did not pass the safety check", "it did not pass the safety check"),
    )
    text = wording.finished_line(job, posted=1, total=3)
    assert "2 of 3 images were withheld. It did not pass the safety check." in text


def test_finished_line_for_failures_and_spoilers() -> None:
    failed = make_job(status=JobStatus.FAILED, actions=(), error="out of memory")
    assert "failed: Out of memory." in wording.finished_line(failed, posted=0, total=0)
    spoiled = make_job(actions=(ImageAction.SPOILER,))
    assert "spoilers" in wording.finished_line(spoiled, posted=1, total=1)
    # A long recorded reason (a record from before failures were worded for members) still fits.
    long_failure = make_job(status=JobStatus.FAILED, actions=(), error="Traceback: " + "x" * 5000)
    assert len(wording.finished_line(long_failure, posted=0, total=0)) < 400


def test_finished_line_says_when_images_are_no_longer_stored() -> None:
    job = make_job(actions=(ImageAction.POST, ImageAction.SPOILER, ImageAction.WITHHOLD))
    for image in job.images:
        image.path = None  # removed at the end of the retention period
    text = wording.finished_line(job, posted=0, total=3)
    assert "2 images are no longer stored" in text
    assert "1 of 3 images was withheld" in text
    assert "could not be attached" not in text and "spoilers" not in text


def test_finished_line_notes_images_that_could_not_be_attached() -> None:
    job = make_job(actions=(ImageAction.POST, ImageAction.POST))
    assert "/job" in wording.finished_line(job, posted=1, total=2)


def test_history_shows_whole_lines_and_says_how_many_did_not_fit() -> None:
    jobs = [make_job(job_id=i, prompt=f"**bold `tick {i} " + "x" * 80) for i in range(1, 26)]
    text = wording.history(jobs)
    assert len(text) <= wording.MESSAGE_LIMIT
    *lines, last = text.split("\n")
    assert re.fullmatch(r"…and \d+ more", last) and len(lines) + int(last.split()[1]) == 25
    # Every line is whole (ends with its timestamp), and a prompt's markdown stays text.
    assert all(line.endswith(":R>") for line in lines)
    assert all("\\*\\*bold \\`tick" in line for line in lines)


def test_a_prompt_over_several_lines_is_one_line_of_a_list() -> None:
    job = make_job(job_id=3, prompt="a fox\n\n# in the snow\r\nat dawn")
    assert wording.history([job, make_job(job_id=4)]).count("\n") == 1
    assert wording.job_choice(job) == "#3 done: a fox # in the snow at dawn"


def test_history_of_a_few_jobs_lists_them_all() -> None:
    text = wording.history([make_job(job_id=i) for i in (1, 2)])
    assert text.count("\n") == 1 and "more" not in text


def test_blocked_prompts_for_review_are_listed_in_whole_lines() -> None:
    rows = [
        BlockedPrompt(
            7, "p" * 200, "n" * 100, "floor.pii", "pii", "personal data", i, datetime(2026, 1, 1, tzinfo=UTC)
        )
        for i in range(30)
    ]
    text = wording.blocked_prompts(rows)
    assert len(text) <= wording.MESSAGE_LIMIT
    *lines, last = text.split("\n")
    assert re.fullmatch(r"…and \d+ more", last)
    assert all(line.endswith("`)") for line in lines)  # each line whole, to its negative prompt's end


def test_a_moderators_answer_keeps_its_notes_whole_within_a_message() -> None:
    notes = (wording.queued_jobs_stopped(3), wording.log_channel_unusable(123))
    text = wording.moderator_answer("Removed banned terms: " + "`x`, " * 1000, *notes)
    assert len(text) <= wording.MESSAGE_LIMIT
    assert text.startswith("Removed banned terms: `x`") and text.endswith("".join(notes))
    assert wording.moderator_answer("unbanned <@1>.", "", "") == "unbanned <@1>."


def test_help_says_how_much_of_a_prompt_is_read_and_that_weighting_is_not_applied() -> None:
    intro = wording.help_intro(GuildPolicy())
    assert "75 tokens" in intro
    assert "`(word:1.3)`" in intro and "not applied" in intro


def test_a_ban_reason_shows_as_typed_in_the_log_and_the_list() -> None:
    # A masked link rendered, and an unclosed code fence turned every later line into code.
    reason = "spam ``` [x](https://e.vil) **loud**"
    for text in (
        wording.banned(1, reason, None),
        wording.ban_list([Ban(1, 2, reason, datetime(2026, 1, 1, tzinfo=UTC), 3, None)]),
    ):
        assert "\\`\\`\\`" in text and "\\[x]" in text and "\\*\\*loud" in text


def test_no_jobs_in_a_server_is_said_of_that_server() -> None:
    # "You have no jobs yet" to a member with jobs on other servers.
    assert "on this server" in wording.history([], in_a_server=True)
    assert "on this server" not in wording.history([])
