"""What an img2img upload becomes: odd image modes, EXIF, and shapes the generator cannot make."""

from __future__ import annotations

import io
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from generation.errors import ImageFolderTaken, InvalidImage, InvalidParameters
from generation.imagefiles import STORE_MARKER, ImageFiles, decode_image, png_metadata
from generation.params import MAX_SIDE, GenerationParams, JobKind, size_for_aspect


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


def test_a_photo_past_pillows_bomb_limit_is_read_at_a_reduced_scale_too() -> None:
    # 108 and 200-megapixel phone photos were refused as bombs: Pillow judged them at their stored
    # size before they could be read at 1/4 or 1/8 of it.
    assert Image.MAX_IMAGE_PIXELS < 12000 * 9000
    decoded = decode_image(encoded(Image.new("L", (12000, 9000), 128), "JPEG", quality=50))
    assert decoded.size == (3000, 2250)
    # A picture too large even at 1/8 of its sides is refused before any pixel is read, naming the
    # size it was uploaded at (here a header claiming the largest size a JPEG can have).
    data = bytearray(encoded(Image.new("RGB", (16, 16)), "JPEG"))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", 65500, 65500)
    with pytest.raises(InvalidImage, match="the image is 65500x65500; at most"):
        decode_image(bytes(data))


def test_a_thin_jpeg_is_refused_at_the_size_it_was_uploaded() -> None:
    # It was read at a quarter of its size first, and the member was told of a 3x5000 image.
    with pytest.raises(InvalidImage, match="the image is 10x20000, too long and thin"):
        decode_image(encoded(Image.new("RGB", (10, 20000)), "JPEG"))


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


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("kept", [20, 60, 150])
def test_a_file_cut_off_in_its_header_is_refused_as_damaged_not_as_no_image(fmt: str, kept: int) -> None:
    """Cut off before its pixels (or damaged), a photo was called "not a readable image", which
    sounds like the wrong kind of file rather than one to send again."""
    data = encoded(Image.effect_noise((200, 100), 50).convert("RGB"), fmt)
    with pytest.raises(InvalidImage, match="upload it again"):
        decode_image(data[:kept])
    with pytest.raises(InvalidImage, match=f"starts as a {fmt.replace('WEBP', 'WebP')} image but is damaged"):
        decode_image(data[:20])


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

    files = ImageFiles(Path(str(tmp_path)))
    image = Image.new("RGB", (256, 256), "red")
    with ThreadPoolExecutor(max_workers=4) as pool:
        saved = list(pool.map(lambda _: files.save_output(7, 0, image, PngImagePlugin.PngInfo()), range(16)))
    assert len(set(saved)) == 1
    assert [path.name for path in saved[0].parent.iterdir()] == ["0.png"]  # no temporary file left


def test_the_parameters_chunk_reads_as_other_stable_diffusion_tools_write_it() -> None:
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
    # A prompt's line breaks would let it write the lines of settings those tools read.
    forged = parameters(
        GenerationParams(prompt="a fox\nSteps: 1", negative_prompt="x\r\nSeed: 9", model="demo", seeds=(5,)),
        JobKind.TXT2IMG,
    )
    assert forged.split("\n")[:2] == ["a fox Steps: 1", "Negative prompt: x Seed: 9"]
    assert len(forged.split("\n")) == 3


def matrix_profile(name: str, primaries: list[tuple[float, float, float]], gamma: float = 2.2) -> bytes:
    """A minimal ICC v2 RGB display profile (matrix and gamma curves), as cameras and editors embed."""

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    ascii_name = name.encode() + b"\0"
    description = b"desc\0\0\0\0" + struct.pack(">I", len(ascii_name)) + ascii_name + bytes(8 + 3 + 67)
    tags = [
        (b"desc", description),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),  # D50, the profile connection space's white
        *((sig, xyz(*primary)) for sig, primary in zip((b"rXYZ", b"gXYZ", b"bXYZ"), primaries, strict=True)),
        *((sig, curve) for sig in (b"rTRC", b"gTRC", b"bTRC")),
        (b"cprt", b"text\0\0\0\0none\0\0\0\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = data = b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    header = struct.pack(">I", offset + len(data)) + b"lcms" + struct.pack(">I", 0x02100000)
    header += b"mntrRGB XYZ " + bytes(12) + b"acsp" + bytes(28) + s15(0.9642) + s15(1.0) + s15(0.8249)
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + data


# Display P3's primaries adapted to D50, as in the profile iPhones embed in their photos.
DISPLAY_P3 = matrix_profile(
    "Display P3", [(0.5151, 0.2412, -0.0011), (0.2920, 0.6922, 0.0419), (0.1571, 0.0666, 0.7841)]
)


def test_a_display_p3_photo_is_read_in_the_colours_it_shows() -> None:
    # Taken as sRGB numbers, an iPhone photo came out washed out: P3's red is redder than sRGB's.
    photo = Image.new("RGB", (8, 8), (200, 60, 40))
    red, green, blue = decode_image(encoded(photo, "JPEG", quality=100, icc_profile=DISPLAY_P3)).getpixel(
        (0, 0)
    )
    assert red > 210 and green < 50 and blue < 25  # more saturated than the numbers stored
    from_png = decode_image(encoded(photo, "PNG", icc_profile=DISPLAY_P3)).getpixel((0, 0))
    assert all(abs(a - b) <= 2 for a, b in zip(from_png, (red, green, blue), strict=True))  # JPEG is lossy
    # Without a profile, or with one that cannot be read, the numbers are taken as sRGB.
    assert decode_image(encoded(photo, "PNG")).getpixel((0, 0)) == (200, 60, 40)
    assert decode_image(encoded(photo, "PNG", icc_profile=b"not a profile")).getpixel((0, 0)) == (200, 60, 40)


def test_a_profiled_photo_is_turned_upright_too() -> None:
    photo = Image.new("RGB", (40, 20), (200, 60, 40))
    exif = photo.getexif()
    exif[0x0112] = 6
    decoded = decode_image(encoded(photo, "JPEG", exif=exif.tobytes(), icc_profile=DISPLAY_P3))
    assert decoded.size == (20, 40)
    assert decoded.getpixel((5, 5))[0] > 210


def test_an_image_folder_is_taken_by_one_database_and_refused_to_another(tmp_path: Path) -> None:
    files = ImageFiles(tmp_path / "images")
    files.claim("first-database")
    assert (tmp_path / "images" / STORE_MARKER).read_text().strip() == "first-database"
    files.claim("first-database")  # every start on the same database
    # A new database (moving to PostgreSQL, say) numbers its jobs from 1 again.
    with pytest.raises(ImageFolderTaken) as caught:
        ImageFiles(tmp_path / "images").claim("second-database")
    assert (caught.value.theirs, caught.value.ours) == ("first-database", "second-database")
