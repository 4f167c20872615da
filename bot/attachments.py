"""Download an img2img attachment safely: Discord's CDN only, capped before and while reading, sniffed.

The decoder (`generation.imagefiles.decode_image`) still checks the pixels (format, size, bombs); this
module makes sure that what reaches it is a bounded download of something that claims to be an image.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Collection
from dataclasses import dataclass

import aiohttp
from PIL import Image
from yarl import URL

from bot.errors import AttachmentRejected

log = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024
# How much of a refused file is read to name what it is (an SVG may start with an XML declaration).
_NAMING_BYTES = 256
_ACCEPTED_HINT = "attach a PNG, JPEG or WebP picture"
# (magic bytes at offset 0, format name); WebP is RIFF....WEBP and checked on its own.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)


@dataclass(frozen=True)
class AttachmentInfo:
    """What Discord told us about the attachment, before downloading it."""

    url: str
    filename: str
    size: int | None = None


# Formats whose files may hold an animation. A multi-picture JPEG (MPO) also has several frames, but
# its second is a phone's depth or gain map, not a moment of the picture.
_ANIMATED_FORMATS = {"GIF", "WEBP", "PNG"}


def is_animated(data: bytes) -> bool:
    """Whether `data` is an animated GIF, WebP or PNG: img2img starts from its first frame, and the
    member should know. Anything unreadable is False: the decoder refuses it later, saying why."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                return image.format in _ANIMATED_FORMATS and bool(getattr(image, "is_animated", False))
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False


def sniff_image(head: bytes) -> str | None:
    """The image format the first bytes announce, or None when they announce none we accept."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


# Files members attach that are no picture we read, named so that the refusal says what they sent:
# "it is not an image" is wrong (and puzzling) for an iPhone's HEIC photo.
_ISO_MEDIA_BRANDS = {
    **dict.fromkeys((b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"), "a HEIC photo"),
    **dict.fromkeys((b"avif", b"avis"), "an AVIF picture"),
}
_OTHER_MAGIC = (
    (b"II*\0", "a TIFF picture"),
    (b"MM\0*", "a TIFF picture"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1aE\xdf\xa3", "a video"),  # Matroska and WebM
    (b"\0\0\1\0", "an icon file"),
    (b"\0\0\2\0", "a cursor file"),
    (b"8BPS", "a Photoshop document"),
    (b"\xff\x0a", "a JPEG XL picture"),
    (b"\0\0\0\x0cJXL ", "a JPEG XL picture"),
)


def name_other_file(head: bytes) -> str | None:
    """What a file that is no accepted image is ("a HEIC photo", "a video"), when its first bytes
    tell; None when they do not."""
    # ISO media files (HEIC, AVIF, MP4, MOV) name their brand in a "ftyp" box at the start.
    if head[4:8] == b"ftyp":
        return _ISO_MEDIA_BRANDS.get(head[8:12], "a video")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "a video"
    for magic, name in _OTHER_MAGIC:
        if head.startswith(magic):
            return name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return "an SVG drawing"
    if text.startswith((b"<!doctype html", b"<html")):
        return "a web page"
    return None


def check_url(url: str, *, hosts: Collection[str], scheme: str) -> URL:
    """Parse `url` and refuse anything not on the CDN allowlist."""
    try:
        parsed = URL(url)
    except ValueError:
        raise AttachmentRejected("its link is not a valid URL") from None
    if parsed.scheme != scheme or not parsed.host:
        raise AttachmentRejected("it is not a Discord attachment link")
    host = parsed.host.lower()
    with_port = f"{host}:{parsed.port}" if parsed.port is not None else host
    if parsed.user or parsed.password or (host not in hosts and with_port not in hosts):
        raise AttachmentRejected(f"it is not hosted on Discord's CDN ({parsed.host})")
    return parsed


class AttachmentDownloader:
    """Fetches attachments with its own HTTP session (separate from discord.py's, which it must not share)."""

    def __init__(
        self,
        *,
        hosts: Collection[str],
        scheme: str = "https",
        max_bytes: int,
        timeout_s: float = 20.0,
    ) -> None:
        self.hosts = frozenset(host.lower() for host in hosts)
        self.scheme = scheme
        self.max_bytes = max_bytes
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def fetch(self, attachment: AttachmentInfo) -> bytes:
        """The attachment's bytes; raise AttachmentRejected with a reason a member can act on."""
        # 1. Before any request: where it lives and how big Discord says it is.
        url = check_url(attachment.url, hosts=self.hosts, scheme=self.scheme)
        limit_mb = self.max_bytes / (1024 * 1024)
        if attachment.size is not None and attachment.size > self.max_bytes:
            raise AttachmentRejected(f"it is larger than {limit_mb:.0f} MB")

        # 2. The response: no redirects (they could leave the allowlist), a declared size within the cap.
        try:
            async with self._client().get(url, allow_redirects=False) as response:
                if response.status != 200:
                    log.info("attachment download got HTTP %s", response.status)
                    raise AttachmentRejected(
                        f"downloading it failed (HTTP {response.status}); upload it again"
                    )
                if response.content_length is not None and response.content_length > self.max_bytes:
                    raise AttachmentRejected(f"it is larger than {limit_mb:.0f} MB")

                # 3. The body, in chunks, stopping as soon as it passes the cap.
                body = bytearray()
                async for chunk in response.content.iter_chunked(CHUNK_BYTES):
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        raise AttachmentRejected(f"it is larger than {limit_mb:.0f} MB")
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.info("attachment download failed: %r", exc)
            raise AttachmentRejected("downloading it failed; upload it again") from None

        # 4. What it is, by its bytes rather than by its name or declared type.
        if not body:
            raise AttachmentRejected("the file is empty; upload it again")
        if sniff_image(bytes(body[:16])) is None:
            other = name_other_file(bytes(body[:_NAMING_BYTES]))
            if other is not None:
                raise AttachmentRejected(f"it is {other}, which this bot can't read; {_ACCEPTED_HINT}")
            raise AttachmentRejected(f"it is not an image; {_ACCEPTED_HINT}")
        return bytes(body)
