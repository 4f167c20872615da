"""Generated and uploaded images on disk, with their parameters in PNG text chunks.

Results are kept here rather than fetched back from Discord: CDN links expire, and upscale,
variation and rerun must work on any job, any time.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import uuid
import warnings
from collections.abc import Collection, Sequence
from pathlib import Path

from PIL import ExifTags, Image, ImageCms, ImageStat, JpegImagePlugin, PngImagePlugin

from generation.errors import ImageFolderTaken, InvalidImage
from generation.params import MAX_SIDE, GenerationParams, JobKind, too_elongated

# Larger uploads are refused before decoding; Pillow's own bomb check backs this up.
MAX_INPUT_PIXELS = 40_000_000
# MPO is how Pillow names a JPEG that carries more than one picture: many phone cameras (Samsung,
# iPhone portraits and HDR shots) add a depth map or gain map after the photo. The photo comes first,
# and that first picture is what is decoded.
ACCEPTED_FORMATS = {"PNG", "JPEG", "MPO", "WEBP", "GIF", "BMP"}


# Previews are glimpses, not results: small tiles, lossy, a few tens of kilobytes per edit.
PREVIEW_TILE = 256
PREVIEW_QUALITY = 70


def preview_sheet(images: list[Image.Image]) -> bytes:
    """One JPEG of a job's rough images side by side (two per row), each at most PREVIEW_TILE wide."""
    tiles = [image.convert("RGB") for image in images]
    for tile in tiles:
        tile.thumbnail((PREVIEW_TILE, PREVIEW_TILE))
    columns = min(2, len(tiles))
    rows = -(-len(tiles) // columns)
    width, height = max(t.width for t in tiles), max(t.height for t in tiles)
    sheet = Image.new("RGB", (columns * width, rows * height))
    for index, tile in enumerate(tiles):
        sheet.paste(tile, ((index % columns) * width, (index // columns) * height))
    buffer = io.BytesIO()
    sheet.save(buffer, format="JPEG", quality=PREVIEW_QUALITY)
    return buffer.getvalue()


def png_metadata(
    params: GenerationParams, *, seed: int, kind: JobKind, job_id: int | None, license_name: str
) -> PngImagePlugin.PngInfo:
    """Text chunks that say what made the image, in the common "parameters" form and as JSON."""
    info = PngImagePlugin.PngInfo()
    # As other Stable Diffusion tools write it: no negative line when there is none, and the
    # denoising strength for image-to-image kinds. They read it line by line, so each prompt is one
    # line: a prompt's own "\nNegative prompt: ..." or "\nSteps: ..." would read as the settings.
    lines = [" ".join(params.prompt.split())]
    if params.negative_prompt:
        lines.append(f"Negative prompt: {' '.join(params.negative_prompt.split())}")
    settings = (
        f"Steps: {params.steps}, Sampler: {params.sampler.label}, CFG scale: {params.guidance}, "
        f"Seed: {seed}, Size: {params.width}x{params.height}, Model: {params.model}"
    )
    if kind.uses_init_image:
        settings += f", Denoising strength: {params.strength}"
    parameters = "\n".join([*lines, settings])
    info.add_text("parameters", parameters)
    info.add_text(
        "imagine-bot",
        json.dumps({**params.to_json(), "seed": seed, "kind": kind.value, "job": job_id}),
    )
    info.add_text("Software", "imagine-bot")
    info.add_text("License", license_name)
    info.add_text("Disclaimer", "AI-generated image")
    return info


def _open_upload(data: bytes) -> Image.Image:
    """Open (not decode) untrusted bytes.

    A JPEG skips Pillow's bomb check, which judges the size as stored: `decode_image` checks the
    size it will be read at, a fraction of that (a 200-megapixel photo is read at 1/8 of its sides).
    Every other format gets the check, since it is decoded whole."""
    if _signature(data) == "JPEG":
        return JpegImagePlugin.jpeg_factory(io.BytesIO(data))
    return Image.open(io.BytesIO(data))


def _signature(data: bytes) -> str | None:
    """The accepted format the first bytes announce, if any."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return None


def decode_image(data: bytes, *, max_pixels: int = MAX_INPUT_PIXELS) -> Image.Image:
    """Decode untrusted bytes into an RGB image, refusing non-images and decompression bombs."""
    try:
        with warnings.catch_warnings():
            # Pillow warns (rather than raises) between 1x and 2x its limit; treat both as a bomb.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = _open_upload(data)
            if probe.format not in ACCEPTED_FORMATS:
                raise InvalidImage(f"{probe.format or 'this'} files are not supported; use PNG, JPEG or WebP")
            # The shape is judged on the picture as uploaded, before a JPEG is read at a fraction of it.
            if (reason := too_elongated(*probe.size)) is not None:
                raise InvalidImage(reason)
            uploaded = probe.size
            if probe.format in ("JPEG", "MPO") and max(probe.size) > MAX_SIDE:
                # A JPEG decodes at 1/2, 1/4 or 1/8 of its size for a fraction of the work: a 50- or
                # 200-megapixel phone photo is read at no less than the largest size a job is made at,
                # not refused.
                scale = MAX_SIDE / max(probe.size)
                probe.draft("RGB", (math.ceil(probe.width * scale), math.ceil(probe.height * scale)))
            if probe.width * probe.height > max_pixels:
                raise InvalidImage(
                    f"the image is {uploaded[0]}x{uploaded[1]}; at most {max_pixels:,} pixels are accepted"
                )
            probe.load()
    except InvalidImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidImage("the image is too large to decode safely") from None
    except (OSError, SyntaxError, ValueError) as exc:
        if "truncated" in str(exc):
            # Pillow's word for pixel data that stops part-way: an upload cut off, which another try
            # mends. (Its "Truncated File Read" is about headers, which junk also makes it say.)
            raise InvalidImage("the file stops part-way through the picture; upload it again") from exc
        if (kind := _signature(data)) is not None:
            # It starts as a picture of a kind we read: damaged, or cut off before its pixels.
            raise InvalidImage(
                f"the file starts as a {kind} image but is damaged or cut off; upload it again, "
                "or save it again first"
            ) from exc
        raise InvalidImage("the file is not a readable image") from exc
    # Phones store rotation in EXIF; apply it so the picture is upright, then its colour profile,
    # then drop alpha.
    image = _in_srgb(_upright(probe))
    if image.mode.startswith("I;16") or image.mode == "I":
        # 16-bit greyscale (a PNG from a scanner or an editor): converted as it is, every value over
        # 255 would clip and the picture would come out white. Scale 0-65535 down to 0-255 instead.
        image = image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    if image.mode != "RGB":
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, _background_for(rgba))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    return image


# The profile the model's pixels mean: Stable Diffusion was trained on sRGB pictures.
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_PROFILED_MODES = {"RGB": "RGB", "RGBA": "RGBA", "CMYK": "RGB"}


def _in_srgb(image: Image.Image) -> Image.Image:
    """`image` with the colours its embedded ICC profile means, in sRGB.

    iPhones save photos in Display P3 and print work comes as profiled CMYK: read as sRGB numbers,
    the first come out washed out and the second off in hue. A profile that cannot be read is
    ignored (the numbers are taken as sRGB, as any viewer without colour management does), rather
    than refusing a picture that displays fine elsewhere.
    """
    icc = image.info.get("icc_profile")
    output_mode = _PROFILED_MODES.get(image.mode)
    if not icc or output_mode is None:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(source).lower():
            return image  # the common case, already what the model expects
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    assert converted is not None  # profileToProfile returns None only when converting in place
    return converted


# What transparent areas become: white, unless what shows is light itself. Emoji, stickers and logos
# made for Discord's dark theme are often white on transparent, and vanished on white.
_LIGHT_BACKGROUND = (255, 255, 255)
_DARK_BACKGROUND = (32, 32, 32)
# Mean brightness (0-255) of the visible pixels above which they count as light.
_LIGHT_CONTENT = 192


def _background_for(rgba: Image.Image) -> tuple[int, int, int]:
    """A background that the visible part of `rgba` stands out on."""
    visible = rgba.getchannel("A").point(lambda alpha: 255 if alpha >= 128 else 0)
    if visible.getbbox() is None:
        return _LIGHT_BACKGROUND  # nothing shows: any background is the whole picture
    [brightness] = ImageStat.Stat(rgba.convert("L"), mask=visible).mean
    return _DARK_BACKGROUND if brightness > _LIGHT_CONTENT else _LIGHT_BACKGROUND


# EXIF orientation (tag 0x0112) to the transpose that makes the picture upright.
_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(image: Image.Image) -> Image.Image:
    """`image` turned as its EXIF orientation says; as stored when the EXIF cannot be read.

    Not `ImageOps.exif_transpose`: it writes the EXIF back after turning, and a corrupt EXIF block
    (easy to make, and sent by some cameras) then raises TypeError or struct.error from deep inside
    Pillow, which reached the member as "something went wrong". The orientation is only a hint.
    """
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation)
    except Exception:  # any failure to read metadata: Pillow raises many kinds on corrupt EXIF
        return image
    method = _ORIENTATIONS.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image


def _temporary_name(path: Path) -> Path:
    """Where a file is written before it takes its name: unique, so two writers (a job run again by a
    second process) never write the same half file."""
    return path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp")


def _bucket(job_id: int) -> str:
    return f"{job_id // 1000:04d}"


# In the image folder: the name of the database whose images it holds (see `ImageFiles.claim`).
STORE_MARKER = ".imagine-database"


class ImageFiles:
    """A folder of PNGs, one sub-folder per job."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def claim(self, database: str) -> None:
        """Take the folder for the database named `database`, or raise ImageFolderTaken if it holds
        another one's images: job numbers start again in every database, so a new database (moving
        to PostgreSQL, say) would write its job 1 over the old job 1's images, and remove the rest as
        left behind by erased jobs.

        A folder without the marker is taken as it is: new, or kept by a version before the marker.
        """
        marker = self.root / STORE_MARKER
        try:
            theirs = marker.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = _temporary_name(marker)
            tmp.write_text(database + "\n", encoding="utf-8")
            tmp.replace(marker)
            return
        if theirs != database:
            raise ImageFolderTaken(str(self.root), theirs, database)

    def _folder(self, job_id: int) -> Path:
        """Where a job's images are: a thousand jobs to a bucket, so no folder grows without bound."""
        return self.root / _bucket(job_id) / str(job_id)

    def _job_dir(self, job_id: int) -> Path:
        folder = self._folder(job_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def save_output(self, job_id: int, index: int, image: Image.Image, info: PngImagePlugin.PngInfo) -> Path:
        path = self._job_dir(job_id) / f"{index}.png"
        tmp = _temporary_name(path)
        image.save(tmp, format="PNG", pnginfo=info)
        tmp.replace(path)  # atomic: a crash never leaves half a PNG under the final name
        return path

    def save_init(self, job_id: int, image: Image.Image) -> Path:
        path = self._job_dir(job_id) / "init.png"
        tmp = _temporary_name(path)
        image.save(tmp, format="PNG")
        tmp.replace(path)
        return path

    @staticmethod
    def load(path: str | Path) -> Image.Image:
        with Image.open(path) as image:
            return image.convert("RGB")

    @staticmethod
    def delete_files(paths: Sequence[str | Path]) -> None:
        for path in paths:
            Path(path).unlink(missing_ok=True)

    def job_folders(self, *, untouched_since: float) -> list[int]:
        """The jobs whose folder is here and unchanged since `untouched_since` (seconds since the epoch)."""
        found: list[int] = []
        if not self.root.is_dir():
            return found
        for bucket in self.root.iterdir():
            if not bucket.is_dir():
                continue
            for folder in bucket.iterdir():
                if not folder.name.isdigit() or bucket.name != _bucket(int(folder.name)):
                    continue  # not a job's folder: nothing of ours to judge
                try:
                    if folder.is_dir() and folder.stat().st_mtime < untouched_since:
                        found.append(int(folder.name))
                except OSError:
                    continue  # removed meanwhile
        return sorted(found)

    def delete_unrecorded(self, job_id: int, keep: Collection[str | Path]) -> int:
        """Delete the files of a job's folder other than `keep` (those its records point to); returns
        how many went. A run cut short by a crash leaves images, or half-written ones, no record names.
        """
        folder = self._folder(job_id)
        if not folder.is_dir():
            return 0
        kept = {Path(path).name for path in keep}
        removed = 0
        for file in folder.iterdir():
            if file.name not in kept:
                file.unlink(missing_ok=True)
                removed += 1
        if not kept:
            with contextlib.suppress(OSError):  # a file arrived meanwhile: the folder stays
                folder.rmdir()
        return removed

    def delete_job(self, job_id: int) -> None:
        folder = self._folder(job_id)
        if folder.is_dir():
            for file in folder.iterdir():
                file.unlink(missing_ok=True)
            folder.rmdir()
