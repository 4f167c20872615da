"""Gateway side of the fake: sessions (resumable, with sequence numbers) and websocket connections.

Transport compression follows what the client asks for in the query string, exactly as discord.py decodes it:
``compress=zlib-stream`` is one zlib stream per connection, every message flushed with ``Z_SYNC_FLUSH``
(so each frame ends with ``00 00 ff ff``); ``compress=zstd-stream`` is one zstd stream per connection,
every message a flushed block. Without ``compress`` the payloads go as text frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import zlib
from collections import deque
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .models import JSON, GatewayRecord

if TYPE_CHECKING:
    from .server import FakeDiscord

log = logging.getLogger(__name__)

_CLOSE = object()


class _ZlibStream:
    def __init__(self) -> None:
        self._obj = zlib.compressobj()

    def __call__(self, data: bytes) -> bytes:
        return self._obj.compress(data) + self._obj.flush(zlib.Z_SYNC_FLUSH)


class _ZstdStream:
    def __init__(self) -> None:
        try:
            import zstandard

            self._obj = zstandard.ZstdCompressor().compressobj()
            self._flush_mode = zstandard.COMPRESSOBJ_FLUSH_BLOCK
            self._std = False
        except ImportError:
            from compression import zstd  # Python 3.14+

            self._obj = zstd.ZstdCompressor()
            self._flush_mode = zstd.ZstdCompressor.FLUSH_BLOCK
            self._std = True

    def __call__(self, data: bytes) -> bytes:
        if self._std:
            return bytes(self._obj.compress(data, mode=self._flush_mode))
        return bytes(self._obj.compress(data) + self._obj.flush(self._flush_mode))


def dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


class GatewaySession:
    """An identified gateway session. It outlives its websocket so that the client can RESUME it."""

    def __init__(
        self, fake: FakeDiscord, session_id: str, shard: tuple[int, int], intents: int, large_threshold: int
    ) -> None:
        self.fake = fake
        self.session_id = session_id
        self.shard_id, self.shard_count = shard
        self.intents = intents
        self.large_threshold = large_threshold
        self.seq = 0
        self.buffer: deque[tuple[int, JSON]] = deque(maxlen=2000)
        self.connection: GatewayConnection | None = None
        self.invalidated = False
        self.resumed_count = 0

    def has_intent(self, bit: int) -> bool:
        return bool(self.intents & bit)

    def handles_guild(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return self.shard_id == 0
        return (guild_id >> 22) % self.shard_count == self.shard_id

    def dispatch(self, event: str, data: JSON) -> int:
        """Queue a DISPATCH (op 0). Buffered for RESUME even while no socket is attached."""
        self.seq += 1
        payload = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.buffer.append((self.seq, payload))
        if self.connection is not None:
            self.connection.enqueue(payload)
        return self.seq

    def replay_after(self, seq: int) -> list[JSON]:
        return [p for s, p in self.buffer if s > seq]

    def can_resume_from(self, seq: int) -> bool:
        if seq >= self.seq:
            return True
        return bool(self.buffer) and self.buffer[0][0] <= seq + 1


class GatewayConnection:
    """One websocket. Every outgoing payload goes through a queue so that ordering is preserved."""

    def __init__(self, fake: FakeDiscord, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.fake = fake
        self.ws = ws
        self.path = request.path
        self.query = dict(request.query)
        compress = self.query.get("compress")
        self.compression = compress
        self._compressor: _ZlibStream | _ZstdStream | None
        if compress == "zlib-stream":
            self._compressor = _ZlibStream()
        elif compress == "zstd-stream":
            self._compressor = _ZstdStream()
        else:
            self._compressor = None
        self.session: GatewaySession | None = None
        self.identified = False
        self.last_heartbeat: float | None = None
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self.closed = False
        #: The fake (not the client) closed this socket.
        self.server_closed = False

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_loop(), name="fakediscord-gateway-writer")

    def enqueue(self, payload: JSON) -> None:
        if not self.closed:
            self._queue.put_nowait(payload)

    def enqueue_close(self, code: int, message: str = "") -> None:
        if not self.closed:
            self._queue.put_nowait((_CLOSE, code, message))

    async def drain(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until everything queued so far has been written to the socket."""
        if self.closed:
            return
        await asyncio.wait_for(self._queue.join(), timeout)

    async def _write_loop(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                if isinstance(item, tuple) and item and item[0] is _CLOSE:
                    _, code, message = item
                    self.closed = True
                    self.server_closed = True
                    await self.ws.close(code=code, message=message.encode())
                    continue
                await self._send(item)
            except (ConnectionError, RuntimeError) as exc:  # socket went away under us
                log.debug("gateway write failed: %r", exc)
                self.closed = True
            finally:
                self._queue.task_done()

    async def _send(self, payload: JSON) -> None:
        if self.ws.closed:
            self.closed = True
            return
        self.fake._record_gateway("send", payload, self)
        text = dumps(payload)
        if self._compressor is not None:
            await self.ws.send_bytes(self._compressor(text.encode()))
        else:
            await self.ws.send_str(text)

    async def shutdown(self) -> None:
        self.closed = True
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        # Release anybody waiting in drain().
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()


def now() -> float:
    return time.monotonic()


def gateway_record(direction: str, payload: JSON, conn: GatewayConnection) -> GatewayRecord:
    return GatewayRecord(
        direction=direction,
        op=payload.get("op", -1),
        t=payload.get("t"),
        s=payload.get("s"),
        d=payload.get("d"),
        session_id=conn.session.session_id if conn.session else None,
        timestamp=now(),
        path=conn.path,
    )
