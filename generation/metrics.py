"""Prometheus metrics and the small /metrics + /healthz HTTP server.

Each `Metrics` owns its registry (no process-wide singletons), so tests and several services in one
process never collide.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)

_WAIT_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600)
_RUN_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.queue_depth = Gauge(
            "imagine_queue_depth", "Jobs waiting, per guild", ["guild"], registry=self.registry
        )
        self.wait_seconds = Histogram(
            "imagine_wait_seconds",
            "Time from queued to started",
            buckets=_WAIT_BUCKETS,
            registry=self.registry,
        )
        self.run_seconds = Histogram(
            "imagine_batch_run_seconds",
            "Duration of one pipeline call",
            buckets=_RUN_BUCKETS,
            registry=self.registry,
        )
        self.images = Counter("imagine_images", "Images generated", registry=self.registry)
        self.batch_size = Histogram(
            "imagine_batch_size",
            "Images per pipeline call",
            buckets=(1, 2, 3, 4, 6, 8, 12, 16, 32, 64),
            registry=self.registry,
        )
        self.slots_in_use = Gauge("imagine_gpu_slots_in_use", "GPU slots busy", registry=self.registry)
        self.jobs = Counter("imagine_jobs", "Finished jobs by status", ["status"], registry=self.registry)
        self.moderation_blocks = Counter(
            "imagine_moderation_blocks",
            "Prompts blocked and images withheld, by category",
            ["stage", "category"],
            registry=self.registry,
        )
        self.previews_withheld = Counter(
            "imagine_previews_withheld",
            "Progress previews not shown: flagged or not classifiable",
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)


HealthCheck = Callable[[], Awaitable[bool]]


class MetricsServer:
    """Serves /metrics and /healthz on loopback (or the configured host)."""

    def __init__(self, metrics: Metrics, healthy: HealthCheck, *, host: str, port: int) -> None:
        self._metrics = metrics
        self._healthy = healthy
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self.port = port

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._serve_metrics)
        app.router.add_get("/healthz", self._serve_health)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("metrics and health on http://%s:%d", self._host, self.port)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _serve_metrics(self, _request: web.Request) -> web.Response:
        response = web.Response(body=self._metrics.render())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def _serve_health(self, _request: web.Request) -> web.Response:
        ok = await self._healthy()
        return web.json_response({"ok": ok}, status=200 if ok else 503)
