"""Result messages: embed fields, buttons, and files kept under the upload limit."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bot.custom_ids import parse_custom_id
from bot.formatting import fit_image, image_uploads, job_embed, pending_view, result_view
from generation.models import JobStatus
from generation.params import JobKind
from moderation.outcome import ImageAction
from tests.bot.helpers import make_job


def noise_png(side: int) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((side, side), 80).convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_png_that_fits_is_kept_as_is() -> None:
    png = noise_png(64)
    assert fit_image(png, len(png)) == (png, "png")


def test_a_png_over_the_limit_is_re_encoded_and_fits() -> None:
    png = noise_png(256)
    limit = len(png) // 3
    fitted = fit_image(png, limit)
    assert fitted is not None
    data, extension = fitted
    assert len(data) <= limit
    assert extension in ("webp", "jpg")
    with Image.open(io.BytesIO(data)) as image:
        assert image.format in ("WEBP", "JPEG")


def test_a_re_encoded_image_keeps_what_made_it_in_exif() -> None:
    from PIL import ExifTags, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    parameters = "a red fox, 雪\nNegative prompt: blurry\nSteps: 25, Seed: 5"
    info.add_text("parameters", parameters)
    info.add_text("Software", "imagine-bot")
    info.add_text("Disclaimer", "AI-generated image.")
    info.add_text("License", "CreativeML Open RAIL-M")
    buffer = io.BytesIO()
    Image.effect_noise((256, 256), 80).convert("RGB").save(buffer, format="PNG", pnginfo=info)
    png = buffer.getvalue()
    for limit in (len(png) // 3, len(png) // 20):  # WebP, then a JPEG
        fitted = fit_image(png, limit)
        assert fitted is not None
        with Image.open(io.BytesIO(fitted[0])) as image:
            exif = image.getexif()
            assert exif[ExifTags.Base.Software] == "imagine-bot"
            assert "AI-generated" in exif[ExifTags.Base.ImageDescription]
            assert "CreativeML" in exif[ExifTags.Base.ImageDescription]
            comment = exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.UserComment]
            assert comment.startswith(b"UNICODE\0")
            assert comment[8:].decode("utf-16-be") == parameters


def test_nothing_fits_in_a_tiny_limit() -> None:
    assert fit_image(noise_png(128), 50) is None


def test_uploads_leave_out_withheld_images_and_spoiler_flagged_ones(tmp_path: Path) -> None:
    job = make_job(folder=tmp_path, actions=(ImageAction.POST, ImageAction.WITHHOLD, ImageAction.SPOILER))
    uploads = image_uploads(job, 10 * 1024 * 1024)
    assert [upload.spoiler for upload in uploads] == [False, True]
    assert uploads[0].filename == "job42-1-seed100.png"
    assert uploads[0].data.startswith(b"\x89PNG")
    file = uploads[1].to_file()
    assert file.filename.startswith("SPOILER_")


def test_embed_carries_the_parameters() -> None:
    job = make_job(actions=(ImageAction.POST, ImageAction.POST), negative="blur", kind=JobKind.IMG2IMG)
    embed = job_embed(job, "CreativeML Open RAIL-M License")
    fields = {field.name: field.value for field in embed.fields}
    assert embed.title == "a lighthouse at dusk"
    assert fields["Seeds"] == "100, 101"
    assert fields["Model"] == "demo"
    assert fields["Steps"] == "4"
    assert fields["Sampler"] == "Euler a"
    assert fields["Negative"] == "blur"
    assert fields["License"] == "CreativeML Open RAIL-M License"
    assert "Strength" in fields
    assert (
        embed.footer.text is not None
        and "Job #42" in embed.footer.text
        and "AI-generated" in embed.footer.text
    )


def test_the_seeds_of_images_not_shown_are_left_out() -> None:
    """With the prompt and settings public, a seed would let anyone make a withheld image again."""
    job = make_job(actions=(ImageAction.POST, ImageAction.WITHHOLD, ImageAction.SPOILER))
    seeds = {field.name: field.value for field in job_embed(job, "L").fields}["Seeds"]
    assert seeds == "100, withheld, 102"
    elsewhere = job_embed(job, "L", spoilers_shown=False)  # /job outside an age-restricted channel
    assert {field.name: field.value for field in elsewhere.fields}["Seeds"] == "100, withheld, withheld"


def test_long_prompts_are_cut_to_discord_limits() -> None:
    embed = job_embed(make_job(prompt="x" * 1400), "L")
    assert embed.title is not None and len(embed.title) <= 256


def test_result_buttons(tmp_path: Path) -> None:
    job = make_job(folder=tmp_path, actions=(ImageAction.POST, ImageAction.WITHHOLD, ImageAction.POST))
    view = result_view(job)
    assert view is not None
    ids = [item.custom_id for item in view.children]  # type: ignore[attr-defined]
    assert ids == [
        "imagine:upscale:42:0",
        "imagine:upscale:42:2",
        "imagine:vary:42:0",
        "imagine:vary:42:2",
        "imagine:rerun:42",
        "imagine:delete:42",
    ]
    assert all(parse_custom_id(custom_id).job_id == 42 for custom_id in ids)


def test_images_too_large_to_upscale_get_no_upscale_buttons() -> None:
    # An upscale of an upscale (1536x1536 and up) is refused whatever the server allows: its U
    # buttons only led to that refusal.
    def custom_ids(size: tuple[int, int]) -> list[str]:
        view = result_view(make_job(size=size))
        assert view is not None
        return [item.custom_id for item in view.children]  # type: ignore[attr-defined]

    assert custom_ids((1536, 1536)) == ["imagine:vary:42:0", "imagine:rerun:42", "imagine:delete:42"]
    assert "imagine:upscale:42:0" in custom_ids((1024, 512))


def test_images_whose_upscale_is_over_the_servers_limit_get_no_upscale_buttons() -> None:
    """A 768x768 result, upscaled, is over the default limit of 1024x1024 pixels: its U buttons were
    shown, and every click refused."""

    def upscale_shown(size: tuple[int, int], max_pixels: int | None) -> bool:
        view = result_view(make_job(size=size), max_pixels=max_pixels)
        assert view is not None
        return "imagine:upscale:42:0" in [item.custom_id for item in view.children]  # type: ignore[attr-defined]

    default = 1024 * 1024
    assert not upscale_shown((768, 768), default)
    assert upscale_shown((512, 512), default)  # exactly at the limit once upscaled
    assert upscale_shown((768, 768), 2048 * 2048)
    assert upscale_shown((768, 768), None)  # the limit is not known: the click says why if refused


def test_failed_jobs_get_rerun_and_delete_only() -> None:
    view = result_view(make_job(status=JobStatus.FAILED, actions=()))
    assert view is not None
    assert [item.custom_id for item in view.children] == ["imagine:rerun:42", "imagine:delete:42"]  # type: ignore[attr-defined]


def test_cancelled_jobs_get_no_buttons_and_pending_jobs_a_cancel_button() -> None:
    assert result_view(make_job(status=JobStatus.CANCELLED, actions=())) is None
    assert [item.custom_id for item in pending_view(9).children] == ["imagine:cancel:9"]  # type: ignore[attr-defined]


def test_a_negative_prompts_markdown_is_shown_as_typed_within_discords_limits() -> None:
    """The embed is the bot's, in public: a member's text must not turn into its links or headings."""
    import discord

    link = "[Claim your Nitro](https://phish.example/gift)"
    job = make_job(prompt=f"**a fox** {link}", negative=f"# FREE GIFT\n||hidden|| {link}")
    embed = job_embed(job, "L")
    negative = {field.name: field.value for field in embed.fields}["Negative"]
    assert negative == discord.utils.escape_markdown(job.generation_params.negative_prompt)
    assert embed.title == job.generation_params.prompt  # a title renders no links or headings
    # Escaping doubles a text of markdown characters: it is cut to fit, never split inside an escape.
    crowded = job_embed(make_job(negative="|~" * 700), "L")
    negative = {field.name: field.value for field in crowded.fields}["Negative"]
    assert 900 < len(negative) <= 1024 and negative.startswith("\\|\\~")
    assert negative.endswith("…") and not negative.endswith("\\…")
