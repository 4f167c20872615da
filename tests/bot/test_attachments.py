"""The attachment downloader against a local aiohttp server: what it accepts and each refusal."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from PIL import Image

from bot.attachments import (
    AttachmentDownloader,
    AttachmentInfo,
    check_url,
    is_animated,
    name_other_file,
    sniff_image,
)
from bot.errors import AttachmentRejected

LIMIT = 64 * 1024
# The start of an iPhone photo: an ISO media "ftyp" box naming the HEIC brand.
HEIC_HEAD = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"


def png(side: int = 16) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


class Server:
    def __init__(self) -> None:
        self.hits: list[str] = []
        self.base = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(request.path)
        name = request.match_info["name"]
        if name == "ok.png":
            return web.Response(body=png(), content_type="image/png")
        if name == "text.png":
            return web.Response(body=b"hello, not an image at all", content_type="image/png")
        if name == "IMG_0001.heic":
            return web.Response(body=HEIC_HEAD + b"\0" * 64, content_type="image/heic")
        if name == "empty.png":
            return web.Response(body=b"", content_type="image/png")
        if name == "big-declared.png":
            return web.Response(body=b"\x89PNG\r\n\x1a\n" + b"0" * (LIMIT + 10), content_type="image/png")
        if name == "big-streamed.png":
            # Chunked: no Content-Length, so only the streaming cap can stop it.
            response = web.StreamResponse()
            response.enable_chunked_encoding()
            await response.prepare(request)
            await response.write(b"\x89PNG\r\n\x1a\n")
            for _ in range(LIMIT // 1024 + 4):
                await response.write(b"0" * 1024)
            await response.write_eof()
            return response
        if name == "redirect.png":
            raise web.HTTPFound("http://example.com/evil.png")
        return web.Response(status=404)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    app = web.Application()
    app.router.add_get("/attachments/{name}", state.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.base = f"http://127.0.0.1:{port}"
    yield state
    await runner.cleanup()


@pytest.fixture
async def downloader(server: Server) -> AsyncIterator[AttachmentDownloader]:
    host = server.base.removeprefix("http://")
    loader = AttachmentDownloader(hosts=(host,), scheme="http", max_bytes=LIMIT)
    yield loader
    await loader.close()


async def test_an_image_on_the_cdn_is_downloaded(server: Server, downloader: AttachmentDownloader) -> None:
    data = await downloader.fetch(AttachmentInfo(f"{server.base}/attachments/ok.png?ex=1", "ok.png", None))
    assert data == png()


@pytest.mark.parametrize(
    ("name", "declared", "reason"),
    [
        ("text.png", None, "not an image"),
        ("IMG_0001.heic", None, "it is a HEIC photo, which this bot can't read; attach a PNG"),
        ("empty.png", None, "the file is empty"),
        ("big-declared.png", None, "larger than"),
        ("big-streamed.png", None, "larger than"),
        ("missing.png", None, "HTTP 404"),
        ("redirect.png", None, "HTTP 302"),
    ],
)
async def test_refusals(
    server: Server, downloader: AttachmentDownloader, name: str, declared: int | None, reason: str
) -> None:
    with pytest.raises(AttachmentRejected) as caught:
        await downloader.fetch(AttachmentInfo(f"{server.base}/attachments/{name}", name, declared))
    assert reason in caught.value.reason


async def test_declared_size_is_refused_before_any_request(
    server: Server, downloader: AttachmentDownloader
) -> None:
    with pytest.raises(AttachmentRejected, match="larger than"):
        await downloader.fetch(AttachmentInfo(f"{server.base}/attachments/ok.png", "ok.png", LIMIT + 1))
    assert server.hits == []


async def test_other_hosts_are_never_contacted(server: Server, downloader: AttachmentDownloader) -> None:
    other = server.base.replace("127.0.0.1", "localhost")
    with pytest.raises(AttachmentRejected, match="not hosted on Discord's CDN"):
        await downloader.fetch(AttachmentInfo(f"{other}/attachments/ok.png", "ok.png", 10))
    assert server.hits == []


@pytest.mark.parametrize(
    "url",
    [
        "ftp://cdn.discordapp.com/a.png",
        "http://cdn.discordapp.com/a.png",
        "https://cdn.discordapp.com.evil.com/a.png",
        "https://user:pw@cdn.discordapp.com/a.png",
        "https://evil.com/cdn.discordapp.com/a.png",
        "not a url",
    ],
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(AttachmentRejected):
        check_url(url, hosts={"cdn.discordapp.com"}, scheme="https")


def test_check_url_accepts_the_cdn() -> None:
    assert check_url(
        "https://CDN.discordapp.com/x/y.png?ex=1", hosts={"cdn.discordapp.com"}, scheme="https"
    ).host


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n....", "PNG"),
        (b"\xff\xd8\xff\xe0....", "JPEG"),
        (b"GIF89a......", "GIF"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "WEBP"),
        (b"BM..........", "BMP"),
        (b"<svg xmlns=", None),
        (b"%PDF-1.7", None),
        (b"", None),
    ],
)
def test_sniff_image(head: bytes, kind: str | None) -> None:
    assert sniff_image(head) == kind


@pytest.mark.parametrize(
    ("head", "named"),
    [
        (HEIC_HEAD, "a HEIC photo"),
        (b"\0\0\0\x1cftypavif\0\0\0\0avifmif1", "an AVIF picture"),
        (b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2", "a video"),
        (b"\0\0\0\x14ftypqt  \0\0\0\0qt  ", "a video"),
        (b"\x1aE\xdf\xa3\x9fB\x86\x81", "a video"),
        (b"II*\0\x08\0\0\0", "a TIFF picture"),
        (b"%PDF-1.7", "a PDF document"),
        (b"PK\x03\x04\x14\0", "a zip archive"),
        (b"\0\0\1\0\1\0\x10\x10\0\0\1\0\x20\0", "an icon file"),
        (b"8BPS\0\1\0\0", "a Photoshop document"),
        (b"\xff\x0a\xfa\x7f", "a JPEG XL picture"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<svg xmlns=', "an SVG drawing"),
        (b"  <!DOCTYPE html><html>", "a web page"),
        (b"hello, not an image at all", None),
    ],
)
def test_files_that_are_no_picture_we_read_are_named(head: bytes, named: str | None) -> None:
    assert sniff_image(head[:16]) is None
    assert name_other_file(head) == named


def _frames(fmt: str, count: int, **options: object) -> bytes:
    frames = [Image.new("RGB", (16, 16), (40 * i, 80, 200)) for i in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format=fmt, save_all=count > 1, append_images=frames[1:], **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "animated"),
    [
        (_frames("GIF", 3), True),
        (_frames("WEBP", 3), True),
        (_frames("PNG", 3), True),  # APNG
        (_frames("GIF", 1), False),
        (_frames("PNG", 1), False),
        (_frames("MPO", 2), False),  # a phone photo and its depth map: one picture
        (b"GIF89a" + b"\0" * 20, False),  # unreadable: the decoder says why later
    ],
)
def test_animated_pictures_are_told_apart(data: bytes, animated: bool) -> None:
    assert is_animated(data) is animated
