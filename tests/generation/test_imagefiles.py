"""What an img2img upload becomes: odd image modes, EXIF, and shapes the generator cannot make."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from generation.errors import InvalidImage, InvalidParameters
from generation.imagefiles import decode_image
from generation.params import MAX_SIDE, size_for_aspect


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def test_a_16_bit_greyscale_png_keeps_its_tones() -> None:
    # Converted as is, every 16-bit value over 255 clipped and the picture came out white.
    image = Image.new("I;16", (8, 8), 30000)
    decoded = decode_image(encoded(image))
    assert decoded.mode == "RGB"
    assert decoded.getpixel((0, 0)) == (116, 116, 116)  # 30000 / 257


def exif_with_a_text_resolution() -> bytes:
    """An EXIF block (little-endian TIFF) whose XResolution, a rational, is stored as text."""
    entries = [(0x0112, 3, 1, struct.pack("<HH", 6, 0)), (0x011A, 2, 4, b"abc\0")]
    ifd = struct.pack("<H", len(entries))
    ifd += b"".join(struct.pack("<HHI", tag, kind, count) + value for tag, kind, count, value in entries)
    ifd += struct.pack("<I", 0)
    return b"Exif\0\0" + b"II*\0" + struct.pack("<I", 8) + ifd


def test_a_corrupt_exif_block_does_not_crash_the_decoder() -> None:
    # ImageOps.exif_transpose writes the EXIF back and raised TypeError on this block, which the
    # member saw as "Something went wrong on our side". The orientation is still applied.
    data = encoded(Image.new("RGB", (40, 20), "red"), "JPEG", exif=exif_with_a_text_resolution())
    assert decode_image(data).size == (20, 40)


@pytest.mark.parametrize(
    ("orientation", "size"), [(1, (40, 20)), (3, (40, 20)), (6, (20, 40)), (8, (20, 40))]
)
def test_exif_orientation_turns_the_picture_upright(orientation: int, size: tuple[int, int]) -> None:
    image = Image.new("RGB", (40, 20), "red")
    exif = image.getexif()
    exif[0x0112] = orientation
    assert decode_image(encoded(image, "JPEG", exif=exif.tobytes())).size == size


def test_a_phone_photo_with_a_second_picture_is_read_as_its_photo() -> None:
    # Phones append a depth or gain map to the JPEG (Pillow reads such a file as "MPO"); it was
    # refused with "MPO files are not supported; use PNG, JPEG or WebP" for a .jpg the member took.
    photo, depth_map = Image.new("RGB", (40, 20), "red"), Image.new("RGB", (40, 20), "blue")
    exif = photo.getexif()
    exif[0x0112] = 6
    data = encoded(photo, "MPO", save_all=True, append_images=[depth_map], exif=exif.tobytes())
    decoded = decode_image(data)
    assert decoded.size == (20, 40)
    red, green, blue = decoded.getpixel((10, 20))
    assert red > 200 and green < 50 and blue < 50


def test_a_large_phone_photo_is_read_at_a_reduced_scale_rather_than_refused() -> None:
    # 50-megapixel phone photos were refused as over MAX_INPUT_PIXELS (here a smaller limit stands in
    # for it); a JPEG reads at a fraction of its size for a fraction of the work.
    photo = Image.new("RGB", (2 * MAX_SIDE, 3 * MAX_SIDE // 2), (200, 30, 30))
    exif = photo.getexif()
    exif[0x0112] = 6
    limit = photo.width * photo.height // 2
    decoded = decode_image(encoded(photo, "JPEG", exif=exif.tobytes()), max_pixels=limit)
    assert decoded.size == (3 * MAX_SIDE // 4, MAX_SIDE)  # upright, no less than MAX_SIDE long
    # Other formats have no cheap reduced decoding: their limit stands.
    with pytest.raises(InvalidImage, match="at most"):
        decode_image(encoded(photo, "PNG"), max_pixels=limit)


@pytest.mark.parametrize(
    ("mark", "background"), [((255, 255, 255), (32, 32, 32)), ((0, 0, 0), (255, 255, 255))]
)
def test_transparent_areas_become_a_background_the_picture_shows_on(
    mark: tuple[int, int, int], background: tuple[int, int, int]
) -> None:
    # A white emoji or logo on transparent (made for Discord's dark theme) was laid on white, and the
    # job started from a blank picture.
    sticker = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    sticker.paste((*mark, 255), (16, 16, 48, 48))
    for data in (encoded(sticker, "PNG"), encoded(sticker, "WEBP", lossless=True)):
        decoded = decode_image(data)
        assert decoded.getpixel((0, 0)) == background
        assert decoded.getpixel((32, 32)) == mark


def test_a_non_image_is_refused() -> None:
    with pytest.raises(InvalidImage, match="not a readable image"):
        decode_image(b"BM but not a bitmap at all")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_file_cut_off_part_way_is_refused_saying_so(fmt: str) -> None:
    # A picture cut off on its way: "not a readable image" gave no hint that sending it again mends it.
    data = encoded(Image.effect_noise((200, 100), 50).convert("RGB"), fmt)
    with pytest.raises(InvalidImage, match="stops part-way through the picture; upload it again"):
        decode_image(data[: len(data) * 3 // 4])


def test_a_panorama_is_made_smaller_rather_than_wider_than_the_maximum() -> None:
    # 3000x100 at 512x512's budget would be 2800 wide; the member was told to change a `width`
    # option they never gave.
    width, height = size_for_aspect(3000, 100, 512 * 512)
    assert width <= MAX_SIDE
    assert width % 8 == 0 and height % 8 == 0
    assert width / height == pytest.approx(30, rel=0.1)


def test_a_strip_too_thin_to_make_is_refused_naming_the_image() -> None:
    with pytest.raises(InvalidParameters) as caught:
        size_for_aspect(20000, 10, 512 * 512)
    assert caught.value.field == "image"
    assert "20000x10" in caught.value.reason and "crop" in caught.value.reason


def test_two_writers_of_the_same_image_never_share_a_half_written_file(tmp_path: object) -> None:
    """A job run again by a second process while the first still saves it: both saves succeed."""
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    from PIL import PngImagePlugin

    from generation.imagefiles import ImageFiles

    files = ImageFiles(Path(str(tmp_path)))
    image = Image.new("RGB", (256, 256), "red")
    with ThreadPoolExecutor(max_workers=4) as pool:
        saved = list(pool.map(lambda _: files.save_output(7, 0, image, PngImagePlugin.PngInfo()), range(16)))
    assert len(set(saved)) == 1
    assert [path.name for path in saved[0].parent.iterdir()] == ["0.png"]  # no temporary file left


def test_the_parameters_chunk_reads_as_other_stable_diffusion_tools_write_it() -> None:
    from generation.imagefiles import png_metadata
    from generation.params import GenerationParams, JobKind

    def parameters(params: GenerationParams, kind: JobKind) -> str:
        info = png_metadata(params, seed=5, kind=kind, job_id=1, license_name="x")
        with Image.open(io.BytesIO(encoded(Image.new("RGB", (8, 8)), "PNG", pnginfo=info))) as png:
            return str(png.text["parameters"])

    plain = parameters(GenerationParams(prompt="a fox", model="demo", seeds=(5,)), JobKind.TXT2IMG)
    assert "Negative prompt" not in plain and "Denoising strength" not in plain
    varied = parameters(
        GenerationParams(prompt="a fox", negative_prompt="blur", model="demo", seeds=(5,), strength=0.6),
        JobKind.VARIATION,
    )
    assert varied.split("\n")[1] == "Negative prompt: blur"
    assert varied.endswith("Denoising strength: 0.6")
